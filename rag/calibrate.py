"""An index -> a fixed random sample of its chunks, whose scores calibrate each signal per question.

Fusion adds z-scores: how far above the usual a chunk scores on a signal, for this question.
"The usual" is measured against the corpus, not against the candidate pool. A pool is the top
of each signal's own list, so its mean and spread depend on how deep it is and on the filters.
Against the corpus, a chunk's fused score depends on nothing but the chunk and the question:
adding candidates or a filter never reorders the others.

Scoring every chunk with every vector signal costs as much as a brute-force search, so their
statistics come from a fixed sample of `SAMPLE` chunks (all of them in a smaller corpus). The
sample is drawn with a fixed seed, so it is the same in every process and for every question.
BM25 needs no sample: it scores every chunk anyway.

>>> sample_ids(5).tolist()
[0, 1, 2, 3, 4]
>>> len(sample_ids(100_000)), sample_ids(100_000)[:3].tolist() == sample_ids(100_000)[:3].tolist()
(4096, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE = 4096


def sample_ids(n: int, size: int = SAMPLE) -> np.ndarray:
    """`size` distinct chunk ids out of `n`, sorted; the same ones every time."""
    if n <= size:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.random.default_rng(0).choice(n, size=size, replace=False)).astype(np.int64)


def max_per_group(values: np.ndarray, sizes) -> np.ndarray:
    """The max of each run of `values`, runs `sizes` long, in order; -1 for an empty run.

    A chunk's best sentence: its sentences' cosines are one run.

    >>> max_per_group(np.array([0.1, 0.5, 0.3]), [2, 0, 1]).tolist()
    [0.5, -1.0, 0.3]
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    out = np.full(len(sizes), -1.0)
    nonempty = sizes > 0
    if nonempty.any():
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        out[nonempty] = np.maximum.reduceat(values, starts[nonempty])
    return out


@dataclass(frozen=True)
class Calibration:
    """The sampled chunks' vectors and their sentences' vectors, held in memory."""

    ids: np.ndarray  # chunk ids
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray  # the sampled chunks' sentences, chunk by chunk
    sizes: np.ndarray  # how many sentences each sampled chunk has
    # The last question's best-sentence scores: the reranker and then the answerer's evidence ask
    # for the same question's (2 ms each on SciFact's 18,301 sampled sentences). One slot, replaced
    # whole, so concurrent questions at worst recompute.
    _last: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, idx, size: int = SAMPLE) -> "Calibration":
        ids = sample_ids(len(idx.chunks), size)
        groups = [idx.chunk_sentences[c] for c in ids]
        sentence_ids = np.concatenate(groups) if len(groups) else np.zeros(0, dtype=np.int64)
        return cls(
            ids=ids,
            chunk_vectors=idx.dense.vectors(ids),
            sentence_vectors=idx.sentence_store.vectors(sentence_ids),
            sizes=np.array([len(g) for g in groups], dtype=np.int64),
        )

    def dense(self, q_vec: np.ndarray) -> np.ndarray:
        """The question's cosine with each sampled chunk."""
        return self.chunk_vectors @ np.asarray(q_vec, dtype=np.float32)

    def best_sentence(self, q_vec: np.ndarray) -> np.ndarray:
        """Each sampled chunk's best sentence cosine (the reranker's signal), -1 if it has none."""
        q = np.asarray(q_vec, dtype=np.float32)
        key = q.tobytes()
        last = self._last.get("best")
        if last is not None and last[0] == key:
            return last[1]
        best = max_per_group(self.sentence_vectors @ q, self.sizes)
        best.setflags(write=False)  # shared by its callers
        self._last["best"] = (key, best)
        return best


def calibration(idx) -> Calibration:
    """The index's calibration sample, built on first use and kept with the index."""
    cal = idx.cache.get("calibration")
    if cal is None:
        cal = idx.cache["calibration"] = Calibration.of(idx)
    return cal
