"""A BEIR-format dataset -> nDCG@10, Recall@100 and MRR@10 per retrieval mode.

The corpus goes through the same chunk, embed and index code as the articles (`rag.index`), and
every query through the same `rag.retrieve.rank` that serves the chat. A document longer than
one chunk is ranked by its best chunk.

The index is kept in a cache folder (or --beir-index) and reused while the dataset and the
index settings are unchanged, so comparing modes does not re-embed the corpus.
"""

from __future__ import annotations

import time
import hashlib
from pathlib import Path

from rag import Config, index, load_index
from rag.config import MODES
from rag.build import document_hash
from rag.errors import IndexMismatchError, IndexMissingError, InputError
from rag.retrieve import rank
from rag.types import Document
from rag.storage import check_settings, read_manifest

from .beir import BeirDataset, load_beir
from .metrics import bootstrap_ci, evaluate, means, per_query

DEPTH = 100  # documents per query in the run: enough for Recall@100
REFERENCE = "dense, whole documents"


def cache_folder(name: str) -> Path:
    return Path.home() / ".cache" / "rag" / "beir" / name


def ensure_index(documents: list[Document], cfg: Config) -> dict:
    """Build a benchmark's index unless one with the same settings and documents exists."""
    sources = {d.doc_id: document_hash(d) for d in documents}
    try:
        manifest = read_manifest(cfg.index_dir)
        if manifest.get("corpus") != "documents":  # never rebuild over a folder of articles' index
            raise InputError(f"{cfg.index_dir} holds the index of {manifest.get('corpus')}: give another --beir-index")
        check_settings(manifest, cfg, cfg.index_dir)
        if manifest.get("sources") != sources:
            raise IndexMismatchError("the dataset changed")
    except (IndexMissingError, IndexMismatchError):
        index(config=cfg, documents=documents)
        manifest = read_manifest(cfg.index_dir)
    return manifest


def doc_run(passages, depth: int = DEPTH) -> dict[str, float]:
    """Passages (best first) -> {doc_id: score of its best chunk}, the top `depth` documents."""
    run: dict[str, float] = {}
    for p in passages:
        if p.chunk.doc_id not in run:
            run[p.chunk.doc_id] = p.score
            if len(run) == depth:
                break
    return run


def run_beir(
    path: Path, cfg: Config, *, modes: list[str] | None = None, max_queries: int | None = None, index_dir: Path | None = None
) -> dict:
    ds = load_beir(path, max_queries=max_queries)
    cfg = cfg.with_(index_dir=Path(index_dir) if index_dir else cache_folder(ds.name))
    modes = modes or list(MODES)
    for m in modes:
        cfg.with_(mode=m)  # validates each mode name before the long work starts
    manifest = ensure_index(ds.documents, cfg)
    idx = load_index(cfg, build_if_missing=False)

    from rag.embed import embed

    qids = list(ds.queries)
    t0 = time.perf_counter()
    qvecs = embed([ds.queries[q] for q in qids], cfg.embedder, batch_size=cfg.batch_size)
    embed_ms = (time.perf_counter() - t0) * 1000 / max(len(qids), 1)

    result: dict = {
        "dataset": ds.name,
        "documents": len(ds.documents),
        "queries": len(qids),
        "chunks": manifest["counts"]["chunks"],
        "sentences": manifest["counts"]["sentences"],
        "index": manifest.get("build", {}),
        "default": cfg.mode,
        "modes": modes,
    }
    result["reference"] = {REFERENCE: whole_document_dense(ds, cfg, manifest["sources"], qids, qvecs)}
    ndcg: dict[str, list[float]] = {}  # per query, in one order, for paired comparisons
    for m in modes:
        mcfg = cfg.with_(mode=m)
        t0 = time.perf_counter()
        run = {qid: doc_run(rank(idx, ds.queries[qid], qvecs[i], mcfg)) for i, qid in enumerate(qids)}
        ms = (time.perf_counter() - t0) * 1000 / max(len(qids), 1)
        scores = per_query(run, ds.qrels)
        ndcg[m] = [scores[q]["ndcg@10"] for q in sorted(scores)]
        result[m] = {**means(scores), "ndcg@10_ci95": bootstrap_ci(ndcg[m]), "ms_per_query": round(ms + embed_ms, 2)}
    if cfg.mode in ndcg:  # paired, query by query: is the default measurably better than each mode?
        for m in modes:
            diff = [a - b for a, b in zip(ndcg[cfg.mode], ndcg[m])]
            result[m]["default_gain_ci95"] = bootstrap_ci(diff) if m != cfg.mode else (0.0, 0.0)
    return result


