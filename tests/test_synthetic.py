"""Tests for eval.synthetic: the generator, and the benchmark at small sizes (real stores, child processes)."""

from __future__ import annotations

import numpy as np
import pytest

from eval.synthetic import clustered, format_synthetic, parse_sizes, run_synthetic
from rag.config import Config


def test_clustered_is_seeded_unit_and_clustered() -> None:
    a, b = clustered(500, 16, seed=3, clusters=5), clustered(500, 16, seed=3, clusters=5)
    assert np.array_equal(a, b) and not np.array_equal(a, clustered(500, 16, seed=4, clusters=5))
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    # Tight clusters: each vector's nearest other is far closer than the average pair.
    sims = a @ a.T
    np.fill_diagonal(sims, -1)
    assert sims.max(axis=1).mean() > 0.5 > abs(sims[sims > -1].mean()) + 0.2


def test_parse_sizes() -> None:
    assert parse_sizes("100000, 1M,20k") == (100_000, 1_000_000, 20_000)


def test_run_synthetic_small_with_ivf_as_the_default() -> None:
    kinds = ("flat", "ivf-sq8", "milvus") if _has_milvus() else ("flat", "ivf-sq8")
    out = run_synthetic((3000,), kinds, queries=40, cfg=Config.load(exact_max=1000))
    entry = out["3000"]
    assert entry["store"] == "ivf-sq8" and entry["recall@10"] == entry["kinds"]["ivf-sq8"]["recall@10"]
    flat, ivf = entry["kinds"]["flat"], entry["kinds"]["ivf-sq8"]
    assert flat["recall@10"] == 1.0  # exact search against exact search
    assert ivf["recall@10"] >= 0.95 and 1 <= ivf["nprobe"] < ivf["nlist"]
    for row in (flat, ivf):
        assert row["p50_ms"] > 0 and row["p95_ms"] >= row["p50_ms"] and row["build_s"] >= 0 and row["rss_mb"] > 20
    if "milvus" in kinds:
        assert entry["kinds"]["milvus"]["recall@10"] >= 0.95
    table = format_synthetic(out)
    assert "ivf-sq8*" in table and "     3,000  flat " in table


def test_run_synthetic_skips_milvus_above_its_cap() -> None:
    out = run_synthetic((500,), ("flat", "milvus"), queries=10, milvus_max=100)
    assert out["500"]["store"] == "flat" and "skipped" in out["500"]["kinds"]["milvus"]
    assert "skipped" in format_synthetic(out)


def _has_milvus() -> bool:
    try:
        import pymilvus  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(autouse=True)
def _small_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # children spawned here stay off the other core
