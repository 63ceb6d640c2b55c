"""Vectors -> a searchable, persisted vector store; a query vector -> (scores, ids).

`VectorStore` is the interface the rest of the pipeline uses, so another backend (Milvus, or a
FAISS IVF/HNSW index for large corpora) can replace `FaissStore` without touching callers.
Ids are row numbers: chunk ids for the chunk store, sentence ids for the sentence store.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np


class VectorStore(Protocol):
    dim: int

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k inner products of one unit query vector: (scores, ids), best first."""

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact inner products of the query with the vectors `ids` (for fusion and MMR)."""

    def vectors(self, ids: np.ndarray) -> np.ndarray: ...

    def save(self, path: Path) -> None: ...


class FaissStore:
    """Exact inner-product search (IndexFlatIP): on unit vectors that is cosine similarity.

    >>> s = FaissStore(np.eye(3, dtype=np.float32))
    >>> s.search(np.array([0, 1, 0], dtype=np.float32), 1)
    (array([1.], dtype=float32), array([1]))
    """

    def __init__(self, vectors: np.ndarray | None = None, *, index=None):
        import faiss

        if index is None:
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            index = faiss.IndexFlatIP(vectors.shape[1])
            index.add(vectors)
        self.index = index
        self.dim = index.d

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.index.reconstruct_batch(ids)

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return self.vectors(ids) @ np.asarray(query, dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write to a temporary name, then rename: a crash never leaves a half-written file."""
        import faiss

        tmp = Path(f"{path}.tmp{os.getpid()}")
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, path)

    @classmethod
    def open(cls, path: Path) -> "FaissStore":
        import faiss

        return cls(index=faiss.read_index(str(path)))
