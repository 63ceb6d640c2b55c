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


# --- bad files cost only themselves ----------------------------------------------------------


def test_bad_files_are_left_out_or_decoded_and_reported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Balkan ministers meet\nSecurity ministers met in Sarajevo on Thursday.\n")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "huge.txt").write_text("Huge\n" + "A long sentence of filler words. " * 400)
    (corpus / "stray.txt").write_bytes("Poklukar hosts Nešić\nBoštjan Poklukar hosted him in Ljubljana".encode() + b"\xff.\n")
    (corpus / "wide.txt").write_bytes("Cerar speaks\nMiro Cerar spoke about the Balkan route.\n".encode("utf-16"))
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False, max_file_mb=0.01)
    report = rag.index(corpus, config=cfg)
    assert report.documents == 3
    assert report.left_out == {
        "huge.txt": "0.0132 MB, over the 0.01 MB limit (the max_file_mb setting, RAG_MAX_FILE_MB)",
        "passwd.txt": f"a link to {Path('/etc/passwd').resolve()}, outside the corpus folder: not followed",
    }
    assert report.decoding == {
        "stray.txt": "1 byte that is not UTF-8 replaced by U+FFFD (line 2)",
        "wide.txt": "UTF-16 (byte-order mark)",
    }
    idx = rag.load_index(cfg, build_if_missing=False)
    assert sorted(idx.documents) == ["good.txt", "stray.txt", "wide.txt"]
    assert idx.documents["stray.txt"].text == "Boštjan Poklukar hosted him in Ljubljana\ufffd."
    assert idx.documents["wide.txt"].text == "Miro Cerar spoke about the Balkan route."
    assert not any("root:" in c.text for c in idx.chunks)
    assert sorted(read_manifest(cfg.index_dir)["sources"]) == ["good.txt", "stray.txt", "wide.txt"]


def test_the_build_logs_each_stage(tmp_path, caplog):
    import logging

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Headline\nOne sentence of news. Another one.\n")
    (tmp_path / "secret.txt").write_text("Secret\nNot for the index.\n")
    (corpus / "link.txt").symlink_to(tmp_path / "secret.txt")
    caplog.set_level(logging.INFO, logger="rag")
    rag.index(corpus, config=rag.Config.load(index_dir=tmp_path / "idx", progress=False))
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    messages = [m for _, _, m in lines]
    assert messages[0] == f"reading the articles in {corpus}"
    why = f"a link to {(tmp_path / 'secret.txt').resolve()}, outside the corpus folder: not followed"
    assert ("rag.build", "WARNING", f"link.txt: left out, {why}") in lines
    for expected in ("1 articles read and cleaned (0 with no text left)", "split into 1 chunks and 2 sentences",
                     "embedding chunks: 1 texts", "embedding sentences: 2 texts", f"writing the index to {tmp_path / 'idx'}"):
        assert expected in messages
    assert messages[-1].startswith("indexed 1 articles -> 1 chunks, 2 sentences in ")


def test_embedding_in_cached_steps_gives_the_vectors_of_one_call(tmp_path, caplog):
    """Texts missing from the vector cache are embedded a few batches at a time, each step saved
    to the cache; the batches stay the ones a single call makes (same texts together), so the
    vectors are too; without progress bars a line is logged every 32 batches. A stand-in model
    records the batches; a second pass finds every vector in the cache and embeds nothing."""
    import logging

    import numpy as np

    from rag.ingest import _progress
    from rag.vcache import VectorCache, embed_cached

    batches = []

    def fake_embed(texts, model, *, batch_size, progress=False, label=""):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out = np.zeros((len(texts), 2), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            batch = [texts[i] for i in order[b : b + batch_size]]
            batches.append(tuple(batch))
            for i in order[b : b + batch_size]:
                out[i] = (len(texts[i]), len(batch))
        return out

    texts = [f"text {'x' * (i * 7919 % 97)} {i}" for i in range(5000)]
    whole = fake_embed(texts, "m", batch_size=16)
    single = list(batches)
    batches.clear()
    caplog.set_level(logging.INFO, logger="rag")
    cfg = rag.Config.load(batch_size=16, progress=False)
    cache = VectorCache(tmp_path, "m")
    stepped, cached, embedded = embed_cached(texts, "m", cache, dim=2, batch_size=16, step=64,
                                             on_step=_progress(cfg, "embedding chunks"), embed_fn=fake_embed)
    assert batches == single and np.array_equal(stepped, whole) and (cached, embedded) == (0, 5000)
    progress = [r.getMessage() for r in caplog.records if "/5000" in r.getMessage()]
    # A log line every LOG_STEP (2048) texts, at the first step that reaches it, and at the end.
    assert len(progress) == 3 and progress[0].startswith("embedding chunks: 2048/5000 (") and progress[-1].startswith("embedding chunks: 5000/5000")
    assert len(list(cache.folder.glob("*.npy"))) == 79  # 5000 texts, 64 a step
    batches.clear()
    again, cached, embedded = embed_cached(texts[::-1] + texts[:1], "m", VectorCache(tmp_path, "m"), dim=2,
                                           batch_size=16, step=64, embed_fn=fake_embed)
    assert (cached, embedded, batches) == (5001, 0, []) and np.array_equal(again, np.vstack([whole[::-1], whole[:1]]))
