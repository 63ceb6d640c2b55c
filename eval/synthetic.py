"""Seeded clustered unit vectors -> build time, memory, query latency and recall@10 of each store.

`run_synthetic(sizes)` builds each store kind over the same `clustered` vectors in a child
process, opens it in another child and times single queries there (memory is that child's
resident set: what a process serving the index holds), and scores recall@10 against exact
search. Its result is the `synthetic` object of `rag bench --json`:

    {"100000": {"store": "flat", "p50_ms": .., "p95_ms": .., "recall@10": .., "build_s": .., "rss_mb": ..,
                "kinds": {"flat": {...}, "ivf-sq8": {...}, "milvus": {...}}}, "1000000": {...}}

with the top-level figures those of the store the size selects by default (`rag.store.default_kind`).
Run: `python -m eval.synthetic --sizes 100000,1000000` (heavy: under `flock /tmp/rag-heavy.lock`).

>>> v = clustered(5, 4, seed=1); v.shape, v.dtype, bool(np.allclose(np.linalg.norm(v, axis=1), 1))
((5, 4), dtype('float32'), True)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

SIZES = (100_000, 1_000_000)
KINDS = ("flat", "ivf-sq8", "milvus")
QUERIES = 300
WARMUP = 20
MILVUS_MAX = 100_000  # Milvus Lite held 648 MB for 100k vectors: 1M would take several GB of a shared machine


def clustered(n: int, dim: int = 384, *, seed: int = 0, clusters: int | None = None, spread: float = 1.0,
              centers_seed: int = 12345) -> np.ndarray:
    """`n` unit vectors around `clusters` random centres (one per 1,000 vectors by default).

    Each vector is centre + `spread` * isotropic noise of the same expected length, normalised:
    its cosine with its centre is about 1/sqrt(1 + spread^2). The centres depend only on
    `centers_seed`, so queries drawn with another `seed` come from the same clusters.
    """
    k = clusters or max(1, n // 1000)
    centres = np.random.default_rng(centers_seed).standard_normal((k, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 65536):  # in blocks: the noise of 1M vectors at once is 3 GB of float64
        m = min(65536, n - start)
        noise = rng.standard_normal((m, dim), dtype=np.float32) * (spread / np.sqrt(dim))
        block = centres[rng.integers(0, k, m)] + noise
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def run_synthetic(sizes=SIZES, kinds=KINDS, *, queries: int = QUERIES, dim: int = 384, cfg=None,
                  workdir: Path | None = None, milvus_max: int = MILVUS_MAX, log=None) -> dict:
    """For each size, each store kind measured (see the module docstring); `log(line)` reports progress."""
    from rag.config import Config
    from rag.store import _exact_top, default_kind

    cfg = cfg or Config.load()
    log = log or (lambda line: None)
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="rag-synthetic-", dir=workdir) as tmp:
        for n in sizes:
            base_path, qs = Path(tmp) / f"base-{n}.npy", clustered(queries, dim, seed=1, clusters=max(1, n // 1000))
            base = clustered(n, dim, seed=0)
            np.save(base_path, base)
            truth = _exact_top(base, np.arange(n, dtype=np.int64), qs, 10)
            del base
            rows = {}
            for kind in kinds:
                if kind == "milvus" and n > milvus_max:
                    rows[kind] = {"skipped": f"above {milvus_max:,} vectors (--milvus-max)"}
                    continue
                if kind == "milvus" and not _has_milvus():
                    rows[kind] = {"skipped": "pymilvus is not installed (the milvus extra)"}
                    continue
                log(f"synthetic: {n:,} vectors, {kind}: building")
                run_cfg = cfg.with_(store="milvus" if kind == "milvus" else "faiss", index_dir=Path(tmp),
                                    milvus_uri=str(Path(tmp) / f"milvus-{n}.db") if kind == "milvus" and not cfg.milvus_uri else None)
                store_path = Path(tmp) / f"{kind}-{n}.store"
                built = _in_child(_build, kind, base_path, store_path, run_cfg)
                log(f"synthetic: {n:,} vectors, {kind}: built in {built['build_s']:.1f}s; querying")
                served = _in_child(_serve, kind, store_path, qs, run_cfg)
                hits = [len(set(t.tolist()) & set(f)) for t, f in zip(truth, served.pop("ids"))]
                rows[kind] = {**built, **served, "recall@10": round(float(np.mean(hits)) / 10, 4)}
                store_path.unlink(missing_ok=True)
            base_path.unlink()
            default = default_kind(cfg, n)
            top = {k: rows[default].get(k) for k in ("p50_ms", "p95_ms", "recall@10", "build_s", "rss_mb")}
            out[str(n)] = {"store": default, **top, "kinds": rows}
    return out


def _has_milvus() -> bool:
    import importlib.util

    return importlib.util.find_spec("pymilvus") is not None


def _in_child(fn, *args):
    """Run `fn(*args)` in a fresh process (spawned, so it starts from an empty heap)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def _new(kind: str, dim: int, n: int, cfg):
    from rag.store import FaissStore

    if kind == "milvus":
        from rag.milvus_store import MilvusStore

        return MilvusStore.create(cfg, dim, n)
    return FaissStore.flat(dim) if kind == "flat" else FaissStore.ivf(dim, n)


