"""Built parts -> an index folder that describes itself; an index folder -> a loaded `Index`.

Layout (plain files, no pickle):

    index/manifest.json          settings, model, versions, per-file hashes, counts (rag.manifest)
    index/<generation>/          documents.jsonl chunks.jsonl sentences.jsonl
                                 chunks.faiss sentences.faiss bm25/
    index/vectors/               the vector cache, shared by generations (rag.vcache)
    index/lock                   the writer's lock (rag.lock); readers never take it

A build writes a fresh generation folder (an incremental one starts its stores from the previous
generation's), then replaces `manifest.json` atomically (temporary name, then rename). The
manifest is the single commit point: a crash, a `kill -9` or a refused input at any moment leaves
the previous index whole and in use. Older generations are removed afterwards, and what a killed
build left behind (a `.gen-*.partial` folder, a `manifest.json.tmp*` file, a generation the
manifest never named) by the next build, which holds the lock and so knows no other is writing.

Chunks and sentences are stored under stable ids (`uid` in the JSONL files, the ids in the
stores); a loaded `Index` counts in rows, and `RowView` translates (see rag.rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .config import Config
from .errors import IndexMismatchError, IndexMissingError
from .lexical import BM25
from .manifest import FORMAT, MANIFEST, check_settings, outdated_corpus, read_manifest  # noqa: F401 (re-exported)
from .rows import RowView
from .types import Chunk, Document, Sentence

log = logging.getLogger(__name__)


@dataclass
class Index:
    """Everything retrieval and answering read, loaded once per process."""

    folder: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]  # chunk_id = row
    sentences: list[Sentence]  # sentence_id = row
    chunk_sentences: list[np.ndarray]  # sentence rows of each chunk, in order
    dense: RowView
    sentence_store: RowView
    bm25: BM25
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived, e.g. calibration


def store_file(name: str, kind: str) -> str:
    """The file a store of `kind` is saved as: FAISS writes its index, Milvus a small pointer."""
    return f"{name}.milvus.json" if kind == "milvus" else f"{name}.faiss"


def write_index(
    folder: Path,
    cfg: Config,
    *,
    documents: list[Document],
    chunks: list[Chunk],
    sentences: list[Sentence],
    chunk_uids: np.ndarray,
    sentence_uids: np.ndarray,
    stores: dict,  # {"chunks": VectorStore, "sentences": VectorStore}, holding exactly those uids
    bm25: BM25,
    sources: dict[str, str],
    extra: dict,
) -> dict:
    """Write every part into a new generation, then commit it by replacing the manifest.
    The caller holds the index lock (rag.lock)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    gen = f"gen-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    part = folder / f".{gen}.partial"
    part.mkdir()
    try:
        _write_jsonl(part / "documents.jsonl", (asdict(d) for d in documents))
        rows = _sentence_rows(chunks, sentences)
        _write_jsonl(part / "chunks.jsonl", ({**asdict(c), "uid": int(u), "sentence_ids": s}
                                             for c, u, s in zip(chunks, chunk_uids, rows)))
        _write_jsonl(part / "sentences.jsonl", ({**asdict(s), "uid": int(u)} for s, u in zip(sentences, sentence_uids)))
        for name, store in stores.items():
            store.save(part / store_file(name, store.kind))
        bm25.save(part / "bm25")
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
        "stores": {name: store.kind for name, store in stores.items()},
        "files": {p.relative_to(folder / gen).as_posix(): _digest(p) for p in sorted((folder / gen).rglob("*")) if p.is_file()},
        "sources": sources,
        **extra,
    }
    _atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    for old in folder.glob("gen-*"):  # only now is it safe to drop what the old manifest named
        if old.name != gen:
            if any(old.glob("*.milvus.json")):  # its Milvus collections, unless the new one kept them
                from .milvus_store import drop_unused

                drop_unused(old, folder / gen, cfg)
            shutil.rmtree(old, ignore_errors=True)
    return manifest


