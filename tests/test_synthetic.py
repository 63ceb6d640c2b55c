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


def test_rag_bench_synthetic_option_parses_sizes() -> None:
    from rag.cli import parser

    assert parser().parse_args(["bench", "--synthetic"]).synthetic == (100_000, 1_000_000)
    assert parser().parse_args(["bench", "--synthetic", "2k,5000"]).synthetic == (2000, 5000)
    assert parser().parse_args(["bench"]).synthetic is None
    with pytest.raises(SystemExit):
        parser().parse_args(["bench", "--synthetic", "lots"])


@pytest.mark.slow
def test_rag_bench_synthetic_adds_its_table_and_json(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    beir = tmp_path / "tiny"
    (beir / "qrels").mkdir(parents=True)
    docs = {"d1": "Bees keep their honey in wax combs inside the hive.", "d2": "The moon's pull makes the ocean tides."}
    (beir / "corpus.jsonl").write_text("".join(json.dumps({"_id": k, "title": "", "text": t}) + "\n" for k, t in docs.items()))
    (beir / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "Where do bees keep honey?"}) + "\n")
    (beir / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")}, "HF_HUB_OFFLINE": "1", "RAG_EXACT_MAX": "1000"}
    cmd = [sys.executable, "-m", "rag.cli", "bench", str(beir), "--synthetic", "2000"]
    out = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env, timeout=900)
    assert out.returncode == 0, out.stderr
    synthetic = json.loads(out.stdout)["synthetic"]
    assert list(synthetic) == ["2000"] and synthetic["2000"]["store"] == "ivf-sq8"
    assert {"p50_ms", "recall@10", "build_s", "rss_mb"} <= set(synthetic["2000"])
    assert synthetic["2000"]["recall@10"] >= 0.95
