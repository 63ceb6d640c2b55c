"""Per-signal scores of the same candidates -> one fused score per candidate.

Two schemes, both tunable by weights:
- z-score fusion: standardize each signal, then add with weights. It keeps *how much* better a
  candidate is, which rank fusion throws away. Each signal is standardized against a reference
  sample of its scores (`rag.calibrate`: a fixed sample of the corpus), or against the
  candidates themselves when no reference is given.
- reciprocal rank fusion (Cormack et al. 2009): sum of w / (k + rank).

>>> zscore_fuse({"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}, {"a": 1.0, "b": 1.0}).round(3)
array([ 0.   , -1.225,  1.225])
>>> rrf_fuse({"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}, {"a": 1.0, "b": 1.0}, k=0).round(3)
array([1.333, 0.833, 1.5  ])
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


def standardize(x: Sequence[float], reference: Sequence[float] | None = None) -> np.ndarray:
    """(x - mean) / std, mean and std those of `reference` (default: x itself).

    All zeros when the reference does not vary: the signal then carries no vote.

    >>> standardize([2.0, 4.0], reference=[0.0, 2.0, 4.0]).round(3)
    array([0.   , 1.225])
    """
    x = np.asarray(x, dtype=np.float64)
    ref = x if reference is None else np.asarray(reference, dtype=np.float64)
    std = ref.std() if len(ref) else 0.0
    return (x - ref.mean()) / std if std > 1e-12 else np.zeros_like(x)


def zscore_fuse(
    signals: Mapping[str, Sequence[float]],
    weights: Mapping[str, float],
    references: Mapping[str, Sequence[float]] | None = None,
) -> np.ndarray:
    refs = references or {}
    return sum(weights.get(name, 1.0) * standardize(values, refs.get(name)) for name, values in signals.items())


def rrf_fuse(signals: Mapping[str, Sequence[float]], weights: Mapping[str, float], k: int = 60) -> np.ndarray:
    total = None
    for name, values in signals.items():
        values = np.asarray(values, dtype=np.float64)
        # Competition ranking: equal scores share the best rank, so ties (say, many chunks
        # with BM25 0) are not ordered by their ids.
        ranks = np.searchsorted(np.sort(-values), -values, side="left") + 1
        part = weights.get(name, 1.0) / (k + ranks)
        total = part if total is None else total + part
    return total if total is not None else np.zeros(0)


def fuse(
    signals: Mapping[str, Sequence[float]],
    weights: Mapping[str, float],
    method: str,
    rrf_k: int = 60,
    references: Mapping[str, Sequence[float]] | None = None,
) -> np.ndarray:
    if method == "rrf":
        return rrf_fuse(signals, weights, rrf_k)
    return zscore_fuse(signals, weights, references)