def remove_leftovers(folder: Path) -> list[str]:
    """Remove what killed builds left in `folder`: `.gen-*.partial` folders, `manifest.json.tmp*`
    files, and generation folders the manifest does not name (renamed, never committed).
    Returns their names.

    Only a build holding the index lock may call this: the lock proves that no other build is
    writing (a killed one's lock went with its process), so nothing removed can be in use by a
    writer; readers only open the generation the manifest names, which is kept. Names are matched
    exactly and links are removed as links, never followed.
    """
    folder, removed = Path(folder), []
    try:
        current = read_manifest(folder)["generation"]
    except (IndexMissingError, IndexMismatchError):  # keep every generation for a human to look at
        current = None
    leftovers = [*folder.glob(".gen-*.partial"), *folder.glob(f"{MANIFEST}.tmp*")]
    if current is not None:
        leftovers += [p for p in folder.glob("gen-*") if p.name != current]
    for path in sorted(leftovers):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:  # not ours to remove
            continue
        log.info("removed %s, left by a build that did not finish", path.name)
        removed.append(path.name)
    return removed


def verify(folder: Path, manifest: dict) -> None:
    """Every file the manifest lists is there with its size and SHA-256, or IndexMismatchError."""
    gen = Path(folder) / manifest["generation"]
    for name, meta in manifest["files"].items():
        path = gen / name
        if not path.exists() or path.stat().st_size != meta["bytes"] or _digest(path) != meta:
            raise IndexMismatchError(f"index file {path} is missing or damaged: rebuild with `rag index`")


def open_index(cfg: Config) -> Index:
    folder = Path(cfg.index_dir)
    for attempt in (1, 2):
        manifest = read_manifest(folder)
        check_settings(manifest, cfg, folder)
        try:
            verify(folder, manifest)
            return _load(folder, folder / manifest["generation"], manifest, cfg)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, IndexMismatchError) as err:
            # A build may have committed a new generation and removed this one while we read it.
            if attempt == 1 and read_manifest(folder)["generation"] != manifest["generation"]:
                continue
            if isinstance(err, IndexMismatchError):
                raise
            raise IndexMismatchError(f"the index in {folder} cannot be read ({err}): rebuild with `rag index`") from None


def _load(folder: Path, gen: Path, manifest: dict, cfg: Config) -> Index:
    from .store import open_store

    documents = {d["doc_id"]: Document(**{**d, "removed": tuple(d["removed"])}) for d in _read_jsonl(gen / "documents.jsonl")}
    chunks, chunk_sentences, chunk_uids = [], [], []
    for r, row in enumerate(_read_jsonl(gen / "chunks.jsonl")):
        chunk_sentences.append(np.asarray(row.pop("sentence_ids"), dtype=np.int64))
        chunk_uids.append(row.pop("uid", r))  # an index built before stable ids: ids are rows
        chunks.append(Chunk(**{**row, "sentences": tuple(tuple(s) for s in row["sentences"])}))
    sentences, sentence_uids = [], []
    for r, row in enumerate(_read_jsonl(gen / "sentences.jsonl")):
        sentence_uids.append(row.pop("uid", r))
        sentences.append(Sentence(**row))
    views = {}
    for name, uids in (("chunks", chunk_uids), ("sentences", sentence_uids)):
        kind = manifest.get("stores", {}).get(name, "flat")
        store = open_store(gen / store_file(name, kind), kind, cfg)
        if len(store) != len(uids):
            raise ValueError(f"the {name} store holds {len(store)} vectors for {len(uids)} {name}")
        views[name] = RowView(store, np.asarray(uids, dtype=np.int64))
    return Index(
        folder=folder,
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        sentences=sentences,
        chunk_sentences=chunk_sentences,
        dense=views["chunks"],
        sentence_store=views["sentences"],
        bm25=BM25.open(gen / "bm25", manifest["settings"]["bm25_stemmer"]),
    )


def _sentence_rows(chunks: list[Chunk], sentences: list[Sentence]) -> list[list[int]]:
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
    """Write `text` to `path` whole or not at all: a failed write leaves the old file and no
    temporary one behind."""
    tmp = Path(f"{path}.tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_jsonl(path: Path, rows) -> None:
    _atomic_write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _read_jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
