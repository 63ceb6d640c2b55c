"""The sentence-level reranker on the real seed index."""

from __future__ import annotations

from rag.embed import embed_query
from rag.rerank import SentenceReranker
from rag.retrieve import rank


def test_rerank_adds_the_sentence_signal_and_keeps_the_candidates(seed_index, seed_config):
    q = "Which agency's status agreement should Bosnia and Herzegovina sign?"
    vec = embed_query(q, seed_config.embedder)
    hybrid = rank(seed_index, q, vec, seed_config.with_(mode="hybrid"))
    reranked = SentenceReranker(seed_config).rerank(seed_index, vec, hybrid)
    assert sorted(p.chunk.chunk_id for p in reranked) == sorted(p.chunk.chunk_id for p in hybrid)
    assert all(set(p.signals) == {"dense", "bm25", "sentence"} for p in reranked)
    assert [p.score for p in reranked] == sorted((p.score for p in reranked), reverse=True)
    assert "Frontex" in reranked[0].chunk.text


def test_weight_zero_keeps_the_hybrid_order(seed_index, seed_config):
    q = "Where did the Balkan ministers meet?"
    vec = embed_query(q, seed_config.embedder)
    hybrid = rank(seed_index, q, vec, seed_config.with_(mode="hybrid"))
    same = SentenceReranker(seed_config.with_(w_sentence=0.0)).rerank(seed_index, vec, hybrid)
    assert [p.chunk.chunk_id for p in same] == [p.chunk.chunk_id for p in hybrid]


def test_nothing_to_rerank(seed_index, seed_config):
    assert SentenceReranker(seed_config).rerank(seed_index, embed_query("x", seed_config.embedder), []) == []
