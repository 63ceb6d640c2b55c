"""`rag bench` on a tiny BEIR folder made here: the real build, model and FAISS on each side, in their own processes."""

from __future__ import annotations

import json
import os

import pytest

from eval.bench import format_table, llamaindex_missing, load_dataset, percentile, run_bench
from rag import Config, InputError
from rag.cli import main

DOCS = {
    "d1": ("Honey bees", "Honey bees store honey in wax combs inside the hive and feed it to their larvae."),
    "d2": ("Volcanoes", "Lava flows from an erupting volcano and cools into basalt rock on the slopes."),
    "d3": ("Tides", "The moon's gravity pulls the oceans and makes the tides rise and fall twice a day."),
    "d4": ("Coffee", "Coffee beans are roasted, ground and brewed with hot water into a bitter drink."),
    "d5": ("Glaciers", "Glaciers are rivers of ice that carve U-shaped valleys as they slowly move downhill."),
    "d6": ("Chess", "In chess the knight moves in an L shape and can jump over the other pieces."),
}
QUERIES = {"q1": ("Where do bees keep their honey?", "d1"), "q2": ("What makes ocean tides?", "d3"),
           "q3": ("How does the knight move in chess?", "d6")}


@pytest.fixture
def beir(tmp_path):
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": k, "title": t, "text": x}) + "\n" for k, (t, x) in DOCS.items()))
    (folder / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, (t, _) in QUERIES.items()))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, (_, d) in QUERIES.items()))
    return folder


def test_max_docs_keeps_the_queries_judged_on_them(beir):
    ds = load_dataset(beir, max_docs=3)
    assert [d.doc_id for d in ds.documents] == ["d1", "d2", "d3"]
    assert list(ds.queries) == ["q1", "q2"]  # q3's document is not kept
    with pytest.raises(InputError, match="at least 1"):
        load_dataset(beir, max_docs=0)


def test_percentile_is_numpys_linear():
    import numpy as np

    xs = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0]
    assert percentile(xs, 50) == pytest.approx(np.percentile(xs, 50))
    assert percentile(xs, 95) == pytest.approx(np.percentile(xs, 95))


def test_our_side_measures_a_fresh_build(beir):
    r = run_bench(beir, Config.load(progress=False), llamaindex=False)
    assert (r["documents"], r["queries"]) == (6, 3)
    assert r["rag"]["chunks"] == 6 and r["rag"]["sentences"] >= 6  # the whole build ran, not a no-op
    assert r["ingest_docs_per_s"]["rag"] > 0 and r["peak_rss_mb"]["rag"] > 100  # the model is in memory
    assert r["ndcg@10"]["rag"] == 1.0 and r["ndcg@10"]["rag_dense"] == 1.0  # each query's one document first
    assert 0 < r["query_p50_ms"]["rag"] <= r["query_p95_ms"]["rag"]
    assert r["llamaindex"] is None and r["llamaindex_skipped"] == "not asked for"
    assert "LlamaIndex not run: not asked for" in format_table(r)


@pytest.mark.skipif(bool(llamaindex_missing()), reason=f"LlamaIndex's side: {llamaindex_missing()}")
def test_cli_json_side_by_side_with_llamaindex(beir, capsys):
    assert main(["bench", str(beir), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    for key, sides in {"ingest_docs_per_s": {"rag", "llamaindex"}, "peak_rss_mb": {"rag", "llamaindex"},
                       "query_p50_ms": {"rag", "rag_dense", "llamaindex"}, "ndcg@10": {"rag", "llamaindex"}}.items():
        assert sides <= set(r[key]) and all(r[key][s] > 0 for s in sides), key
    assert r["ndcg@10"]["llamaindex"] == 1.0  # the same model finds the same obvious documents
    assert r["llamaindex"]["nodes"] == 6 and r["llamaindex"]["versions"]["llama-index-core"]


def test_cli_bad_folder_is_one_line(tmp_path, capsys):
    assert main(["bench", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_llamaindex_side_cannot_reach_the_network():
    import socket

    from eval import bench_llamaindex

    saved = socket.socket.connect, socket.socket.connect_ex
    try:
        bench_llamaindex._no_network()
        with pytest.raises(ConnectionRefusedError, match="offline"):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
    finally:
        socket.socket.connect, socket.socket.connect_ex = saved


def test_embed_speed_pooled_compares_one_pass_with_two(beir):
    from eval.embed_speed import measure_pooled

    r = measure_pooled(beir, 3, ["torch"])
    t = r["backends"]["torch"]
    assert r["documents"] == 3 and r["sentences"] >= r["chunks"] >= 3
    assert t["chunk_cosine_min"] > 0.9999  # the pooled pass's chunk vectors are the separate pass's
    assert 0 < t["sentence_cosine"]["min"] <= t["sentence_cosine"]["mean"] < 1


def test_embed_speed_workers_compares_side_by_side_with_one_session(beir):
    from eval.embed_speed import measure_workers

    r = measure_workers(beir, 3, ["onnx-int8"])
    t = r["backends"]["onnx-int8"]
    assert r["documents"] == 3
    if len(os.sched_getaffinity(0)) > 1:
        assert t["workers"] >= 2
    assert t["sentences_max_diff"] < 1e-6 and t["chunks_max_diff"] < 1e-6  # the same vectors either way
    assert t["sentences_per_s_workers"] > 0 and t["chunks_per_s_one_session"] > 0


def test_split_speed_times_both_ways_and_checks_they_agree(beir):
    from rag import sentences
    from eval.split_speed import measure

    before = sentences._segment
    out = measure(beir, 3, rounds=1)
    assert out["documents"] == 3 and out["sentences"] > 3 and out["same_spans"]
    assert len(out["seconds"]["build"]) == len(out["seconds"]["pysbd"]) == 1
    assert sentences._segment is before  # the build's way is put back