def _build(kind: str, base_path: Path, store_path: Path, cfg) -> dict:
    base = np.load(base_path, mmap_mode="r")
    store = _new(kind, base.shape[1], len(base), cfg)
    t0 = time.perf_counter()
    store.add(np.arange(len(base), dtype=np.int64), base)
    store.save(store_path)
    out = {"build_s": round(time.perf_counter() - t0, 2), "build_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if getattr(store, "nlist", None):
        out.update(nlist=store.nlist, nprobe=store.nprobe)
    _close(store)
    return out


def _close(store) -> None:
    """Stop Milvus Lite's in-process server cleanly: the pool ends its worker with a signal."""
    if store.kind == "milvus":
        from rag.milvus_store import release

        release(store.uri)


def _serve(kind: str, store_path: Path, queries: np.ndarray, cfg) -> dict:
    from rag.store import open_store

    store = open_store(store_path, kind, cfg)
    for q in queries[:WARMUP]:
        store.search(q, 10)
    lat, ids = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, found = store.search(q, 10)
        lat.append(time.perf_counter() - t0)
        ids.append(found.tolist())
    out = {"p50_ms": round(float(np.percentile(lat, 50)) * 1e3, 3), "p95_ms": round(float(np.percentile(lat, 95)) * 1e3, 3),
           "rss_mb": _rss_mb(), "ids": ids}
    if kind != "milvus":  # the same searches with FAISS's default OpenMP threads: what one thread saves
        raw = []
        for q in queries:
            t0 = time.perf_counter()
            store.index.search(q.reshape(1, -1), 10)
            raw.append(time.perf_counter() - t0)
        out["p50_ms_omp_default"] = round(float(np.percentile(raw, 50)) * 1e3, 3)
    _close(store)
    return out


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def format_synthetic(result: dict) -> str:
    """The table `rag bench` prints: one row per size and store kind, the default marked *."""
    head = f"{'vectors':>10}  {'store':<9} {'build s':>8} {'RSS MB':>7} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>9}  nlist/nprobe"
    lines = ["synthetic: 384-d clustered unit vectors (seeded), single queries, recall@10 against exact search", head]
    for size, entry in result.items():
        for kind, row in entry["kinds"].items():
            name = kind + ("*" if kind == entry["store"] else "")
            if "skipped" in row:
                lines.append(f"{int(size):>10,}  {name:<9} skipped: {row['skipped']}")
                continue
            ivf = f"{row['nlist']}/{row['nprobe']}" if row.get("nlist") else "-"
            lines.append(f"{int(size):>10,}  {name:<9} {row['build_s']:>8.1f} {row['rss_mb']:>7} {row['p50_ms']:>8.3f} "
                         f"{row['p95_ms']:>8.3f} {row['recall@10']:>9.3f}  {ivf}")
    lines.append("* the store that size selects by default")
    return "\n".join(lines)


def parse_sizes(text: str) -> tuple[int, ...]:
    """'100000,1M' -> (100000, 1000000)."""
    out = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        mult = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
        out.append(int(float(part.rstrip("mk")) * mult))
    return tuple(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.synthetic", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=parse_sizes, default=SIZES, help="comma-separated, e.g. 100k,1M (default: 100000,1000000)")
    p.add_argument("--kinds", default=",".join(KINDS), help=f"store kinds (default: {','.join(KINDS)})")
    p.add_argument("--queries", type=int, default=QUERIES, help=f"single queries timed (default: {QUERIES})")
    p.add_argument("--milvus-max", type=int, default=MILVUS_MAX, help="largest size Milvus is measured at")
    p.add_argument("--json", action="store_true", help="print the synthetic object as JSON")
    args = p.parse_args(argv)
    import sys

    result = run_synthetic(args.sizes, tuple(args.kinds.split(",")), queries=args.queries, milvus_max=args.milvus_max,
                           log=lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps({"synthetic": result}, indent=2) if args.json else format_synthetic(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
