"""Unit vectors under stable int64 ids -> a searchable, persisted vector store; a query -> (scores, ids).

`VectorStore` is the interface the pipeline uses; one setting (`Config.store`) chooses the backend
and `new_store` the index type by expected size:

- "flat": exact inner product, FAISS `IndexIDMap2` over `IndexFlatIP` (up to `Config.exact_max`).
- "ivf-sq8": FAISS IVF with 8-bit scalar quantization (above it): nlist about 4*sqrt(N), trained
  on the first vectors added, nprobe then measured on them for recall@10 >= `RECALL_TARGET`.
  `nlist`, `nprobe` and the id table are part of the index file, so `open` restores them.
- "milvus": `rag.milvus_store.MilvusStore` (Milvus Lite file or a Milvus server).

Ids are the caller's, never row numbers (an index file written before ids existed, a plain
`IndexFlatIP`, opens with ids = rows). On unit vectors inner product is cosine similarity.

>>> s = FaissStore(np.eye(3, dtype=np.float32))
>>> s.search(np.array([0, 1, 0], dtype=np.float32), 1)
(array([1.], dtype=float32), array([1]))
>>> s.delete(np.array([1])); s.search(np.array([0, 1, 0], dtype=np.float32), 1)[1].tolist(), s.ids().tolist()
([0], [0, 2])
"""

from __future__ import annotations

import errno
import math
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from .threads import one_thread

KINDS = ("flat", "ivf-sq8", "milvus")
RECALL_TARGET = 0.97  # nprobe is tuned to this on the build's own vectors: a margin above 0.95
TUNE_QUERIES = 200
SCORE_ALLOWED_MAX = 10_000  # a search restricted to fewer ids scores each of them instead


