"""Built parts -> an index folder that describes itself; an index folder -> a loaded `Index`.

Layout (plain files, no pickle):

    index/manifest.json          settings, model, versions, per-file hashes, counts
    index/<generation>/          documents.jsonl chunks.jsonl sentences.jsonl
                                 chunks.faiss sentences.faiss bm25/

A build writes a fresh generation folder, then replaces `manifest.json` atomically (temporary
name, then rename). The manifest is the single commit point: a crash or a refused input at any
moment leaves the previous index whole and in use. Older generations are removed afterwards, and
what a killed build left behind (a `.gen-*.partial` folder, a `manifest.json.tmp*` file) by a
later build, once it is stale (`remove_stale_partials`). A manifest edited by hand or cut short
is refused in one line (`IndexMismatchError`), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import time
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
STALE_SECONDS = 3600  # a build's leftovers untouched this long belong to a build that is gone

log = logging.getLogger(__name__)


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
    remove_stale_partials(folder)
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


def remove_stale_partials(folder: Path, older_than: float = STALE_SECONDS) -> list[str]:
    """Remove what killed builds left in `folder`: `.gen-*.partial` folders and `manifest.json.tmp*`
    files in which nothing was written for `older_than` seconds. Returns their names.

    Why by age and not by process id: there is no build lock yet, and an index folder may be
    shared by machines or containers with process ids of their own, where a live build's pid
    looks dead from here (or a dead one's pid has been reused); removing a live build's folder
    would fail that build. A build only has a partial folder while `write_index` writes it
    (seconds, minutes for a large corpus), and every file it writes there moves the newest
    modification time, so a partial folder untouched for an hour belongs to a build that is gone.
    """
    folder, now, removed = Path(folder), time.time(), []
    for path in sorted([*folder.glob(".gen-*.partial"), *folder.glob(f"{MANIFEST}.tmp*")]):
        try:
            inside = list(path.rglob("*")) if path.is_dir() and not path.is_symlink() else []
            newest = max(p.lstat().st_mtime for p in [path, *inside])
            if now - newest < older_than:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:  # gone meanwhile (another build cleaning up), or not ours to remove
            continue
        log.info("removed %s, left by a build that did not finish", path.name)
        removed.append(path.name)
    return removed


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise IndexMissingError(f"no index in {folder}: build it with `rag index`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexMismatchError(f"{path} is unreadable ({err}): rebuild with `rag index`") from None
    if isinstance(manifest, dict) and "format" in manifest and manifest["format"] != FORMAT:
        raise IndexMismatchError(f"{folder} holds an index of format {manifest.get('format')!r}, not {FORMAT!r}: rebuild with `rag index`")
    problem = _manifest_problem(manifest)
    if problem:
        raise IndexMismatchError(f"{path} is damaged ({problem}): rebuild with `rag index`")
    return manifest


_GENERATION = re.compile(r"gen-[0-9A-Za-z-]+")
_REQUIRED = {"format": str, "generation": str, "settings": dict, "counts": dict, "files": dict, "sources": dict}


def _json_kind(value) -> str:
    """'an object', 'an array', 'a string'...: a JSON value's kind, as a user editing the file sees it."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _manifest_problem(manifest) -> str | None:
    """What makes `manifest` unusable (a key missing, a value of the wrong kind), or None."""
    if not isinstance(manifest, dict):
        return f"it holds {_json_kind(manifest)}, not an object"
    for key, kind in _REQUIRED.items():
        if key not in manifest:
            return f"no {key!r}"
        if not isinstance(manifest[key], kind):
            return f"{key!r} is {_json_kind(manifest[key])}, not {_json_kind(kind())}"
    if not _GENERATION.fullmatch(manifest["generation"]):
        return f"'generation' is not a generation folder name: {manifest['generation'][:60]!r}"
    for key in ("documents", "chunks", "sentences"):
        if not isinstance(manifest["counts"].get(key), int):
            return f"'counts' has no number of {key}"
    for name, meta in manifest["files"].items():
        if Path(name).is_absolute() or ".." in Path(name).parts:
            return f"'files' names a file outside the index: {name[:60]!r}"
        if not (isinstance(meta, dict) and isinstance(meta.get("bytes"), int) and isinstance(meta.get("sha256"), str)):
            return f"'files' lacks the size or hash of {name[:60]!r}"
    return None


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
