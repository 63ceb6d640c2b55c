"""rag.pool: sentence vectors pooled from their chunk's token vectors (late chunking), real model."""

from __future__ import annotations

import numpy as np
import pytest

import rag
from rag.embed import embed
from rag.errors import IndexMismatchError
from rag.pool import embed_pooled, pool, pooled_key
from rag.vcache import VectorCache, text_key

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
CHUNK = ("Border fence extended\nHungary extended its border fence by forty kilometres in March. "
         "Slovenia received fewer asylum requests in 2019. Police rescued twelve migrants from the river.")


def spans_of(text: str, *sentences: str) -> list[tuple[int, int]]:
    return [(text.index(s), text.index(s) + len(s)) for s in sentences]


def test_pool_averages_the_tokens_inside_each_span():
    hidden = np.array([[5, 5], [2, 0], [0, 4], [3, 3], [5, 5]], dtype=np.float32)
    offsets, special = [(0, 0), (0, 3), (4, 7), (8, 9), (0, 0)], [1, 0, 0, 0, 1]
    chunk, sents = pool(hidden, offsets, special, [(0, 3), (4, 9), (20, 30)])
    assert chunk == pytest.approx(np.array([3, 3.4]) / np.linalg.norm([3, 3.4]))  # every token, specials too
    assert sents[0] == pytest.approx([1, 0])
    assert sents[1] == pytest.approx(np.array([3, 7]) / np.linalg.norm([3, 7]))  # mean of (0,4) and (3,3)
    assert sents[2] == pytest.approx(chunk)  # a span truncated away: the chunk's vector


def test_a_token_cut_by_a_span_still_counts_when_none_lies_inside():
    hidden = np.array([[0, 1], [1, 0]], dtype=np.float32)
    _, sents = pool(hidden, [(0, 6), (7, 9)], [0, 0], [(2, 4)])
    assert sents[0] == pytest.approx([0, 1])


def test_keys_depend_on_chunk_and_span_and_differ_from_a_sentence_alone():
    s = "Hungary extended its border fence"
    assert pooled_key(CHUNK, (22, 50)) != pooled_key(CHUNK, (22, 51)) != pooled_key(CHUNK + ".", (22, 50))
    assert pooled_key(s, (0, len(s))) != text_key(s)


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_one_pass_gives_the_chunk_vector_and_sentence_vectors_near_their_own(backend, tmp_path):
    name = MODEL if backend == "torch" else f"{MODEL}@{backend}"
    sentences = ("Hungary extended its border fence by forty kilometres in March.",
                 "Slovenia received fewer asylum requests in 2019.", "Police rescued twelve migrants from the river.")
    reqs = [(0, span) for span in spans_of(CHUNK, *sentences)]
    cache = VectorCache(tmp_path, name)
    chunks, sents, cached, read = embed_pooled([CHUNK], [0], reqs, name, cache, dim=384, step=8)
    assert (cached, read) == (0, 1)
    assert float(chunks[0] @ embed([CHUNK], MODEL)[0]) > 0.9999  # what mean pooling over the chunk gives
    assert np.linalg.norm(sents, axis=1) == pytest.approx([1, 1, 1], abs=1e-5)
    alone = embed(list(sentences), MODEL)
    sims = sents @ alone.T
    assert (sims.argmax(axis=1) == [0, 1, 2]).all()  # each pooled vector is nearest its own sentence
    again = embed_pooled([CHUNK], [0], reqs, name, VectorCache(tmp_path, name), dim=384, step=8)
    assert again[2:] == (4, 0) and np.allclose(again[1], sents)  # all four from the cache, the model never asked


def test_pooled_is_an_index_setting_and_an_incremental_build_equals_a_fresh_one(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Border fence extended\nHungary extended its border fence by forty kilometres. "
                                  "The fence runs along the Serbian border.\n")
    cfg = rag.Config.load(index_dir=tmp_path / "i", sentence_vectors="pooled", progress=False)
    rag.index(corpus, config=cfg)
    with pytest.raises(IndexMismatchError, match="sentence_vectors"):
        rag.load_index(cfg.with_(sentence_vectors="separate"), build_if_missing=False)
    (corpus / "b.txt").write_text("River rescue\nPolice rescued twelve migrants from the Korana river near Bihac.\n")
    report = rag.index(corpus, config=cfg)
    assert report.embedded == 1 and report.kept == 3  # b's one chunk read once; a's chunk and sentences kept
    fresh = cfg.with_(index_dir=tmp_path / "fresh")
    rag.index(corpus, config=fresh)
    inc, new = rag.load_index(cfg, build_if_missing=False), rag.load_index(fresh, build_if_missing=False)
    assert inc.sentences == new.sentences
    rows = np.arange(len(new.sentences))
    assert np.allclose(inc.sentence_store.vectors(rows), new.sentence_store.vectors(rows), atol=1e-5)
    answer = rag.answer("How many migrants did police rescue?", config=cfg)
    assert any("twelve migrants" in c.snippet for c in answer.citations)
