"""Articles (a folder, or Documents) -> a stored index: the ingestion pipeline, stage by stage.

>>> report = index("seeds", config=Config.load(index_dir="/tmp/rag-doctest-index"))  # doctest: +SKIP
>>> report.chunks  # doctest: +SKIP
22
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .chunk import chunk_documents
from .clean import clean
from .config import Config
from .errors import InputError
from .load import read_files
from .types import Chunk, Document, Sentence


@dataclass(frozen=True)
class IndexReport:
    """What `index()` did, for the CLI's summary and the manifest."""

    folder: Path
    documents: int
    chunks: int
    sentences: int
    removed: dict[str, tuple[str, ...]]  # doc_id -> boilerplate lines dropped ("rule: line")
    skipped: tuple[str, ...]  # documents with no text left after cleaning
    seconds: float
    embed_seconds: float

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.embed_seconds if self.embed_seconds else 0.0


def index(
    path: str | Path | None = None,
    *,
    config: Config | None = None,
    documents: Iterable[Document] | None = None,
) -> IndexReport:
    """Build the index for a folder of articles (default: the configured corpus), or for
    ready-made `documents` (a benchmark's corpus). Nothing on disk changes until every stage
    has succeeded."""
    cfg = config or Config.load()
    started = time.perf_counter()
    if documents is None:
        files = read_files(Path(path or cfg.corpus))  # files -> sources
        docs = clean(files)  # sources -> documents
        sources = {f.doc_id: f.sha256 for f in files}
    else:
        docs = list(documents)
        sources = {d.doc_id: document_hash(d) for d in docs}
    skipped = tuple(d.doc_id for d in docs if not d.text.strip())
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise InputError(f"no article in {path or cfg.corpus} has any text")

    chunks = chunk_documents(  # documents -> chunks
        docs, chunk_tokens=cfg.chunk_tokens, overlap=cfg.chunk_overlap, encoding=cfg.encoding, model=cfg.model
    )
    sentences = sentences_of(chunks, docs)

    from .embed import embed, load_model  # heavy: torch
    from .lexical import BM25
    from .storage import write_index

    load_model(cfg.model)  # not part of the throughput measured below
    t0 = time.perf_counter()
    chunk_vectors = embed(  # chunks -> vectors
        [c.embed_text for c in chunks], cfg.model, batch_size=cfg.batch_size, progress=cfg.progress, label="embedding chunks"
    )
    embed_seconds = time.perf_counter() - t0
    sentence_vectors = embed(
        [s.text for s in sentences], cfg.model, batch_size=cfg.batch_size, progress=cfg.progress, label="embedding sentences"
    )
    bm25 = BM25.build([c.embed_text for c in chunks], k1=cfg.bm25_k1, b=cfg.bm25_b, stemmer=cfg.bm25_stemmer)
    seconds = time.perf_counter() - started
    from .embed import dimension

    write_index(  # vectors -> index
        cfg.index_dir,
        cfg,
        documents=docs,
        chunks=chunks,
        sentences=sentences,
        chunk_vectors=chunk_vectors,
        sentence_vectors=sentence_vectors,
        bm25=bm25,
        sources=sources,
        extra={
            "model": {"id": cfg.model, "dimension": dimension(cfg.model)},
            "corpus": str(path or cfg.corpus) if documents is None else "documents",
            "build": {"seconds": round(seconds, 2), "chunks_per_second": round(len(chunks) / embed_seconds, 1)},
        },
    )
    return IndexReport(
        folder=Path(cfg.index_dir),
        documents=len(docs),
        chunks=len(chunks),
        sentences=len(sentences),
        removed={d.doc_id: d.removed for d in docs if d.removed},
        skipped=skipped,
        seconds=time.perf_counter() - started,
        embed_seconds=embed_seconds,
    )


def document_hash(doc: Document) -> str:
    """The content hash the manifest records for a document given as text, not as a file."""
    return hashlib.sha256(f"{doc.title}\n{doc.text}".encode()).hexdigest()


def sentences_of(chunks: list[Chunk], docs: list[Document]) -> list[Sentence]:
    """Each distinct sentence once (overlap repeats them in chunks), with its first chunk."""
    text = {d.doc_id: d.text for d in docs}
    seen: dict[tuple[str, int, int], Sentence] = {}
    for c in chunks:
        for s, e in c.sentences:
            key = (c.doc_id, s, e)
            if key not in seen:
                seen[key] = Sentence(len(seen), c.chunk_id, c.doc_id, s, e, text[c.doc_id][s:e])
    return list(seen.values())
