"""Articles (a folder, or Documents) -> a stored index: the ingestion pipeline, stage by stage.

>>> report = index("seeds", config=Config.load(index_dir="/tmp/rag-doctest-index"))  # doctest: +SKIP
>>> report.chunks  # doctest: +SKIP
22

Each stage logs a line at INFO on the "rag.build" logger (and embedding its progress, when there
are no progress bars), so a build nobody watches in a terminal (the chat window's first start,
a service) still says what it is doing; files left out or decoded with a guess are WARNING lines.
The library adds no handler: an application shows these by configuring `logging`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .chunk import chunk_documents
from .clean import clean
from .config import Config
from .errors import InputError
from .load import read_corpus
from .types import Chunk, Document, Sentence

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # the report says it all to a caller that logs nothing


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
    left_out: dict[str, str] = field(default_factory=dict)  # files not read: a link out of the corpus, too large
    decoding: dict[str, str] = field(default_factory=dict)  # doc_id -> how a file not plain UTF-8 was decoded

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
    left_out, decoding = {}, {}
    if documents is None:
        folder = Path(path or cfg.corpus)
        log.info("reading the articles in %s", folder)
        corpus = read_corpus(folder, max_bytes=int(cfg.max_file_mb * 1_000_000))  # files -> sources
        files, left_out = corpus.files, corpus.skipped
        decoding = {f.doc_id: f.note for f in files if f.note}
        for doc_id, why in left_out.items():
            log.warning("%s: left out, %s", doc_id, why)
        for doc_id, note in decoding.items():
            log.warning("%s: %s", doc_id, note)
        docs = clean(files)  # sources -> documents
        sources = {f.doc_id: f.sha256 for f in files}
    else:
        docs = list(documents)
        sources = {d.doc_id: document_hash(d) for d in docs}
    skipped = tuple(d.doc_id for d in docs if not d.text.strip())
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise InputError(f"no article in {path or cfg.corpus} has any text")
    log.info("%d articles read and cleaned (%d with no text left)", len(docs), len(skipped))

    chunks = chunk_documents(  # documents -> chunks
        docs, chunk_tokens=cfg.chunk_tokens, overlap=cfg.chunk_overlap, encoding=cfg.encoding, model=cfg.model
    )
    sentences = sentences_of(chunks, docs)
    log.info("split into %d chunks and %d sentences", len(chunks), len(sentences))

    from .embed import embed, load_model  # heavy: torch
    from .lexical import BM25
    from .storage import write_index

    log.info("loading the embedding model %s", cfg.model)
    load_model(cfg.model)  # not part of the throughput measured below
    t0 = time.perf_counter()
    chunk_vectors = _embed_logged(  # chunks -> vectors
        embed, [c.embed_text for c in chunks], cfg, label="embedding chunks"
    )
    embed_seconds = time.perf_counter() - t0
    sentence_vectors = _embed_logged(embed, [s.text for s in sentences], cfg, label="embedding sentences")
    bm25 = BM25.build([c.embed_text for c in chunks], k1=cfg.bm25_k1, b=cfg.bm25_b, stemmer=cfg.bm25_stemmer)
    seconds = time.perf_counter() - started
    from .embed import dimension

    log.info("writing the index to %s", cfg.index_dir)
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
    log.info(
        "indexed %d articles -> %d chunks, %d sentences in %.1fs", len(docs), len(chunks), len(sentences),
        time.perf_counter() - started,
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
        left_out=left_out,
        decoding=decoding,
    )


def _embed_logged(embed, texts: list[str], cfg: Config, *, label: str):
    """`embed(texts)` with a progress bar, or, without one, an INFO line per slice of texts.

    The slices are cut from the texts sorted as `embed` sorts them (longest first, stable) and
    hold whole batches, so every batch, and so every vector, is the one a single call gives."""
    import numpy as np

    log.info("%s: %d texts", label, len(texts))
    step = cfg.batch_size * 32
    if cfg.progress or len(texts) <= step:
        return embed(texts, cfg.model, batch_size=cfg.batch_size, progress=cfg.progress, label=label)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    parts, started = [], time.perf_counter()
    for b in range(0, len(order), step):
        parts.append(embed([texts[i] for i in order[b : b + step]], cfg.model, batch_size=cfg.batch_size))
        done = min(b + step, len(order))
        log.info("%s: %d/%d (%.0f/s)", label, done, len(order), done / (time.perf_counter() - started))
    out = np.empty_like(parts[0], shape=(len(texts), parts[0].shape[1]))
    out[order] = np.concatenate(parts)
    return out


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
