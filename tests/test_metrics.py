"""Tests for eval.metrics: hand-computed cases, then a randomized comparison against ranx."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval.metrics import evaluate, per_query, rank
from rag.errors import InputError


def test_relevant_at_rank_two() -> None:
    scores = evaluate({"q1": {"a": 0.9, "b": 0.5, "c": 0.1}}, {"q1": {"b": 1}})
    assert scores["mrr@10"] == pytest.approx(0.5)
    assert scores["ndcg@10"] == pytest.approx(1 / math.log2(3))
    assert scores["recall@100"] == pytest.approx(1.0)


def test_query_missing_from_run_scores_zero() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    scores = evaluate({"q1": {"a": 1.0}}, qrels)
    assert scores == pytest.approx({"ndcg@10": 0.5, "recall@100": 0.5, "mrr@10": 0.5})
    assert per_query({"q1": {"a": 1.0}}, qrels)["q2"] == {"ndcg@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}


def test_graded_relevance_uses_linear_gain() -> None:
    # Run puts the grade-1 doc above the grade-2 doc; the ideal order is the reverse.
    scores = evaluate({"q1": {"b": 0.9, "a": 0.8}}, {"q1": {"a": 2, "b": 1}})
    dcg = 1 / math.log2(2) + 2 / math.log2(3)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert scores["ndcg@10"] == pytest.approx(dcg / idcg)
    assert scores["mrr@10"] == pytest.approx(1.0)


def test_grade_zero_is_not_relevant() -> None:
    scores = evaluate({"q1": {"a": 0.9, "b": 0.5}}, {"q1": {"a": 0, "b": 1, "c": 0}})
    assert scores["mrr@10"] == pytest.approx(0.5)
    assert scores["recall@100"] == pytest.approx(1.0)  # denominator counts only b
    assert scores["ndcg@10"] == pytest.approx(1 / math.log2(3))


def test_query_with_nothing_relevant_scores_zero() -> None:
    assert evaluate({"q1": {"a": 1.0}}, {"q1": {"a": 0}}) == {"ndcg@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}


def test_cutoffs_and_key_names() -> None:
    run = {"q1": {f"d{i:02d}": 100.0 - i for i in range(20)}}  # d00 ranks first, d10 eleventh
    scores = evaluate(run, {"q1": {"d10": 1}}, ndcg_k=10, recall_k=10, mrr_k=11)
    assert scores == pytest.approx({"ndcg@10": 0.0, "recall@10": 0.0, "mrr@11": 1 / 11})
    assert evaluate(run, {"q1": {"d10": 1}}, ndcg_k=5, recall_k=20, mrr_k=3).keys() == {"ndcg@5", "recall@20", "mrr@3"}


def test_ideal_dcg_is_cut_at_k() -> None:
    # Three relevant docs, k=2: a perfect top 2 is a perfect nDCG@2.
    scores = evaluate({"q1": {"a": 3.0, "b": 2.0, "c": 1.0}}, {"q1": {"a": 1, "b": 1, "c": 1}}, ndcg_k=2)
    assert scores["ndcg@2"] == pytest.approx(1.0)


def test_ties_break_by_doc_id_descending_like_trec_eval() -> None:
    assert rank({"a": 1.0, "c": 1.0, "b": 1.0, "z": 0.5, "y": 2.0}) == ["y", "c", "b", "a", "z"]
    # With a tie, "b" outranks "a", so the relevant "a" lands at rank 2.
    assert evaluate({"q1": {"a": 1.0, "b": 1.0}}, {"q1": {"a": 1}})["mrr@10"] == pytest.approx(0.5)


@pytest.mark.parametrize("k", [0, -1, 2.5])
def test_bad_k_is_input_error(k) -> None:
    with pytest.raises(InputError, match="ndcg_k"):
        evaluate({}, {"q1": {"a": 1}}, ndcg_k=k)


def test_empty_qrels_is_input_error() -> None:
    with pytest.raises(InputError, match="qrels"):
        evaluate({"q1": {"a": 1.0}}, {})


def test_matches_ranx_on_random_runs() -> None:
    ranx = pytest.importorskip("ranx")
    rng = np.random.default_rng(7)
    pool = [f"doc{i}" for i in range(300)]
    run: dict[str, dict[str, float]] = {}
    qrels: dict[str, dict[str, int]] = {}
    for q in range(50):
        qid = f"q{q}"
        retrieved = [str(d) for d in rng.choice(pool, size=int(rng.integers(5, 150)), replace=False)]
        # A permutation gives distinct scores, so ranx's and our ordering cannot differ on ties.
        run[qid] = dict(zip(retrieved, (rng.permutation(len(retrieved)) + rng.random()).tolist()))
        # Judge some retrieved docs (so the top 10 has hits) and some unretrieved ones (recall < 1),
        # with grades 0-3 so graded gain and "grade 0 is not relevant" both matter.
        top = sorted(run[qid], key=run[qid].get, reverse=True)[:15]
        judged = list(rng.choice(top, size=int(rng.integers(0, 5)), replace=False))
        judged += [str(d) for d in rng.choice(pool, size=int(rng.integers(1, 6)), replace=False)]
        qrels[qid] = {d: int(rng.integers(0, 4)) for d in judged}
        qrels[qid][judged[-1]] = int(rng.integers(1, 4))  # at least one relevant doc per query
    # Every qrels query is in the run, so ranx's mean (over run ∩ qrels) equals ours (over qrels).
    assert run.keys() == qrels.keys()
    expected = ranx.evaluate(ranx.Qrels(qrels), ranx.Run(run), ["ndcg@10", "recall@100", "mrr@10"])
    ours = evaluate(run, qrels)
    assert all(0 < v < 1 for v in expected.values())  # non-trivial: hits and misses both occur
    assert ours.keys() == expected.keys()
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, abs=1e-6), name


def test_bootstrap_ci_brackets_the_mean_and_narrows_with_more_queries():
    from eval.metrics import bootstrap_ci

    assert bootstrap_ci([0.25] * 7) == (0.25, 0.25)
    few, many = [0.0, 1.0] * 10, [0.0, 1.0] * 500
    lo, hi = bootstrap_ci(few)
    assert lo < 0.5 < hi and bootstrap_ci(few) == (lo, hi)  # fixed seed
    lo2, hi2 = bootstrap_ci(many)
    assert lo < lo2 < 0.5 < hi2 < hi
    # the normal approximation: 0.5 +- 1.96 * 0.5 / sqrt(1000)
    assert (lo2, hi2) == pytest.approx((0.469, 0.531), abs=0.005)


@pytest.mark.parametrize(
    "positives, negatives, expected",
    [
        ([0.9, 0.8], [0.1, 0.2], 1.0),  # every positive above every negative
        ([0.1, 0.2], [0.9, 0.8], 0.0),  # reversed
        ([0.5, 0.5], [0.5, 0.5], 0.5),  # all tied: a coin
        ([0.9, 0.8], [0.1, 0.8], 0.875),  # pairs: 1 + 1 + 1 + 0.5 (the tie) over 4
        ([0.7], [0.2, 0.7, 0.9], 0.5),  # above 0.2, tied with 0.7, below 0.9: (1 + 0.5 + 0) / 3
        ([3, 1, 2], [0], 1.0),  # integers, unsorted
        ([], [0.1], 0.5),  # empty: no pair to order
        ([0.1], [], 0.5),
        ([], [], 0.5),
    ],
)
def test_auc_on_hand_made_cases(positives, negatives, expected) -> None:
    from eval.metrics import auc

    assert auc(positives, negatives) == pytest.approx(expected)


def test_auc_matches_counting_pairs() -> None:
    from eval.metrics import auc

    rng = np.random.default_rng(3)
    pos, neg = rng.integers(0, 10, 40), rng.integers(0, 10, 30)  # many ties
    pairs = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    assert auc(pos, neg) == pytest.approx(pairs / (len(pos) * len(neg)))
