"""Built parts -> an index folder that describes itself; an index folder -> a loaded `Index`.

Layout (plain files, no pickle):

    index/manifest.json          settings, model, versions, per-file hashes, counts
    index/<generation>/          documents.jsonl chunks.jsonl sentences.jsonl
                                 chunks.faiss sentences.faiss bm25/

A build writes a fresh generation folder, then replaces `manifest.json` atomically (temporary
name, then rename). The manifest is the single commit point: a crash or a refused input at any
moment leaves the previous index whole and in use. Older generations are removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .config import Config
from .errors import IndexMismatchError, IndexMissingError
from .lexical import BM25
from .store import FaissStore, VectorStore
from .types import Chunk, Document, Sentence

FORMAT = "rag-index/1"
MANIFEST = "manifest.json"


@dataclass
class Index:
    """Everything retrieval and answering read, loaded once per process."""

    folder: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_sentences: list[np.ndarray]  # sentence ids of each chunk, in order
    dense: VectorStore
    sentence_store: VectorStore
    bm25: BM25
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived, e.g. calibration


def write_index(
    folder: Path,
    cfg: Config,
    *,
    documents: list[Document],
    chunks: list[Chunk],
    sentences: list[Sentence],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    bm25: BM25,
    sources: dict[str, str],
    extra: dict,
) -> dict:
    """Write every part into a new generation, then commit it by replacing the manifest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    gen = f"gen-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    part = folder / f".{gen}.partial"
    part.mkdir()
    try:
        _write_parts(part, documents, chunks, sentences, chunk_vectors, sentence_vectors, bm25)
        os.replace(part, folder / gen)
    finally:
        shutil.rmtree(part, ignore_errors=True)  # gone after the rename; only a failure leaves it
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "generation": gen,
        "settings": cfg.index_settings(),
        "versions": _versions(),
        "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)},
        "files": {p.relative_to(folder / gen).as_posix(): _digest(p) for p in sorted((folder / gen).rglob("*")) if p.is_file()},
        "sources": sources,
        **extra,
    }
    _atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    for old in folder.glob("gen-*"):  # only now is it safe to drop what the old manifest named
        if old.name != gen:
            shutil.rmtree(old, ignore_errors=True)
    return manifest


def _write_parts(part, documents, chunks, sentences, chunk_vectors, sentence_vectors, bm25) -> None:
    _write_jsonl(part / "documents.jsonl", (asdict(d) for d in documents))
    sent_ids = _sentence_ids(chunks, sentences)
    _write_jsonl(part / "chunks.jsonl", ({**asdict(c), "sentence_ids": s} for c, s in zip(chunks, sent_ids)))
    _write_jsonl(part / "sentences.jsonl", (asdict(s) for s in sentences))
    FaissStore(chunk_vectors).save(part / "chunks.faiss")
    FaissStore(sentence_vectors).save(part / "sentences.faiss")
    bm25.save(part / "bm25")


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise IndexMissingError(f"no index in {folder}: build it with `rag index`")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise IndexMismatchError(f"{path} is unreadable ({err}): rebuild with `rag index`") from None
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(f"{folder} holds an index of format {manifest.get('format')!r}, not {FORMAT!r}: rebuild with `rag index`")
    return manifest


def check_settings(manifest: dict, cfg: Config, folder: Path) -> None:
    """Refuse an index built with other settings than `cfg` asks for, naming the first difference."""
    built, wanted = manifest.get("settings", {}), cfg.index_settings()
    for key in wanted:
        if built.get(key) != wanted[key]:
            raise IndexMismatchError(
                f"the index in {folder} was built with {key}={built.get(key)!r} but {key}={wanted[key]!r} "
                f"is configured: rebuild with `rag index` or use the same settings"
            )


def open_index(cfg: Config) -> Index:
    folder = Path(cfg.index_dir)
    manifest = read_manifest(folder)
    check_settings(manifest, cfg, folder)
    gen = folder / manifest["generation"]
    for name, meta in manifest["files"].items():
        path = gen / name
        if not path.exists() or path.stat().st_size != meta["bytes"] or _digest(path) != meta:
            raise IndexMismatchError(f"index file {path} is missing or damaged: rebuild with `rag index`")
    try:
        return _load(folder, gen, manifest)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:  # faiss raises RuntimeError
        raise IndexMismatchError(f"the index in {folder} cannot be read ({err}): rebuild with `rag index`") from None


def _load(folder: Path, gen: Path, manifest: dict) -> Index:
    documents = {d["doc_id"]: Document(**{**d, "removed": tuple(d["removed"])}) for d in _read_jsonl(gen / "documents.jsonl")}
    chunks, chunk_sentences = [], []
    for row in _read_jsonl(gen / "chunks.jsonl"):
        chunk_sentences.append(np.asarray(row.pop("sentence_ids"), dtype=np.int64))
        chunks.append(Chunk(**{**row, "sentences": tuple(tuple(s) for s in row["sentences"])}))
    sentences = [Sentence(**row) for row in _read_jsonl(gen / "sentences.jsonl")]
    return Index(
        folder=folder,
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        sentences=sentences,
        chunk_sentences=chunk_sentences,
        dense=FaissStore.open(gen / "chunks.faiss"),
        sentence_store=FaissStore.open(gen / "sentences.faiss"),
        bm25=BM25.open(gen / "bm25", manifest["settings"]["bm25_stemmer"]),
    )


def _sentence_ids(chunks: list[Chunk], sentences: list[Sentence]) -> list[list[int]]:
    by_span = {(s.doc_id, s.start, s.end): s.sentence_id for s in sentences}
    return [[by_span[(c.doc_id, s, e)] for s, e in c.sentences] for c in chunks]


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("rag", "faiss-cpu", "sentence-transformers", "torch", "transformers", "bm25s", "tiktoken", "pysbd"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def _digest(path: Path) -> dict:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _atomic_write(path: Path, text: str) -> None:
    tmp = Path(f"{path}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _write_jsonl(path: Path, rows) -> None:
    _atomic_write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _read_jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
