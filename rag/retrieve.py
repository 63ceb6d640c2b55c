"""A question + the index -> ranked Passages: dense, BM25, or both fused; then MMR diversity.

`rank()` scores a candidate pool (the top `candidates` chunks of each signal, filtered by
source and date) and returns it whole, best first: the benchmark ranks documents by their best
chunk from it. `retrieve()` then picks the final `top_k` with maximal marginal relevance.

Modes: "dense" (MiniLM cosine), "bm25", "hybrid" (both, fused), "hybrid+rerank" (hybrid, then
the sentence-level reranker of `rag.rerank` adds its evidence). Fused scores are sums of
z-scores calibrated on a fixed sample of the corpus (`rag.calibrate`), so a chunk's score does not
depend on which other chunks are candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibrate import calibration
from .config import Config
from .errors import InputError
from .fuse import fuse
from .storage import Index
from .threads import blas_one_thread
from .types import Passage, is_day


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some articles: by file name, and by date where articles give one.

    Dates are ISO strings ("2018-07-06"); an article without a date is excluded by a date filter.
    """

    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self):
        import datetime as dt

        if isinstance(self.sources, str):  # one article named: not a sequence of one-letter names
            object.__setattr__(self, "sources", (self.sources,))
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, dt.date):
                object.__setattr__(self, name, value.isoformat()[:10])
            elif value is not None and not is_day(value):
                # Only YYYY-MM-DD: dates are compared as text, and fromisoformat also takes "20180705"
                raise InputError(f"{name} (--{name.replace('_', '-')}) must be a date as YYYY-MM-DD, not {value!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError(f"date_from ({self.date_from}) is after date_to ({self.date_to}): no article can be in between")

    def allows(self, doc_id: str, date: str | None) -> bool:
        if self.sources and doc_id not in self.sources:
            return False
        if self.date_from or self.date_to:
            if not date:
                return False
            if self.date_from and date < self.date_from:
                return False
            if self.date_to and date > self.date_to:
                return False
        return True

    @property
    def active(self) -> bool:
        return bool(self.sources or self.date_from or self.date_to)


def rank(idx: Index, question: str, q_vec: np.ndarray, cfg: Config, filters: Filters | None = None) -> list[Passage]:
    """Every candidate chunk, scored with each signal the mode uses and fused, best first."""
    # Its products (candidates, calibration sample, sentences) on one BLAS thread (rag.threads says
    # why; an ad-hoc timing, 70 reranked questions on 1,000 SciFact abstracts with other jobs
    # running: p50 24.0 ms on two threads, 3.7 on one).
    with blas_one_thread():
        return _rank(idx, question, q_vec, cfg, filters)


def _rank(idx: Index, question: str, q_vec: np.ndarray, cfg: Config, filters: Filters | None) -> list[Passage]:
    allowed = _allowed_chunks(idx, filters)
    bm25_all = idx.bm25.scores(question) if cfg.mode != "dense" else None
    found: list[np.ndarray] = []
    if cfg.mode != "bm25":
        found.append(_top(idx, q_vec, cfg.candidates, allowed))
    if bm25_all is not None:
        pool = bm25_all if allowed is None else np.where(_mask(len(bm25_all), allowed), bm25_all, 0.0)
        found.append(top_positive(pool, cfg.candidates))
    ids = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    if not len(ids):
        return []
    signals: dict[str, np.ndarray] = {}
    if cfg.mode != "bm25":
        signals["dense"] = idx.dense.score(q_vec, ids)
    if bm25_all is not None:
        signals["bm25"] = bm25_all[ids]
    if len(signals) == 1:
        fused = next(iter(signals.values())).astype(np.float64)
    else:
        weights = {"dense": cfg.w_dense, "bm25": cfg.w_bm25}
        # The same signal on the calibration sample, for z-scores (rank fusion needs none). BM25
        # scores every chunk anyway: its statistics are exact, not sampled. (A sample can miss a
        # rare term's few matches and would then silence BM25 where it matters most.)
        references = {"dense": calibration(idx).dense(q_vec), "bm25": bm25_all} if cfg.fusion == "zscore" else None
        fused = fuse(signals, weights, cfg.fusion, cfg.rrf_k, references)
    if cfg.mode == "hybrid+rerank":
        from .rerank import SentenceReranker

        fused, added = SentenceReranker(cfg).rescore(idx, q_vec, ids, fused)
        signals.update(added)
    return _passages(idx, ids, fused, signals)


def retrieve(idx: Index, question: str, q_vec: np.ndarray, cfg: Config, filters: Filters | None = None) -> list[Passage]:
    """The final `top_k` passages: ranked, then diversified with MMR."""
    ranked = rank(idx, question, q_vec, cfg, filters)
    return mmr(idx, ranked[: max(cfg.top_k * 4, 20)], cfg.top_k, cfg.mmr_lambda)


def mmr(idx: Index, passages: list[Passage], k: int, lam: float) -> list[Passage]:
    """Maximal marginal relevance (Carbonell & Goldstein 1998) over chunk vectors.

    Each pick maximizes lam * relevance - (1 - lam) * (similarity to what is already picked),
    relevance min-max scaled to [0, 1]. lam = 1 keeps the ranking as it is.
    """
    if lam >= 1.0 or len(passages) <= 1:
        return passages[:k]
    vecs = idx.dense.vectors(np.array([p.chunk.chunk_id for p in passages]))
    sims = vecs @ vecs.T
    rel = np.array([p.score for p in passages])
    rel = (rel - rel.min()) / (np.ptp(rel) or 1.0)
    picked: list[int] = [0]
    while len(picked) < min(k, len(passages)):
        rest = [i for i in range(len(passages)) if i not in picked]
        best = max(rest, key=lambda i: lam * rel[i] - (1 - lam) * sims[i, picked].max())
        picked.append(best)
    return [passages[i] for i in picked]


def _top(idx: Index, q_vec: np.ndarray, n: int, allowed: np.ndarray | None) -> np.ndarray:
    if allowed is None:
        return idx.dense.search(q_vec, n)[1]
    scores = idx.dense.score(q_vec, allowed)  # exact over the allowed chunks only
    return allowed[np.argsort(-scores, kind="stable")[:n]]


def _allowed_chunks(idx: Index, filters: Filters | None) -> np.ndarray | None:
    if filters is None or not filters.active:
        return None
    unknown = [s for s in filters.sources if s not in idx.documents]
    if unknown:
        raise InputError(f"no article named {unknown[0]!r} in the index")
    ok = {d for d, doc in idx.documents.items() if filters.allows(d, doc.date)}
    return np.array([c.chunk_id for c in idx.chunks if c.doc_id in ok], dtype=np.int64)


def _mask(n: int, ids: np.ndarray) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[ids] = True
    return m


def top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """The ids of the `n` highest scores above 0, ties to the lower id (what a stable sort of all
    of them would keep), in no order; a partition, not a sort of every chunk.

    >>> sorted(top_positive(np.array([0.0, 2.0, 1.0, 2.0, 1.0, 3.0]), 3).tolist())
    [1, 3, 5]
    >>> sorted(top_positive(np.array([0.0, 2.0, 1.0, 2.0, 1.0]), 3).tolist())
    [1, 2, 3]
    """
    positive = np.flatnonzero(scores > 0)
    if n <= 0:
        return positive[:0]
    if len(positive) <= n:
        return positive
    values = scores[positive]
    kth = np.partition(values, len(values) - n)[len(values) - n]  # the n-th highest
    above = positive[values > kth]
    return np.concatenate([above, positive[values == kth][: n - len(above)]])


def _passages(idx: Index, ids: np.ndarray, fused: np.ndarray, signals: dict[str, np.ndarray]) -> list[Passage]:
    """The candidates as Passages, best first (ties: lower chunk id first)."""
    order = np.lexsort((ids, -fused)).tolist()
    rows, scores = ids.tolist(), fused.tolist()
    names = tuple(signals)
    per_row = list(zip(*(values.tolist() for values in signals.values())))  # Python floats, made once
    chunks, documents = idx.chunks, idx.documents
    out = []
    for i in order:
        chunk = chunks[rows[i]]
        doc = documents[chunk.doc_id]
        out.append(Passage(chunk=chunk, score=scores[i], signals=dict(zip(names, per_row[i])), url=doc.url, date=doc.date))
    return out
