"""`rag eval --beir` on a tiny BEIR-format dataset the test writes itself (SciFact is a benchmark, not a test)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eval.benchmark import doc_run, run_beir
from rag import Config

DOCS = {
    "d1": ("Volcanic eruptions", "Magma rises through the crust and erupts as lava from volcanoes."),
    "d2": ("Honey bees", "Bees collect nectar from flowers and turn it into honey in the hive."),
    "d3": ("Chess openings", "The Sicilian Defence is a popular reply to the king's pawn opening in chess."),
    "d4": ("Coral reefs", "Warming oceans bleach coral reefs, which lose the algae that feed them."),
    "d5": ("Long article", " ".join(["Glaciers retreat as the climate warms and sea levels rise."] * 60)),
}
QUERIES = {"q1": "How does lava come out of a volcano?", "q2": "What do bees make from nectar?",
           "q3": "Why are coral reefs bleaching?", "q4": "Why do glaciers retreat?"}
QRELS = {"q1": "d1", "q2": "d2", "q3": "d4", "q4": "d5"}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("tinybeir")
    (root / "qrels").mkdir()
    (root / "corpus.jsonl").write_text("".join(json.dumps({"_id": k, "title": t, "text": x}) + "\n" for k, (t, x) in DOCS.items()))
    (root / "queries.jsonl").write_text("".join(json.dumps({"_id": k, "text": v}) + "\n" for k, v in QUERIES.items()))
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\r\n" + "".join(f"{q}\t{d}\t1\r\n" for q, d in QRELS.items()))
    return root


def test_every_mode_ranks_the_relevant_document_first(dataset, tmp_path):
    cfg = Config.load(progress=False)
    r = run_beir(dataset, cfg, index_dir=tmp_path / "idx")
    assert r["default"] == "hybrid+rerank" and r["modes"] == ["dense", "bm25", "hybrid", "hybrid+rerank"]
    assert r["documents"] == 5 and r["queries"] == 4 and r["chunks"] > 5  # the long article has several chunks
    for mode in r["modes"]:
        assert r[mode]["ndcg@10"] == pytest.approx(1.0) and r[mode]["mrr@10"] == pytest.approx(1.0)
        assert r[mode]["recall@100"] == pytest.approx(1.0)
        assert r[mode]["ndcg@10_ci95"] == pytest.approx((1.0, 1.0))  # every query perfect: no spread
        assert r[mode]["default_gain_ci95"] == pytest.approx((0.0, 0.0))  # ... and no mode better than another
    assert r["reference"]["dense, whole documents"]["ndcg@10"] == pytest.approx(1.0)
    assert list(tmp_path.glob("idx.whole-docs-*.npy"))  # cached beside the index, no temp file left
    assert not list(tmp_path.glob("*.tmp*"))


def test_a_long_document_is_ranked_once_by_its_best_chunk():
    from rag.types import Chunk, Passage

    def p(doc, score):
        return Passage(Chunk(0, doc, "", "", 0, 0, 0), score)

    assert doc_run([p("a", 3.0), p("b", 2.0), p("a", 1.0)]) == {"a": 3.0, "b": 2.0}


def test_cli_json_shape(dataset, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval", "--beir", str(dataset), "--beir-index", str(tmp_path / "i"), "--json", "--modes", "bm25,hybrid"],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["default"] == "hybrid+rerank"
    assert set(out["bm25"]) >= {"ndcg@10", "recall@100", "mrr@10"}
    assert "default_gain_ci95" not in out["bm25"]  # the default mode was not run: nothing to pair with


def test_refuses_to_overwrite_an_article_index(dataset, seed_config):
    from rag.errors import InputError

    with pytest.raises(InputError, match="give another --beir-index"):
        run_beir(dataset, Config.load(progress=False), index_dir=seed_config.index_dir)
