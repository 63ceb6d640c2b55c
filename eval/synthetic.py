"""Seeded clustered unit vectors -> build time, memory, query latency and recall@10 of each store.

>>> v = clustered(5, 4, seed=1); v.shape, v.dtype, bool(np.allclose(np.linalg.norm(v, axis=1), 1))
((5, 4), dtype('float32'), True)
"""

from __future__ import annotations

import numpy as np


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
