"""Articles (a folder, or Documents) -> a stored index: the ingestion pipeline, stage by stage.

>>> report = index("seeds", config=Config.load(index_dir="/tmp/rag-doctest-index"))  # doctest: +SKIP
>>> report.chunks, report.changes.added[:1]  # doctest: +SKIP
(22, ('000_19e16c48e833ded7.txt',))

Incremental: only documents that are new or whose cleaned text changed are chunked and embedded;
the chunks of documents gone leave the stores; every vector is looked up in the vector cache
(rag.vcache) before the model is asked, so no text is embedded twice, and a build killed half-way
resumes from what it embedded. A corpus whose files and settings are those of the index is a no-op.
One build writes at a time (rag.lock); what it writes becomes the index only when the manifest is
replaced (rag.storage), so a kill at any moment leaves the last good index in use.

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

from .changes import Changes, plan, sentences_of  # noqa: F401 (sentences_of: re-exported)
from .clean import clean
from .config import Config
from .errors import IndexMismatchError, IndexMissingError, InputError
from .load import read_corpus
from .lock import IndexLock
from .manifest import SINCE
from .storage import read_manifest, remove_leftovers
from .types import Document

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # the report says it all to a caller that logs nothing


@dataclass(frozen=True)
class IndexReport:
    """What `index()` did, for the CLI's summary and the manifest."""

    folder: Path
    documents: int
    chunks: int
    sentences: int
    removed: dict[str, tuple[str, ...]]  # doc_id -> boilerplate lines dropped ("rule: line"), for documents (re)indexed
    skipped: tuple[str, ...]  # documents with no text left after cleaning
    seconds: float
    embed_seconds: float
    left_out: dict[str, str] = field(default_factory=dict)  # files not read: a link out of the corpus, too large
    decoding: dict[str, str] = field(default_factory=dict)  # doc_id -> how a file not plain UTF-8 was decoded
    changes: Changes = Changes()  # documents added, changed, removed, redone, unchanged
    rebuilt: str = ""  # why the index was built whole rather than updated ("" when updated)
    up_to_date: bool = False  # nothing had changed: nothing was written
    embedded: int = 0  # texts (chunks and sentences) the model embedded
    cached: int = 0  # vectors found in the vector cache instead
    kept: int = 0  # vectors kept in the stores from the previous index
    chunks_embedded: int = 0

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_embedded / self.embed_seconds if self.embed_seconds else 0.0


def index(
    path: str | Path | None = None,
    *,
    config: Config | None = None,
    documents: Iterable[Document] | None = None,
) -> IndexReport:
    """Build or update the index for a folder of articles (default: the configured corpus), or
    for ready-made `documents` (a benchmark's corpus). Nothing on disk changes until every stage
    has succeeded; a second build of the same index waits `lock_wait` seconds, then refuses."""
    cfg = config or Config.load()
    lock = IndexLock(cfg.index_dir, wait=cfg.lock_wait).acquire()
    try:
        remove_leftovers(cfg.index_dir)  # the lock is ours: whatever a build left is a dead build's
        report = _index(path, cfg, documents)
    except BaseException:
        lock.discard()  # a first build that failed leaves no empty index folder behind
        raise
    lock.release()
    return report


