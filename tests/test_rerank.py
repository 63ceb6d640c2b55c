"""The sentence-level reranker on the real seed index."""

from __future__ import annotations

import numpy as np

from rag.embed import embed_query
from rag.rerank import SentenceReranker
from rag.retrieve import rank


def test_rerank_adds_the_sentence_signal_and_keeps_the_candidates(seed_index, seed_config):
    q = "Which agency's status agreement should Bosnia and Herzegovina sign?"
    vec = embed_query(q, seed_config.embedder)
    hybrid = rank(seed_index, q, vec, seed_config.with_(mode="hybrid"))
    reranked = rank(seed_index, q, vec, seed_config.with_(mode="hybrid+rerank"))
    assert sorted(p.chunk.chunk_id for p in reranked) == sorted(p.chunk.chunk_id for p in hybrid)
    assert all(set(p.signals) == {"dense", "bm25", "sentence"} for p in reranked)
    assert [p.score for p in reranked] == sorted((p.score for p in reranked), reverse=True)
    assert "Frontex" in reranked[0].chunk.text


def test_rescore_adds_the_weighted_sentence_z_score(seed_index, seed_config):
    from rag.calibrate import calibration
    from rag.fuse import standardize
    from rag.rerank import best_sentence_scores

    vec = embed_query("Where did the Balkan ministers meet?", seed_config.embedder)
    ids, scores = np.array([0, 3, 5]), np.array([1.0, 0.0, -1.0])
    fused, added = SentenceReranker(seed_config).rescore(seed_index, vec, ids, scores)
    best = best_sentence_scores(seed_index, vec, [0, 3, 5])
    assert added["sentence"].tolist() == best.tolist()
    want = scores + seed_config.w_sentence * standardize(best, calibration(seed_index).best_sentence(vec))
    assert np.allclose(fused, want)


def test_weight_zero_keeps_the_hybrid_order(seed_index, seed_config):
    q = "Where did the Balkan ministers meet?"
    vec = embed_query(q, seed_config.embedder)
    hybrid = rank(seed_index, q, vec, seed_config.with_(mode="hybrid"))
    same = rank(seed_index, q, vec, seed_config.with_(mode="hybrid+rerank", w_sentence=0.0))
    assert [p.chunk.chunk_id for p in same] == [p.chunk.chunk_id for p in hybrid]


def test_nothing_to_rescore(seed_index, seed_config):
    vec = embed_query("x", seed_config.embedder)
    fused, added = SentenceReranker(seed_config).rescore(seed_index, vec, np.zeros(0, dtype=np.int64), np.zeros(0))
    assert len(fused) == 0 and len(added["sentence"]) == 0
