"""A BEIR folder's first N documents -> each embedding backend's texts/s and cosine to torch.

    python -m eval.embed_speed ../shared/data/scifact --docs 100 [--backends torch,onnx,onnx-int8]
    python -m eval.embed_speed ../shared/data/scifact --docs 100 --pooled [--backends torch]
    python -m eval.embed_speed ../shared/data/scifact --docs 100 --workers [--backends onnx-int8]

Texts as the build embeds them: each abstract with its title (a chunk), and its sentences
(split at ., ! or ? before a space: close enough for timing). Every backend embeds the same
texts in one process, one after the other, through `rag.embed.embed` (sorted by length, batches
of 64), after a warm-up; the export of an onnx backend, if not cached yet, happens before.

With --pooled: the build's own chunks and sentences of those documents (rag.changes.plan), each
backend's separate passes (chunks, then sentences) against the one pooled pass that gives both
(rag.pool), and the cosine of each pooled vector to the separate one.

With --workers: an onnx backend's batches run side by side in its single-threaded worker
sessions (the default) against all in its one multi-threaded session, alternately, twice each, in
batches of the build's size, and the largest difference between the two ways' vectors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time

import numpy as np

from rag.embed import embed, embedder, load_model

from .bench import load_dataset

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def measure(path, docs: int, backends: list[str]) -> dict:
    ds = load_dataset(path, docs)
    texts = _texts(ds)
    vectors, out = {}, {}
    for backend in backends:
        name = embedder(MODEL, backend)
        load_model(name)
        embed(["warm-up"] * 8, name)
        for kind, batch in texts.items():
            t0 = time.perf_counter()
            vectors[backend, kind] = embed(batch, name)
            out.setdefault(backend, {})[f"{kind}_per_s"] = round(len(batch) / (time.perf_counter() - t0), 1)
    for backend in backends:
        for kind in texts:
            if ("torch", kind) in vectors:
                cos = (vectors[backend, kind] * vectors["torch", kind]).sum(1)
                out[backend][f"{kind}_cosine_mean"] = round(float(cos.mean()), 4)
                out[backend][f"{kind}_cosine_min"] = round(float(cos.min()), 4)
    return {"documents": len(ds.documents), **{k: len(v) for k, v in texts.items()}, "backends": out}


def measure_pooled(path, docs: int, backends: list[str]) -> dict:
    import tempfile

    from rag.changes import plan
    from rag.ingest import _sentence_spans
    from rag.pool import embed_pooled
    from rag.vcache import VectorCache

    ds = load_dataset(path, docs)
    p = plan(ds.documents, {}, None, chunk_tokens=200, overlap=40, encoding="cl100k_base", model=MODEL)
    texts, spans = [c.embed_text for c in p.chunks], _sentence_spans(p)
    reqs = [(s.chunk_id, spans[i][1]) for i, s in enumerate(p.sentences)]
    out = {}
    for backend in backends:
        name = embedder(MODEL, backend)
        load_model(name)
        embed(["warm-up"] * 8, name)
        t0 = time.perf_counter()
        chunks = embed(texts, name)
        t1 = time.perf_counter()
        sents = embed([s.text for s in p.sentences], name)
        t2 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            pc, ps, _, _ = embed_pooled(texts, list(range(len(texts))), reqs, name, VectorCache(tmp, name), dim=chunks.shape[1],
                                        step=256)
        t3 = time.perf_counter()
        cos_c, cos_s = (pc * chunks).sum(1), (ps * sents).sum(1)
        out[backend] = {"separate_seconds": {"chunks": round(t1 - t0, 1), "sentences": round(t2 - t1, 1)},
                        "pooled_seconds": round(t3 - t2, 1), "speedup": round((t2 - t0) / (t3 - t2), 2),
                        "chunk_cosine_min": round(float(cos_c.min()), 5),
                        "sentence_cosine": {"mean": round(float(cos_s.mean()), 4), "p10": round(float(np.percentile(cos_s, 10)), 4),
                                            "min": round(float(cos_s.min()), 4)}}
    return {"documents": len(ds.documents), "chunks": len(texts), "sentences": len(p.sentences), "backends": out}


def measure_workers(path, docs: int, backends: list[str], batch: int = 8) -> dict:
    from rag.onnx_embed import OnnxEncoder

    texts = _texts(load_dataset(path, docs))
    out = {}
    for backend in backends:
        enc = load_model(embedder(MODEL, backend))
        if not isinstance(enc, OnnxEncoder):
            raise SystemExit(f"--workers: {backend} is not an onnx backend")
        ways = {"workers": enc, "one_session": OnnxEncoder(enc.session, enc.tokenizer, enc.dim, alone=enc.alone)}
        res = out[backend] = {"workers": enc.workers}
        for kind, items in texts.items():
            seconds, vecs = {w: [] for w in ways}, {}
            for _ in range(2):
                for way, e in ways.items():
                    e.encode(items[:batch])  # warm-up
                    t0 = time.perf_counter()
                    vecs[way] = np.concatenate([e.encode(items[i : i + batch]) for i in range(0, len(items), batch)])
                    seconds[way].append(time.perf_counter() - t0)
            for way in ways:
                res[f"{kind}_per_s_{way}"] = round(len(items) / min(seconds[way]), 1)
            res[f"{kind}_max_diff"] = float(np.abs(vecs["workers"] - vecs["one_session"]).max())
    return {"documents": docs, **{k: len(v) for k, v in texts.items()}, "backends": out}


def _texts(ds) -> dict[str, list[str]]:
    return {
        "chunks": [f"{d.title}\n{d.text}" for d in ds.documents],
        "sentences": [s for d in ds.documents for s in re.split(r"(?<=[.!?])\s+", d.text) if s.strip()],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path")
    p.add_argument("--docs", type=int, default=100)
    p.add_argument("--backends", default="torch,onnx,onnx-int8")
    p.add_argument("--pooled", action="store_true", help="separate sentence vectors against pooled ones (rag.pool)")
    p.add_argument("--workers", action="store_true", help="side-by-side worker sessions against one session (onnx)")
    args = p.parse_args(argv)
    run = measure_pooled if args.pooled else measure_workers if args.workers else measure
    print(json.dumps(run(args.path, args.docs, args.backends.split(",")), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