class VectorStore(Protocol):
    """Unit vectors under stable int64 ids (never row numbers); inner-product search."""

    dim: int
    kind: str

    def __len__(self) -> int: ...

    def ids(self) -> np.ndarray:
        """Every stored id, int64, ascending."""

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Store float32 (n, dim) `vectors` under int64 `ids` not yet present."""

    def delete(self, ids: np.ndarray) -> None:
        """Remove `ids`; ids absent are ignored."""

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) of one query, best first; `allowed` (int64 ids) restricts the search."""

    def vectors(self, ids: np.ndarray) -> np.ndarray: ...

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner products of the query with the stored vectors `ids`, in that order."""

    def save(self, path: Path) -> None: ...


def new_store(cfg, dim: int, expected_size: int) -> VectorStore:
    """An empty store of the configured backend, its index type chosen by `expected_size`."""
    kind = default_kind(cfg, expected_size)
    if kind == "milvus":
        from .milvus_store import MilvusStore

        return MilvusStore.create(cfg, dim, expected_size)
    return FaissStore.flat(dim) if kind == "flat" else FaissStore.ivf(dim, expected_size)


def default_kind(cfg, expected_size: int) -> str:
    """The store kind `new_store` makes: "milvus" if configured, else by size."""
    if cfg.store == "milvus":
        return "milvus"
    return "flat" if expected_size <= cfg.exact_max else "ivf-sq8"


def ivf_nlist(expected_size: int) -> int:
    """About 4*sqrt(N) lists, with at least 39 training vectors per list (FAISS's own minimum)."""
    return max(1, min(round(4 * math.sqrt(expected_size)), expected_size // 39))


def open_store(path: Path, kind: str, cfg) -> VectorStore:
    """The store `save` wrote at `path`; `kind` is what the manifest recorded."""
    if kind == "milvus":
        from .milvus_store import MilvusStore

        return MilvusStore.open(path, cfg)
    store = FaissStore.open(path)
    if store.kind != kind:
        raise ValueError(f"{path} holds a {store.kind} index, not {kind}")
    return store


def atomic_save(path: Path, write) -> None:
    """`write(tmp)` a temporary name, then rename it to `path`: a crash never leaves half a file."""
    tmp = Path(f"{path}.tmp{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _ids(ids) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


class FaissStore:
    """A FAISS index under caller ids: "flat" (IDMap2 + FlatIP, exact) or "ivf-sq8" (approximate).

    `FaissStore(vectors)` is a flat store with ids 0..n-1.
    """

    def __init__(self, vectors: np.ndarray | None = None, *, index=None):
        import faiss

        if isinstance(index, faiss.IndexFlat):  # written before ids existed: ids are rows
            vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), np.float32)
            index = None
        if index is None:
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
            index.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
        self.index = index
        self.dim = index.d
        self.kind = "ivf-sq8" if isinstance(index, faiss.IndexIVF) else "flat"

    @classmethod
    def flat(cls, dim: int) -> "FaissStore":
        return cls(np.zeros((0, dim), dtype=np.float32))

    @classmethod
    def ivf(cls, dim: int, expected_size: int) -> "FaissStore":
        """An untrained IVF-SQ8 store; the first `add` trains it (give it a representative batch)."""
        import faiss

        index = faiss.index_factory(dim, f"IVF{ivf_nlist(expected_size)},SQ8", faiss.METRIC_INNER_PRODUCT)
        # Training is k-means: its cost grows with nlist * points * iterations. 40 points per list
        # and 10 iterations (FAISS: up to 256 and 25) keep 1M vectors to minutes on 2 cores;
        # nprobe is then measured, so a coarser clustering costs a little latency, not recall.
        index.cp.niter = 10
        index.cp.max_points_per_centroid = 40
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by id
        return cls(index=index)

    def __len__(self) -> int:
        return self.index.ntotal

    @property
    def nprobe(self) -> int | None:
        return self.index.nprobe if self.kind == "ivf-sq8" else None

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self.index.nprobe = value

    @property
    def nlist(self) -> int | None:
        return self.index.nlist if self.kind == "ivf-sq8" else None

    def ids(self) -> np.ndarray:
        import faiss

        if self.kind == "flat":
            return np.sort(faiss.vector_to_array(self.index.id_map).astype(np.int64))
        inv = self.index.invlists
        parts = [faiss.rev_swig_ptr(inv.get_ids(i), inv.list_size(i)).copy() for i in range(inv.nlist) if inv.list_size(i)]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        import faiss

        ids, vectors = _ids(ids), np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if len(ids) == 0:
            return
        if len(np.unique(ids)) != len(ids) or np.isin(ids, self.ids()).any():
            raise ValueError("add: some ids are repeated or already stored")
        if self.kind == "ivf-sq8":
            # Assigning vectors to lists is a large matrix product: FAISS's default blocks of
            # 1,024 database rows run at half the speed of 4,096 (64 MB of scores per block).
            faiss.cvar.distance_compute_blas_database_bs = max(faiss.cvar.distance_compute_blas_database_bs, 4096)
        if not self.index.is_trained:
            self.index.train(vectors)
            self.index.add_with_ids(vectors, ids)
            tune_nprobe(self, vectors, ids)
        else:
            self.index.add_with_ids(vectors, ids)

    def delete(self, ids: np.ndarray) -> None:
        import faiss

        ids = _ids(ids)
        if len(ids) == 0 or len(self) == 0:
            return
        # The IVF id table (a hash table) removes only by an explicit array of ids.
        sel = faiss.IDSelectorArray(len(ids), faiss.swig_ptr(ids)) if self.kind == "ivf-sq8" else faiss.IDSelectorBatch(len(ids), faiss.swig_ptr(ids))
        self.index.remove_ids(sel)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        k = min(k, len(self) if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        params = None
        if allowed is not None:
            allowed = _ids(allowed)
            if len(allowed) <= SCORE_ALLOWED_MAX:  # cheaper than a pass over every vector
                return self._score_all(q[0], allowed, k)
            sel = faiss.IDSelectorBatch(len(allowed), faiss.swig_ptr(allowed))
            if self.kind == "flat":
                params = faiss.SearchParameters(sel=sel)
            else:  # probe more lists in proportion, so as many allowed vectors are compared
                share = max(len(allowed) / max(len(self), 1), 1e-9)
                params = faiss.SearchParametersIVF(sel=sel, nprobe=min(self.index.nlist, math.ceil(self.index.nprobe / share)))
        with one_thread(faiss.omp_get_max_threads, faiss.omp_set_num_threads):  # per calling thread (an OpenMP ICV)
            scores, ids = self.index.search(q, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def _score_all(self, q: np.ndarray, allowed: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        present = np.unique(allowed)
        try:
            scores = self.score(q, present)
        except RuntimeError:  # FAISS refuses an id it does not hold: leave those out
            present = present[np.isin(present, self.ids())]
            scores = self.score(q, present)
        order = np.lexsort((present, -scores))[:k]
        return scores[order], present[order]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of `ids` (for "ivf-sq8", decoded from 8 bits: within about 1e-2)."""
        import faiss

        ids = _ids(ids)
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        # One thread (rag.threads): an OpenMP team left spinning after the copy fights numpy's BLAS threads for
        # the cores in the product that follows (`score`): 2,378 sentences' scores took 8.0 ms
        # with it, 0.5 ms without, on 2 cores (SciFact index, the median reranked question; an
        # ad-hoc timing; `rag bench --json` measured the default mode's p50 20.6 -> 16.9 ms).
        with one_thread(faiss.omp_get_max_threads, faiss.omp_set_num_threads):
            return self.index.reconstruct_batch(ids)

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return self.vectors(ids) @ np.asarray(query, dtype=np.float32)

    def save(self, path: Path) -> None:
        import faiss

        def write(tmp: Path) -> None:
            try:
                faiss.write_index(self.index, str(tmp))
            except RuntimeError as err:  # FAISS reports a full disk as a C++ error: it is an OSError
                why = str(err).rsplit("(", 1)[-1].rstrip(") \n") if "(" in str(err) else "FAISS could not write it"
                raise OSError(errno.EIO, why, str(path)) from None

        atomic_save(path, write)

    @classmethod
    def open(cls, path: Path) -> "FaissStore":
        import faiss

        return cls(index=faiss.read_index(str(path)))


def tune_nprobe(store, vectors: np.ndarray, ids: np.ndarray, target: float = RECALL_TARGET) -> int:
    """Set `store.nprobe` to the smallest of 1, 2, 3, 5, 8, 11, 17... (steps of 1.5x) that reaches
    `target` recall@10; returns it.

    Measured leave-one-out on what was just added: a seeded sample of `vectors` are the queries,
    each one's exact ten nearest others (brute force on the float vectors) the truth. Works for
    any store with `nprobe` and `nlist` (FAISS IVF, Milvus IVF).
    """
    n = len(vectors)
    pick = np.random.default_rng(0).choice(n, size=min(TUNE_QUERIES, n), replace=False)
    truth = [t[t != ids[p]][:10] for t, p in zip(_exact_top(vectors, ids, vectors[pick], 11), pick)]
    want = sum(len(t) for t in truth)
    for nprobe in sorted({min(store.nlist, round(1.5**j)) for j in range(int(math.log(store.nlist, 1.5)) + 2)}):
        store.nprobe = nprobe
        found = [store.search(vectors[p], 11)[1] for p in pick]
        hits = sum(len(set(t) & set(f[f != ids[p]][:10])) for t, f, p in zip(truth, found, pick))
        if hits >= target * want:
            break
    return nprobe


def _exact_top(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Ids of each query's exact top-k among `vectors`, in blocks (memory stays small at 1M)."""
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), 65536):
        s = queries @ vectors[start : start + 65536].T
        s = np.concatenate([best_s, s], axis=1)
        i = np.concatenate([best_i, np.broadcast_to(ids[start : start + 65536], (len(queries), s.shape[1] - best_s.shape[1]))], axis=1)
        top = np.argsort(-s, axis=1, kind="stable")[:, :k]
        best_s, best_i = np.take_along_axis(s, top, 1), np.take_along_axis(i, top, 1)
    return best_i
