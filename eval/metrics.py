"""Ranked run + qrels -> nDCG@k, Recall@k, MRR@k (trec_eval definitions, as BEIR reports them).

>>> evaluate({"q1": {"a": 0.9, "b": 0.8}}, {"q1": {"b": 1}})["mrr@10"]
0.5
"""

from __future__ import annotations

import math

from rag.errors import InputError


def rank(scores: dict[str, float]) -> list[str]:
    """Doc ids by score descending; ties go to the larger doc id, as in trec_eval.

    trec_eval sorts ties by doc id in *descending* string order; copying it keeps our
    numbers identical to pytrec_eval's (and so to BEIR's) even when scores tie.

    >>> rank({"a": 1.0, "b": 1.0, "c": 2.0})
    ['c', 'b', 'a']
    """
    return [doc for doc, _ in sorted(scores.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)]


def ndcg(ranked: list[str], judged: dict[str, int], k: int) -> float:
    """nDCG@k with linear gain (gain = grade) and a log2(rank + 1) discount.

    >>> round(ndcg(["x", "a"], {"a": 1}, 10), 4)  # 1 / log2(3)
    0.6309
    """
    # Only positive grades are gains; a 0 (or negative) grade means "judged not relevant".
    dcg = sum(max(judged.get(doc, 0), 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall(ranked: list[str], judged: dict[str, int], k: int) -> float:
    """Relevant docs in the top k / all relevant docs (0 when nothing is relevant).

    >>> recall(["a", "x"], {"a": 1, "b": 2, "c": 0}, 10)
    0.5
    """
    relevant = {doc for doc, g in judged.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr(ranked: list[str], judged: dict[str, int], k: int) -> float:
    """1 / rank of the first relevant doc within the top k, else 0.

    >>> mrr(["x", "y", "a"], {"a": 1}, 10)
    0.3333333333333333
    """
    for i, doc in enumerate(ranked[:k]):
        if judged.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def per_query(
    run: dict[str, dict[str, float]],
    qrels: dict[str, dict[str, int]],
    *,
    ndcg_k: int = 10,
    recall_k: int = 100,
    mrr_k: int = 10,
) -> dict[str, dict[str, float]]:
    """Scores for every query in `qrels`; a query the run lacks scores 0 on every metric.

    >>> per_query({}, {"q1": {"a": 1}})["q1"]["ndcg@10"]
    0.0
    """
    for name, k in (("ndcg_k", ndcg_k), ("recall_k", recall_k), ("mrr_k", mrr_k)):
        if not isinstance(k, int) or k < 1:
            raise InputError(f"{name} must be a positive integer, got {k!r}.")
    out: dict[str, dict[str, float]] = {}
    for qid, judged in qrels.items():
        ranked = rank(run.get(qid, {}))
        out[qid] = {
            f"ndcg@{ndcg_k}": ndcg(ranked, judged, ndcg_k),
            f"recall@{recall_k}": recall(ranked, judged, recall_k),
            f"mrr@{mrr_k}": mrr(ranked, judged, mrr_k),
        }
    return out


def evaluate(
    run: dict[str, dict[str, float]],
    qrels: dict[str, dict[str, int]],
    *,
    ndcg_k: int = 10,
    recall_k: int = 100,
    mrr_k: int = 10,
) -> dict[str, float]:
    """Mean of each metric over ALL queries in `qrels` (keys built from the k values).

    Averaging over qrels, not over the run, means a query the system failed to answer
    counts as 0 instead of silently vanishing from the mean.

    >>> evaluate({"q1": {"a": 1.0}}, {"q1": {"a": 1}, "q2": {"b": 1}}, ndcg_k=5)["ndcg@5"]
    0.5
    """
    if not qrels:
        raise InputError("No qrels to evaluate against: the relevance judgments are empty.")
    return means(per_query(run, qrels, ndcg_k=ndcg_k, recall_k=recall_k, mrr_k=mrr_k))


def means(scores: dict[str, dict[str, float]]) -> dict[str, float]:
    """Per-query scores -> the mean of each metric."""
    names = next(iter(scores.values())).keys()
    return {name: sum(s[name] for s in scores.values()) / len(scores) for name in names}


def bootstrap_ci(values, *, resamples: int = 2000, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean over queries (Efron & Tibshirani 1993).

    It says how far the mean could move on another set of queries of the same kind: on 300
    queries, nDCG@10 differences of a point or two are inside it. Fixed seed: same input, same
    interval.

    >>> bootstrap_ci([0.5, 0.5, 0.5])
    (0.5, 0.5)
    >>> lo, hi = bootstrap_ci([0.0, 1.0] * 50); lo < 0.5 < hi
    True
    """
    import numpy as np

    v = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    sample_means = v[rng.integers(0, len(v), size=(resamples, len(v)))].mean(axis=1)
    lo, hi = np.quantile(sample_means, [(1 - level) / 2, (1 + level) / 2])
    return round(float(lo), 4), round(float(hi), 4)


def auc(positives, negatives) -> float:
    """ROC AUC: the chance that a random positive scores above a random negative (ties: half).

    >>> auc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    import numpy as np

    pos, neg = np.asarray(positives, dtype=float), np.asarray(negatives, dtype=float)
    if not len(pos) or not len(neg):
        return 0.5
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    ranks[order] = np.arange(1, len(allv) + 1)
    for v in np.unique(allv):  # tied values share their mean rank
        same = allv == v
        ranks[same] = ranks[same].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))
