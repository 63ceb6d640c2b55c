"""A BEIR folder's first N documents -> each embedding backend's texts/s and cosine to torch.

    python -m eval.embed_speed ../shared/data/scifact --docs 100 [--backends torch,onnx,onnx-int8]

Texts as the build embeds them: each abstract with its title (a chunk), and its sentences
(split at ., ! or ? before a space: close enough for timing). Every backend embeds the same
texts in one process, one after the other, through `rag.embed.embed` (sorted by length, batches
of 64), after a warm-up; the export of an onnx backend, if not cached yet, happens before.
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
    texts = {
        "chunks": [f"{d.title}\n{d.text}" for d in ds.documents],
        "sentences": [s for d in ds.documents for s in re.split(r"(?<=[.!?])\s+", d.text) if s.strip()],
    }
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path")
    p.add_argument("--docs", type=int, default=100)
    p.add_argument("--backends", default="torch,onnx,onnx-int8")
    args = p.parse_args(argv)
    print(json.dumps(measure(args.path, args.docs, args.backends.split(",")), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
