"""Retrieval on the real seed index: every mode, filters, MMR."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed import embed_query
from rag.rerank import best_sentence_scores
from rag.retrieve import Filters, mmr, rank, retrieve, top_positive

Q = "Where did the Balkan ministers agree to create a joint database?"
GOLD = "003_d7e33aac75d08225.txt"


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid", "hybrid+rerank"])
def test_every_mode_finds_the_gold_article_first(seed_index, seed_config, mode):
    cfg = seed_config.with_(mode=mode)
    ranked = rank(seed_index, Q, embed_query(Q, cfg.embedder), cfg)
    assert ranked[0].chunk.doc_id == GOLD
    scores = [p.score for p in ranked]
    assert scores == sorted(scores, reverse=True)
    expected = {"dense": {"dense"}, "bm25": {"bm25"}, "hybrid": {"dense", "bm25"}, "hybrid+rerank": {"dense", "bm25", "sentence"}}
    assert set(ranked[0].signals) == expected[mode]


def test_bm25_finds_nothing_for_unknown_words(seed_index, seed_config):
    cfg = seed_config.with_(mode="bm25")
    assert rank(seed_index, "zyxwv qwerty", embed_query("zyxwv qwerty", cfg.embedder), cfg) == []


def test_retrieve_returns_top_k_distinct_chunks(seed_index, seed_config):
    cfg = seed_config.with_(top_k=4)
    got = retrieve(seed_index, Q, embed_query(Q, cfg.embedder), cfg)
    assert len(got) == 4 and len({p.chunk.chunk_id for p in got}) == 4


def test_mmr_prefers_diverse_passages(seed_index, seed_config):
    ranked = rank(seed_index, Q, embed_query(Q, seed_config.embedder), seed_config)[:10]
    assert mmr(seed_index, ranked, 5, 1.0) == ranked[:5]
    diverse = mmr(seed_index, ranked, 5, 0.3)
    assert diverse[0] == ranked[0] and len({p.chunk.chunk_id for p in diverse}) == 5
    assert len({p.chunk.doc_id for p in diverse}) >= len({p.chunk.doc_id for p in ranked[:5]})


def test_filters(seed_index, seed_config):
    q = embed_query(Q, seed_config.embedder)
    only = Filters(sources=("000_19e16c48e833ded7.txt",))
    assert {p.chunk.doc_id for p in rank(seed_index, Q, q, seed_config, only)} == {"000_19e16c48e833ded7.txt"}
    none = Filters(date_to="2000-01-01")
    assert rank(seed_index, Q, q, seed_config, none) == []
    assert Filters(date_from="2018-07-06", date_to="2018-07-06").allows(GOLD, "2018-07-06")


def test_best_sentence_scores_match_the_sentence_vectors(seed_index, seed_config):
    q = embed_query(Q, seed_config.embedder)
    chunk = next(c for c in seed_index.chunks if "Sarajevo on Thursday" in c.text)
    best = best_sentence_scores(seed_index, q, [chunk.chunk_id])[0]
    ids = seed_index.chunk_sentences[chunk.chunk_id]
    assert best == pytest.approx(max(seed_index.sentence_store.score(q, ids)))


@pytest.mark.parametrize("mode", ["hybrid", "hybrid+rerank"])
def test_a_chunks_score_depends_neither_on_the_pool_nor_on_filters(seed_index, seed_config, mode):
    # Signals are standardized against a fixed corpus sample, not against the candidates.
    cfg = seed_config.with_(mode=mode)
    q = embed_query(Q, cfg.embedder)
    deep = {p.chunk.chunk_id: p.score for p in rank(seed_index, Q, q, cfg.with_(candidates=300))}
    shallow = rank(seed_index, Q, q, cfg.with_(candidates=3))
    filtered = rank(seed_index, Q, q, cfg, Filters(sources=(GOLD,)))
    assert len(shallow) < len(deep) and {p.chunk.doc_id for p in filtered} == {GOLD}
    for p in shallow + filtered:
        assert p.score == pytest.approx(deep[p.chunk.chunk_id])


def test_bm25_still_votes_when_the_calibration_sample_misses_its_matches(seed_index, seed_config, monkeypatch):
    # BM25 is standardized against every chunk's score, not the sample's: a sample with no
    # match would have no spread, and BM25 would lose its vote exactly on a rare name.
    from rag.calibrate import Calibration
    from rag.fuse import standardize

    small = Calibration.of(seed_index, 3)
    question = "Cerar"
    matches = set(np.flatnonzero(seed_index.bm25.scores(question)).tolist())
    assert matches and not matches & set(small.ids.tolist())  # the premise
    monkeypatch.setitem(seed_index.cache, "calibration", small)
    q = embed_query(question, seed_config.embedder)
    for p in rank(seed_index, question, q, seed_config.with_(mode="hybrid")):
        bm25_vote = p.score - standardize([p.signals["dense"]], small.dense(q))[0]
        assert (bm25_vote > 0) == (p.chunk.chunk_id in matches)


def test_top_positive_keeps_what_a_stable_sort_of_every_score_keeps():
    # Many ties (scores from a few values) and many zeros, as BM25 gives: the same ids as the
    # full stable sort, for every depth, including ties straddling the cut.
    rng = np.random.default_rng(1)
    for trial in range(200):
        scores = rng.choice([0.0, 0.0, 0.5, 1.0, 1.5, 2.0], size=rng.integers(1, 60)).astype(np.float32)
        for n in (0, 1, 2, 5, 17, 100):
            full = np.argsort(-scores, kind="stable")[:n]
            assert sorted(top_positive(scores, n).tolist()) == sorted(full[scores[full] > 0].tolist())


def test_dense_mode_needs_no_calibration_sample(seed_index, seed_config):
    seed_index.cache.pop("calibration", None)
    cfg = seed_config.with_(mode="dense")
    rank(seed_index, Q, embed_query(Q, cfg.embedder), cfg)
    assert "calibration" not in seed_index.cache


def test_filters_take_a_date_object_and_a_single_source_name():
    import datetime as dt

    f = Filters(sources="a.txt", date_from=dt.date(2018, 7, 6))
    assert f.sources == ("a.txt",) and f.date_from == "2018-07-06"
    assert f.allows("a.txt", "2018-07-06") and not f.allows("a.txt", "2018-07-05")