def _index(path, cfg: Config, documents) -> IndexReport:
    started = time.perf_counter()
    left_out, decoding, files = {}, {}, None
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
        sources, label = {f.doc_id: f.sha256 for f in files}, str(path or cfg.corpus)
    else:
        docs = list(documents)
        sources, label = {d.doc_id: document_hash(d) for d in docs}, "documents"
    manifest, rebuilt = _previous_manifest(cfg)
    if manifest is not None and _up_to_date(manifest, sources, label, cfg):
        counts = manifest["counts"]
        log.info("the index in %s is up to date: %d articles, nothing to do", cfg.index_dir, counts["documents"])
        return IndexReport(
            folder=Path(cfg.index_dir), documents=counts["documents"], chunks=counts["chunks"],
            sentences=counts["sentences"], removed={}, skipped=(), seconds=time.perf_counter() - started,
            embed_seconds=0.0, left_out=left_out, decoding=decoding, up_to_date=True,
            changes=Changes(unchanged=tuple(sources)), kept=counts["chunks"] + counts["sentences"],
        )
    if files is not None:
        docs = clean(files)  # sources -> documents: the whole corpus, since lines repeated across articles go
    skipped = tuple(d.doc_id for d in docs if not d.text.strip())
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise InputError(f"no article in {path or cfg.corpus} has any text")
    log.info("%d articles read and cleaned (%d with no text left)", len(docs), len(skipped))

    prev, rebuilt = _previous_index(cfg, manifest, rebuilt)
    p = plan(docs, sources, prev, chunk_tokens=cfg.chunk_tokens, overlap=cfg.chunk_overlap,  # documents -> chunks
             encoding=cfg.encoding, model=cfg.model)
    _log_changes(p.changes, rebuilt)
    log.info("split into %d chunks and %d sentences", len(p.chunks), len(p.sentences))

    from .ingest import embed_and_store  # chunks -> vectors -> stores
    from .lexical import BM25
    from .storage import write_index

    stores, stats = embed_and_store(p, prev, cfg)
    bm25 = BM25.build([c.embed_text for c in p.chunks], k1=cfg.bm25_k1, b=cfg.bm25_b, stemmer=cfg.bm25_stemmer)
    log.info("writing the index to %s", cfg.index_dir)
    write_index(  # vectors -> index
        cfg.index_dir, cfg, documents=docs, chunks=p.chunks, sentences=p.sentences, chunk_uids=p.chunk_uids,
        sentence_uids=p.sentence_uids, stores=stores, bm25=bm25, sources=sources,
        extra={
            "model": {"id": cfg.model, "dimension": stores["chunks"].dim},
            "corpus": label,
            "next_ids": p.next_ids,
            "build": {"seconds": round(time.perf_counter() - started, 2), "chunks_per_second": round(stats["chunks_per_second"], 1),
                      "embedded": stats["embedded"], "cached": stats["cached"], "kept": stats["kept"]},
        },
    )
    stats["cache"].compact(stats["live"])  # after the commit: vectors no index holds may go
    log.info(
        "indexed %d articles -> %d chunks, %d sentences in %.1fs", len(docs), len(p.chunks), len(p.sentences),
        time.perf_counter() - started,
    )
    redone = {*p.changes.added, *p.changes.changed, *p.changes.redone} if prev is not None else {d.doc_id for d in docs}
    return IndexReport(
        folder=Path(cfg.index_dir),
        documents=len(docs),
        chunks=len(p.chunks),
        sentences=len(p.sentences),
        removed={d.doc_id: d.removed for d in docs if d.removed and d.doc_id in redone},
        skipped=skipped,
        seconds=time.perf_counter() - started,
        embed_seconds=stats["embed_seconds"],
        left_out=left_out,
        decoding=decoding,
        changes=p.changes,
        rebuilt=rebuilt,
        embedded=stats["embedded"],
        cached=stats["cached"],
        kept=stats["kept"],
        chunks_embedded=stats["chunks_embedded"],
    )


def _previous_manifest(cfg: Config) -> tuple[dict | None, str]:
    """The manifest of the index this build would update, or (None, why it is built whole)."""
    try:
        manifest = read_manifest(cfg.index_dir)
    except IndexMissingError:
        return None, "no index yet"
    except IndexMismatchError as err:
        return None, str(err).split(": rebuild")[0]
    built = {**SINCE, **manifest["settings"]}  # a setting added since reads as the default it was built with
    for key, value in cfg.index_settings().items():
        if built.get(key) != value:
            return None, f"it was built with {key}={built.get(key)!r}, now {key}={value!r}"
    backends = {"milvus" if k == "milvus" else "faiss" for k in manifest.get("stores", {"chunks": "flat"}).values()}
    if backends != {cfg.store}:
        return None, f"it was built on the {'/'.join(sorted(backends))} store, now {cfg.store}"
    return manifest, ""


def _up_to_date(manifest: dict, sources: dict[str, str], label: str, cfg: Config) -> bool:
    """Same files, same settings, same model and store, every index file intact: nothing to do."""
    from .storage import verify

    if manifest["sources"] != sources or manifest.get("corpus") != label or "next_ids" not in manifest:
        return False
    try:
        verify(cfg.index_dir, manifest)
    except IndexMismatchError:
        return False
    return True


def _previous_index(cfg: Config, manifest: dict | None, why: str):
    """The previous index, loaded to be updated (its own copy, never one a reader holds), or None."""
    if manifest is None:
        return None, why
    from .storage import open_index

    try:
        return open_index(cfg), ""
    except (IndexMismatchError, IndexMissingError) as err:
        return None, str(err).split(": rebuild")[0]


def _log_changes(changes: Changes, rebuilt: str) -> None:
    if rebuilt:
        log.info("building the index whole: %s", rebuilt)
        return
    log.info("%d articles added, %d changed, %d removed, %d redone, %d unchanged", len(changes.added),
             len(changes.changed), len(changes.removed), len(changes.redone), len(changes.unchanged))
    for doc_id in changes.redone:
        log.info("%s: redone, its cleaned text changed though its file did not "
                 "(lines repeated across articles, or a newer cleaning rule)", doc_id)


def document_hash(doc: Document) -> str:
    """The content hash the manifest records for a document given as text, not as a file."""
    return hashlib.sha256(f"{doc.title}\n{doc.text}".encode()).hexdigest()
