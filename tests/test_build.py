"""`rag.index`: the ingestion pipeline, from a folder or from ready-made documents."""

from __future__ import annotations

from pathlib import Path

import pytest

import rag
from rag.build import document_hash, sentences_of
from rag.errors import InputError
from rag.storage import read_manifest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_report_of_the_seed_build(seed_config):
    m = read_manifest(seed_config.index_dir)
    assert m["counts"]["documents"] == 5 and m["build"]["chunks_per_second"] > 0
    idx = rag.load_index(seed_config, build_if_missing=False)
    for s in idx.sentences:  # every sentence is a verbatim slice of its document
        assert idx.documents[s.doc_id].text[s.start : s.end] == s.text


def test_documents_in_the_benchmark_way(tmp_path):
    docs = [rag.Document("d1", "Bees", "Bees make honey. They live in hives."), rag.Document("d2", "Empty", "")]
    report = rag.index(config=rag.Config.load(index_dir=tmp_path, progress=False), documents=docs)
    assert (report.documents, report.skipped, report.sentences) == (1, ("d2",), 2)
    assert read_manifest(tmp_path)["sources"] == {"d1": document_hash(docs[0]), "d2": document_hash(docs[1])}


def test_an_empty_html_page_is_skipped_and_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\nOne sentence of news.\n")
    (tmp_path / "b.html").write_text("<html><head><title>Nothing</title></head><body></body></html>")
    report = rag.index(tmp_path, config=rag.Config.load(index_dir=tmp_path / "idx", progress=False))
    assert report.documents == 1 and report.skipped == ("b.html",)


def test_a_corpus_with_no_text_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("Only a headline\n")
    with pytest.raises(InputError, match="has any text"):
        rag.index(tmp_path, config=rag.Config.load(index_dir=tmp_path / "idx", progress=False))
    assert not (tmp_path / "idx").exists() or not (tmp_path / "idx" / "manifest.json").exists()


def test_sentences_are_kept_once_despite_overlap():
    doc = rag.Document("a", "T", "One two. Three four. Five six.")
    chunks = [rag.Chunk(0, "a", "T", "One two. Three four.", 0, 20, 6, ((0, 8), (9, 20))),
              rag.Chunk(1, "a", "T", "Three four. Five six.", 9, 30, 6, ((9, 20), (21, 30)))]
    assert [(s.sentence_id, s.chunk_id, s.text) for s in sentences_of(chunks, [doc])] == [
        (0, 0, "One two."), (1, 0, "Three four."), (2, 1, "Five six.")]