def whole_document_dense(ds: BeirDataset, cfg: Config, sources: dict[str, str], qids: list[str], qvecs) -> dict:
    """The protocol behind the published dense figures (MTEB/BEIR): each document's title and
    text embedded as one input, which the model truncates at its 256-token window, and exact
    inner-product search. Same `embed` and `FaissStore` as the pipeline; the vectors are cached
    beside the benchmark's index."""
    import os

    import numpy as np

    from rag.embed import embed
    from rag.store import FaissStore

    # `sources`: the document hashes the index manifest already records, in corpus order.
    key = hashlib.sha256("".join([cfg.embedder, *(sources[d.doc_id] for d in ds.documents)]).encode()).hexdigest()[:16]
    path = Path(f"{cfg.index_dir}.whole-docs-{key}.npy")
    if path.exists():
        vectors = np.load(path, allow_pickle=False)
    else:
        texts = [f"{d.title} {d.text}".strip() for d in ds.documents]
        vectors = embed(texts, cfg.embedder, batch_size=cfg.batch_size, progress=cfg.progress, label="embedding documents")
        tmp = Path(f"{path}.tmp{os.getpid()}.npy")
        np.save(tmp, vectors, allow_pickle=False)
        os.replace(tmp, path)
    store, ids = FaissStore(vectors), [d.doc_id for d in ds.documents]
    run = {}
    for i, qid in enumerate(qids):
        scores, rows = store.search(qvecs[i], DEPTH)
        run[qid] = {ids[r]: float(s) for s, r in zip(scores.tolist(), rows.tolist())}
    return evaluate(run, ds.qrels)


PUBLISHED = {  # nDCG@10 on SciFact, from shared/data/scifact/README.md
    "BM25 (BEIR paper)": 0.665,
    "all-MiniLM-L6-v2 dense (MTEB)": 0.645,
    "BM25 + cross-encoder (BEIR)": 0.688,
    "ColBERT (BEIR)": 0.671,
}


def format_table(r: dict) -> str:
    row = "  {:<24}{:>9}{:>16}{:>18}{:>9}{:>9}{:>10}{}".format
    lines = [
        f"{r['dataset']}: {r['documents']} documents -> {r['chunks']} chunks, {r['queries']} queries",
        f"index built in {r['index'].get('seconds', '?')} s ({r['index'].get('chunks_per_second', '?')} chunks/s)",
        "",
        row("mode", "nDCG@10", "95% CI", "default gain", "R@100", "MRR@10", "ms/query", ""),
    ]
    for m in r["modes"]:
        x = r[m]
        mark = "  (default)" if m == r["default"] else ""
        ci = "{:.3f}-{:.3f}".format(*x["ndcg@10_ci95"])
        gain = "{:+.3f}..{:+.3f}".format(*x["default_gain_ci95"]) if "default_gain_ci95" in x and not mark else ""
        cells = (f"{x['ndcg@10']:.4f}", ci, gain, f"{x['recall@100']:.4f}", f"{x['mrr@10']:.4f}", f"{x['ms_per_query']:.1f}")
        lines.append(row(m, *cells, mark))
    for name, x in r.get("reference", {}).items():
        lines.append(row(name + " *", f"{x['ndcg@10']:.4f}", "", "", f"{x['recall@100']:.4f}", f"{x['mrr@10']:.4f}", "", ""))
    lines.append("  * each document whole, truncated at 256 tokens: the protocol of the published dense figure")
    lines.append("  95% CI: bootstrap over the queries, how far nDCG@10 could move on other queries like these")
    lines.append("  default gain: the default's nDCG@10 minus this mode's, query by query, 95% CI; above 0: measurably better")
    if r["dataset"].lower() == "scifact":
        lines += ["", "  published nDCG@10: " + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items())]
    return "\n".join(lines)
