"""A vector store under stable ids -> the same store seen by one generation's row numbers.

Chunks and sentences keep stable int64 ids across builds (an incremental build deletes and adds
by id, never renumbers the store), while everything that reads a loaded index (`idx.chunks[c]`,
BM25's scores, the calibration sample, `idx.chunk_sentences`) counts in rows: positions in this
generation's `chunks.jsonl` and `sentences.jsonl`, the order a fresh build of the same corpus
gives. `RowView` translates between the two, so callers never see a stable id.

>>> from rag.store import FaissStore
>>> store = FaissStore(np.eye(3, dtype=np.float32))     # ids 0, 1, 2
>>> view = RowView(store, np.array([2, 0, 1]))          # row 0 is id 2, row 1 is id 0...
>>> view.search(np.array([1, 0, 0], dtype=np.float32), 1)
(array([1.], dtype=float32), array([1]))
>>> view.vectors(np.array([0]))
array([[0., 0., 1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np


class RowView:
    """`store` seen by rows: row r holds the vector stored under `uids[r]`."""

    def __init__(self, store, uids: np.ndarray):
        self.store = store
        self.uids = np.asarray(uids, dtype=np.int64)
        self.dim, self.kind = store.dim, getattr(store, "kind", "flat")
        self._identity = bool(np.array_equal(self.uids, np.arange(len(self.uids))))  # a fresh build
        self._order = np.argsort(self.uids, kind="stable")
        self._sorted = self.uids[self._order]

    def __len__(self) -> int:
        return len(self.uids)

    def ids(self) -> np.ndarray:
        return np.arange(len(self.uids), dtype=np.int64)

    def rows(self, uids: np.ndarray) -> np.ndarray:
        """The rows of stable ids (all of which this generation holds)."""
        uids = np.asarray(uids, dtype=np.int64)
        if self._identity:
            return uids
        return self._order[np.searchsorted(self._sorted, uids)]

    def _uids(self, rows) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        return rows if self._identity else self.uids[rows]

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        scores, uids = self.store.search(query, k, None if allowed is None else self._uids(allowed))
        return scores, self.rows(uids)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        return self.store.vectors(self._uids(rows))

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return self.store.score(query, self._uids(rows))
