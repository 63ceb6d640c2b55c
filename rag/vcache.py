"""Texts -> vectors, remembered: embeddings cached by the SHA-256 of the text, one folder per model.

    index/vectors/<model digest>/model.json      {"model": "...", "dimension": 384}
    index/vectors/<model digest>/<segment>.npy   rows of (key: 32-byte SHA-256, vector: float32[dim])

A vector depends on nothing but the model and the text it embeds, so a text seen before (an
unchanged article, a sentence that moved into another chunk, a build killed half-way) is never
embedded twice. Segments are plain `.npy` files with a structured dtype (no pickle), each written
whole under a temporary name and renamed, so a `kill -9` loses at most the segment being written:
`embed_cached` writes one after every few batches, and the next build resumes from them.

>>> import tempfile
>>> cache = VectorCache(tempfile.mkdtemp(), "m")
>>> cache.put([text_key("a")], np.ones((1, 2), dtype=np.float32))
>>> VectorCache(cache.folder.parent, "m").get([text_key("a"), text_key("b")])[1].tolist()
[True, False]
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from pathlib import Path

import numpy as np

log = logging.getLogger("rag.build")


def text_key(text: str) -> bytes:
    """The cache key of a text: its SHA-256 (the model is the folder)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class VectorCache:
    """The cached vectors of one model under `root` (an index folder's `vectors/`)."""

    def __init__(self, root: str | Path, model: str):
        self.model = model
        self.folder = Path(root) / hashlib.sha256(model.encode()).hexdigest()[:16]
        self._where: dict[bytes, tuple[int, int]] = {}  # key -> (segment, row)
        self._segments: list[tuple[Path, np.ndarray]] = []
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.npy")):
            try:
                rows = np.load(path, mmap_mode="r", allow_pickle=False)
                keys = rows["key"]
            except (OSError, ValueError, KeyError, IndexError):  # not ours, or cut by a disk that filled
                log.warning("vector cache: %s is unreadable, ignored", path.name)
                continue
            seg = len(self._segments)
            self._segments.append((path, rows))
            self._where.update((k.tobytes(), (seg, r)) for r, k in enumerate(keys))

    def __len__(self) -> int:
        return len(self._where)

    @property
    def dim(self) -> int | None:
        """The vectors' dimension, if the cache holds any (no need to load the model to know it)."""
        try:
            return int(json.loads((self.folder / "model.json").read_text())["dimension"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def get(self, keys: list[bytes]) -> tuple[np.ndarray | None, np.ndarray]:
        """(vectors of the keys found, in order, or None if none; found mask)."""
        found = np.array([k in self._where for k in keys], dtype=bool)
        if not found.any():
            return None, found
        vecs = [self._segments[s][1]["vector"][r] for s, r in (self._where[k] for k, f in zip(keys, found) if f)]
        return np.asarray(vecs, dtype=np.float32), found

    def put(self, keys: list[bytes], vectors: np.ndarray) -> None:
        """Add one segment: written whole, then renamed into place."""
        if not keys:
            return
        vectors = np.asarray(vectors, dtype=np.float32)
        rows = np.empty(len(keys), dtype=_dtype(vectors.shape[1]))
        rows["key"] = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
        rows["vector"] = vectors
        self._add_segment(lambda f: np.save(f, rows, allow_pickle=False), keys, vectors.shape[1])

    def _add_segment(self, write, keys: list[bytes], dim: int) -> None:
        """Write a segment with `write(file)` under a temporary name, rename it, and map it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = self.folder / "model.json"
        if not meta.exists():
            _write_atomic(meta, json.dumps({"model": self.model, "dimension": int(dim)}).encode())
        path = self.folder / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.npy"
        with open(path.with_suffix(".tmp"), "wb") as f:
            write(f)
        os.replace(path.with_suffix(".tmp"), path)
        seg = len(self._segments)
        self._segments.append((path, np.load(path, mmap_mode="r", allow_pickle=False)))  # not a second copy in memory
        self._where.update((k, (seg, r)) for r, k in enumerate(keys))

    def compact(self, live: set[bytes], *, slack: float = 2.0, max_segments: int = 64) -> bool:
        """Keep only the `live` vectors (those the index holds) in one segment, once the cache holds
        more than `slack` times as many or has more than `max_segments` segments. The new segment is
        written before the old ones go, so a kill in between leaves duplicates, never a loss."""
        if len(self) <= slack * len(live) + 1000 and len(self._segments) <= max_segments:
            return False
        # Streamed segment by segment, the live rows of each copied straight to the new file through
        # a mapping of its own, dropped after: the whole cache is never in memory at once (on
        # SciFact's 56,788 vectors, gathering them first put the build's peak ~200 MB higher).
        old = [p for p, _ in self._segments]
        dim = self._segments[0][1].dtype["vector"].shape[0] if old else 0
        picks: list[list[tuple[int, bytes]]] = [[] for _ in old]
        for k, (seg, r) in self._where.items():  # the newest copy of each key, if it is live
            if k in live:
                picks[seg].append((r, k))
        for rs in picks:
            rs.sort()
        keep = [k for rs in picks for _, k in rs]

        def write(f):
            header = {"descr": np.lib.format.dtype_to_descr(_dtype(dim)), "fortran_order": False, "shape": (len(keep),)}
            np.lib.format.write_array_header_1_0(f, header)
            for path, rs in zip(old, picks):
                if rs:
                    rows = np.load(path, mmap_mode="r", allow_pickle=False)
                    f.write(np.ascontiguousarray(rows[[r for r, _ in rs]]).tobytes())
                    del rows

        self._where, self._segments = {}, []
        if keep:
            self._add_segment(write, keep, dim)
        for p in old:
            p.unlink(missing_ok=True)
        log.info("vector cache compacted: %d vectors kept", len(keep))
        return True

    def remove_leftovers(self) -> None:
        """Remove half-written segments (`*.tmp`, of any model) of a killed build. Only under the index lock."""
        for p in self.folder.parent.glob("*/*.tmp"):
            p.unlink(missing_ok=True)


def _dtype(dim: int) -> np.dtype:
    """A segment's rows: the text's 32-byte SHA-256 and its float32 vector."""
    return np.dtype([("key", "u1", (32,)), ("vector", "<f4", (dim,))])


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def embed_cached(texts: list[str], model: str, cache: VectorCache, *, dim: int, batch_size: int, step: int,
                 on_step=None, embed_fn=None) -> tuple[np.ndarray, int, int]:
    """Vectors of `texts` from the cache, embedding the rest: (vectors, found in the cache, embedded).

    The texts missing from the cache are embedded longest first, `step` texts (whole batches) at
    a time, as `rag.embed.embed` sorts and batches them in one call, so each vector is the one a
    single call gives; each step is saved to the cache before the next starts, so a build killed
    half-way loses one step at most. `on_step(done, total)` follows the progress.
    """
    if embed_fn is None:
        from .embed import embed as embed_fn
    keys = [text_key(t) for t in texts]
    out = np.empty((len(texts), dim), dtype=np.float32)
    vecs, found = cache.get(keys)
    if vecs is not None:
        out[found] = vecs
    first: dict[bytes, int] = {}  # each missing text once, even if it occurs twice
    for i in np.flatnonzero(~found).tolist():
        first.setdefault(keys[i], i)
    todo = sorted(first.values(), key=lambda i: len(texts[i]), reverse=True)
    step = max(batch_size, step // batch_size * batch_size)
    if on_step and todo:
        on_step(0, len(todo))
    for b in range(0, len(todo), step):
        part = todo[b : b + step]
        got = embed_fn([texts[i] for i in part], model, batch_size=batch_size)
        cache.put([keys[i] for i in part], got)
        out[part] = got
        if on_step:
            on_step(min(b + step, len(todo)), len(todo))
    if len(first) < int((~found).sum()):  # repeated texts: copy the one vector embedded
        for i in np.flatnonzero(~found).tolist():
            out[i] = out[first[keys[i]]]
    return out, int(found.sum()), len(todo)
