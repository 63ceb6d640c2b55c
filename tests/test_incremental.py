"""Incremental `rag index` on tiny corpora, real model: add, change, delete, no-op, a redone
document, the vector cache's counts, and answers identical to a fresh build of the same files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import rag
from rag.storage import read_manifest

A = "Border fence extended\nHungary extended its border fence by forty kilometres in March. The fence now runs along the Serbian border.\nReporting by Ana Kovac\n"
B = "Asylum requests fall\nSlovenia received fewer asylum requests in 2019 than in 2018. Officials credit tighter controls on the Croatian border.\n"
B2 = B.rstrip("\n") + " Most applicants came from Afghanistan.\n"
C = "River rescue near Bihac\nPolice rescued twelve migrants from the Korana river near Bihac on Tuesday. Two children were taken to hospital.\n"
D = "Ministers meet in Sarajevo\nInterior ministers from six Balkan states met in Sarajevo to plan a joint database of migrants.\n"
E = "Camp closes\nThe Vucjak camp closed in December after winter set in.\nReporting by Ana Kovac\n"  # shares a line with A

QUESTIONS = [
    "How long is the extension of the Hungarian border fence?",
    "Where did the interior ministers meet?",
    "Where did most asylum applicants come from?",
    "How many migrants did police rescue from the river?",
]


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text)
    return folder


def config(folder: Path) -> rag.Config:
    return rag.Config.load(index_dir=folder, progress=False)


def uids(cfg: rag.Config, doc_id: str) -> list[int]:
    gen = cfg.index_dir / read_manifest(cfg.index_dir)["generation"]
    rows = [json.loads(line) for line in (gen / "chunks.jsonl").read_text().splitlines()]
    return [r["uid"] for r in rows if r["doc_id"] == doc_id]


def assert_same_as_fresh(corpus: Path, cfg: rag.Config, tmp_path: Path) -> None:
    """The incremental index holds what a fresh build of the same files holds, and answers alike."""
    fresh = config(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}")
    rag.index(corpus, config=fresh)
    inc, new = rag.load_index(cfg, build_if_missing=False), rag.load_index(fresh, build_if_missing=False)
    assert inc.chunks == new.chunks and inc.sentences == new.sentences and inc.documents == new.documents
    assert sorted(inc.dense.store.ids().tolist()) == sorted(inc.dense.uids.tolist())  # nothing left behind
    assert sorted(inc.sentence_store.store.ids().tolist()) == sorted(inc.sentence_store.uids.tolist())
    assert np.allclose(inc.dense.vectors(np.arange(len(inc.chunks))), new.dense.vectors(np.arange(len(new.chunks))), atol=1e-5)
    for q in QUESTIONS:
        a, b = rag.search(q, config=cfg), rag.search(q, config=fresh)
        assert [p.chunk for p in a] == [p.chunk for p in b]
        assert [p.score for p in a] == pytest.approx([p.score for p in b], abs=1e-4)
        x, y = rag.answer(q, config=cfg), rag.answer(q, config=fresh)
        assert (x.text, x.abstained, [(c.source, c.snippet) for c in x.citations]) == (
            y.text, y.abstained, [(c.source, c.snippet) for c in y.citations])


def test_add_change_delete_and_an_unchanged_corpus(tmp_path):
    corpus = write(tmp_path / "corpus", a=A, b=B, c=C)
    cfg = config(tmp_path / "idx")
    r = rag.index(corpus, config=cfg)  # 3 articles of 1 chunk each; 3 + 2 + 2 sentences
    assert (r.chunks, r.sentences, r.embedded, r.cached, r.kept, r.rebuilt) == (3, 7, 10, 0, 0, "no index yet")
    a_ids = uids(cfg, "a.txt")

    r = rag.index(corpus, config=cfg)
    assert r.up_to_date and (r.embedded, r.cached) == (0, 0) and r.changes.unchanged == ("a.txt", "b.txt", "c.txt")
    generation = read_manifest(cfg.index_dir)["generation"]

    write(corpus, d=D)
    r = rag.index(corpus, config=cfg)
    assert (r.changes.added, r.changes.unchanged, r.rebuilt) == (("d.txt",), ("a.txt", "b.txt", "c.txt"), "")
    assert (r.embedded, r.cached, r.kept) == (2, 0, 10)  # d's chunk and sentence; the 10 vectors before stay
    assert read_manifest(cfg.index_dir)["generation"] != generation

    write(corpus, b=B2)
    r = rag.index(corpus, config=cfg)
    assert (r.changes.changed, r.changes.added, r.changes.removed) == (("b.txt",), (), ())
    assert (r.embedded, r.cached) == (2, 2)  # b's chunk and new sentence; its two old sentences from the cache

    (corpus / "c.txt").unlink()
    r = rag.index(corpus, config=cfg)
    assert (r.changes.removed, r.embedded, r.cached, r.chunks, r.sentences) == (("c.txt",), 0, 0, 3, 7)
    assert uids(cfg, "a.txt") == a_ids  # an unchanged article keeps its ids and vectors through every build
    assert_same_as_fresh(corpus, cfg, tmp_path)


def test_a_document_whose_cleaning_changes_with_another_file_is_redone(tmp_path):
    corpus = write(tmp_path / "corpus", a=A, b=B)
    cfg = config(tmp_path / "idx")
    rag.index(corpus, config=cfg)
    assert "Reporting by Ana Kovac" in rag.load_index(cfg).documents["a.txt"].text

    write(corpus, e=E)  # "Reporting by Ana Kovac" is now repeated across articles: boilerplate, in a too
    r = rag.index(corpus, config=cfg)
    assert (r.changes.added, r.changes.redone, r.changes.unchanged) == (("e.txt",), ("a.txt",), ("b.txt",))
    assert "Reporting by Ana Kovac" not in rag.load_index(cfg).documents["a.txt"].text
    assert (r.embedded, r.cached) == (3, 2)  # a's and e's chunks, e's sentence; a's two sentences are cached
    assert_same_as_fresh(corpus, cfg, tmp_path)

    (corpus / "e.txt").unlink()  # a gets its line back: every text of it was embedded before
    r = rag.index(corpus, config=cfg)
    assert (r.changes.removed, r.changes.redone, r.embedded, r.cached) == (("e.txt",), ("a.txt",), 0, 4)


def test_other_settings_rebuild_whole_and_the_cli_says_what_happened(tmp_path, capsys):
    from rag.cli import main

    corpus = write(tmp_path / "corpus", a=A, b=B)
    idx = tmp_path / "idx"
    assert main(["index", str(corpus), "--index-dir", str(idx), "-q"]) == 0
    assert "  articles: 2 added, 0 changed, 0 removed, 0 redone, 0 unchanged (built whole: no index yet)\n" in capsys.readouterr().out
    assert main(["index", str(corpus), "--index-dir", str(idx), "-q"]) == 0
    assert capsys.readouterr().out.startswith(f"the index in {idx} is up to date: 2 articles, 2 chunks, 5 sentences; nothing to do (")
    write(corpus, d=D)
    (corpus / "b.txt").unlink()
    assert main(["index", str(corpus), "--index-dir", str(idx), "-q"]) == 0
    out = capsys.readouterr().out
    assert "  articles: 1 added, 0 changed, 1 removed, 0 redone, 1 unchanged\n" in out
    assert "  vectors: 2 embedded, 0 from the cache, 4 kept\n" in out and "  d.txt: added\n" in out and "  b.txt: removed\n" in out
    assert main(["index", str(corpus), "--index-dir", str(idx), "-q", "--chunk-tokens", "120"]) == 0
    out = capsys.readouterr().out
    assert "(built whole: it was built with chunk_tokens=200, now chunk_tokens=120)" in out
    assert "  vectors: 0 embedded, 6 from the cache, 0 kept\n" in out  # same texts: every vector is cached


def test_a_damaged_index_is_rebuilt_from_the_cache(tmp_path):
    corpus = write(tmp_path / "corpus", a=A, b=B)
    cfg = config(tmp_path / "idx")
    rag.index(corpus, config=cfg)
    gen = cfg.index_dir / read_manifest(cfg.index_dir)["generation"]
    (gen / "chunks.faiss").write_bytes(b"garbage")
    r = rag.index(corpus, config=cfg)
    assert not r.up_to_date and r.rebuilt.startswith("index file") and (r.embedded, r.cached) == (0, 7)
    assert len(rag.load_index(cfg).chunks) == 2


def test_the_vector_cache_is_compacted_to_what_the_index_holds(tmp_path):
    from rag.vcache import VectorCache, text_key

    corpus = write(tmp_path / "corpus", a=A)
    cfg = config(tmp_path / "idx")
    rag.index(corpus, config=cfg)
    cache = VectorCache(cfg.index_dir / "vectors", cfg.vectors)
    assert len(cache) == 4  # a's chunk and 3 sentences
    for n in range(3):  # fill it with vectors no index holds: 3 segments of 600
        cache.put([text_key(f"old text {n}-{i}") for i in range(600)], np.zeros((600, 384), np.float32))
    write(corpus, b=B)
    rag.index(corpus, config=cfg)  # 1,806 cached vectors for 7 live ones: compacted
    cache = VectorCache(cfg.index_dir / "vectors", cfg.vectors)
    assert len(cache) == 7 and len(list(cache.folder.glob("*.npy"))) == 1
    r = rag.index(corpus, config=cfg.with_(chunk_tokens=100))
    assert (r.embedded, r.cached) == (0, 7)
