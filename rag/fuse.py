"""Per-signal scores of the same candidates -> one fused score per candidate.

Two schemes, both tunable by weights:
- z-score fusion: standardize each signal over the candidate pool, then add with weights. It
  keeps *how much* better a candidate is, which rank fusion throws away.
- reciprocal rank fusion (Cormack et al. 2009): sum of w / (k + rank).

>>> zscore_fuse({"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}, {"a": 1.0, "b": 1.0}).round(3)
array([ 0.   , -1.225,  1.225])
>>> rrf_fuse({"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}, {"a": 1.0, "b": 1.0}, k=0).round(3)
array([1.333, 0.833, 1.5  ])
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


def standardize(x: Sequence[float]) -> np.ndarray:
    """(x - mean) / std; all zeros when the signal does not vary (it then carries no vote)."""
    x = np.asarray(x, dtype=np.float64)
    std = x.std()
    return (x - x.mean()) / std if std > 1e-12 else np.zeros_like(x)


def zscore_fuse(signals: Mapping[str, Sequence[float]], weights: Mapping[str, float]) -> np.ndarray:
    return sum(weights.get(name, 1.0) * standardize(values) for name, values in signals.items())


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


def fuse(signals: Mapping[str, Sequence[float]], weights: Mapping[str, float], method: str, rrf_k: int = 60) -> np.ndarray:
    if method == "rrf":
        return rrf_fuse(signals, weights, rrf_k)
    return zscore_fuse(signals, weights)
