"""rag.chunkvec: chunk vectors pooled from their headline's and sentences' own vectors, real model and index."""

from __future__ import annotations

import json

import numpy as np
import pytest

import rag
from rag.chunkvec import pool_chunk
from rag.embed import embed
from rag.errors import ConfigError, IndexMismatchError
from rag.tokens import model_token_counter
from rag.vcache import VectorCache, text_key

FENCE = ("Border fence extended\nHungary extended its border fence by forty kilometres in March. "
         "The fence runs along the Serbian border. Police patrol it day and night.\n")
RIVER = "River rescue\nPolice rescued twelve migrants from the Korana river near Bihac.\n"


def test_pool_chunk_is_the_weighted_mean_at_unit_length():
    v = pool_chunk(np.array([[1, 0], [0, 1], [0, 1]]), [2, 1, 1])
    assert v == pytest.approx(np.array([1, 1]) / np.sqrt(2))
    assert pool_chunk(np.array([[0.6, 0.8]]), [7]) == pytest.approx([0.6, 0.8])


def test_pooled_sentence_vectors_cannot_make_chunk_vectors():
    with pytest.raises(ConfigError, match="needs sentence_vectors=separate"):
        rag.Config.load(chunk_vectors="sentences", sentence_vectors="pooled")
    with pytest.raises(ConfigError, match="chunk_vectors must be one of"):
        rag.Config.load(chunk_vectors="mean")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text(FENCE)
    return folder


def expected_chunk(idx, row: int, embedder: str) -> np.ndarray:
    """By hand: the headline and each sentence embedded alone, weighted by their word pieces."""
    c = idx.chunks[row]
    texts = [c.title] + [idx.documents[c.doc_id].text[s:e] for s, e in c.sentences]
    count, _ = model_token_counter(rag.Config.model)
    v = (np.array([count(t) - 2 for t in texts], dtype=np.float32) @ embed(texts, embedder))
    return v / np.linalg.norm(v)


def test_each_chunk_is_its_headline_and_sentences_pooled_and_sentences_are_unchanged(corpus, tmp_path):
    # 14 tokens a chunk: two chunks, the overlap repeating "The fence runs along the Serbian border."
    cfg = rag.Config.load(index_dir=tmp_path / "i", chunk_vectors="sentences", chunk_tokens=20, chunk_overlap=10,
                          progress=False)
    report = rag.index(corpus, config=cfg)
    idx = rag.load_index(cfg, build_if_missing=False)
    assert [len(c.sentences) for c in idx.chunks] == [2, 2] and idx.chunks[0].sentences[1] == idx.chunks[1].sentences[0]
    assert report.embedded == 4  # three sentences and the headline; the shared sentence once, no chunk
    rows = np.arange(len(idx.chunks))
    for r in rows:
        assert float(idx.dense.vectors(rows)[r] @ expected_chunk(idx, r, cfg.embedder)) > 0.99999
    alone = embed([s.text for s in idx.sentences], cfg.embedder)  # what "embedded" chunks' builds store
    assert np.allclose(idx.sentence_store.vectors(np.arange(len(idx.sentences))), alone, atol=1e-6)
    assert idx.manifest["settings"]["chunk_vectors"] == "sentences"
    cache = VectorCache(cfg.index_dir / "vectors", cfg.vectors)  # a pooled vector never passes for an embedded chunk's
    assert not any(cache.get([text_key(c.embed_text) for c in idx.chunks])[1])
    assert all(cache.get([text_key("Border fence extended")])[1])


def test_the_kind_is_an_index_setting_and_switching_rebuilds(corpus, tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "i", chunk_vectors="sentences", progress=False)
    rag.index(corpus, config=cfg)
    embedded = cfg.with_(chunk_vectors="embedded")
    with pytest.raises(IndexMismatchError, match="chunk_vectors='sentences' but chunk_vectors='embedded'"):
        rag.load_index(embedded, build_if_missing=False)
    report = rag.index(corpus, config=embedded)
    assert "chunk_vectors" in report.rebuilt
    assert report.embedded == 1 and report.cached == 3  # the chunk read whole; its sentences from the cache
    idx = rag.load_index(embedded, build_if_missing=False)
    assert float(idx.dense.vectors(np.arange(1))[0] @ embed([idx.chunks[0].embed_text], cfg.embedder)[0]) > 0.99999


def test_an_incremental_build_equals_a_fresh_one(corpus, tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "i", chunk_vectors="sentences", progress=False)
    rag.index(corpus, config=cfg)
    (corpus / "b.txt").write_text(RIVER)
    report = rag.index(corpus, config=cfg)
    assert report.embedded == 2 and report.kept == 4  # b's sentence and headline; a's chunk and sentences kept
    fresh = cfg.with_(index_dir=tmp_path / "fresh")
    rag.index(corpus, config=fresh)
    inc, new = rag.load_index(cfg, build_if_missing=False), rag.load_index(fresh, build_if_missing=False)
    assert inc.chunks == new.chunks and inc.sentences == new.sentences
    rows = np.arange(len(new.chunks))
    assert np.allclose(inc.dense.vectors(rows), new.dense.vectors(rows), atol=1e-6)
    answer = rag.answer("How many migrants did police rescue?", config=cfg)
    assert any("twelve migrants" in c.snippet for c in answer.citations)


def test_an_index_from_before_the_setting_reads_as_embedded_and_is_not_rebuilt(corpus, tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "i", progress=False)
    rag.index(corpus, config=cfg)
    path = cfg.index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["settings"]["chunk_vectors"]
    path.write_text(json.dumps(manifest))
    assert rag.load_index(cfg, build_if_missing=False).chunks
    assert rag.index(corpus, config=cfg).up_to_date
    with pytest.raises(IndexMismatchError, match="chunk_vectors=None|chunk_vectors='embedded'"):
        rag.load_index(cfg.with_(chunk_vectors="sentences"), build_if_missing=False)
