"""Documents + the previous index -> the next index's chunks and sentences under stable ids, and what changed.

A document whose title and text are those of the previous index keeps its chunks, its sentences
and their ids, so their vectors stay in the stores untouched; any other document is chunked anew
under new ids (its unchanged sentences still find their vectors in the vector cache). Rows follow
the corpus order, as a fresh build lays them out, so an incremental index answers as a fresh one.

Why compare cleaned text rather than files: cleaning drops lines repeated across articles, so a
new or changed file can change another, unchanged file's cleaned text. Such a document is
`redone`, and the report says so.

>>> from rag.types import Document
>>> docs = [Document("a", "T", "One two. Three four.")]
>>> p = plan(docs, {"a": "h1"}, None, chunk_tokens=200, overlap=40, encoding="cl100k_base", model=None)
>>> p.changes.added, p.chunk_uids.tolist(), p.sentence_uids.tolist(), p.next_ids
(('a',), [0], [0, 1], {'chunks': 1, 'sentences': 2})
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from .chunk import chunk_documents
from .types import Chunk, Document, Sentence


@dataclass(frozen=True)
class Changes:
    """Documents by what happened to them (doc ids, in corpus order)."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # the file changed
    removed: tuple[str, ...] = ()  # the file is gone, or has no text left
    redone: tuple[str, ...] = ()  # the file did not change, its cleaned text did (lines repeated across articles, a new rule)
    unchanged: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    changes: Changes
    chunks: list[Chunk]  # chunk_id = row
    chunk_uids: np.ndarray  # row -> stable id
    sentences: list[Sentence]
    sentence_uids: np.ndarray
    new_chunks: np.ndarray  # rows whose vectors the previous store lacks
    new_sentences: np.ndarray
    gone_chunks: np.ndarray  # stable ids to delete from the previous store
    gone_sentences: np.ndarray
    next_ids: dict[str, int]  # the next unused stable ids (never reused)


def plan(docs: list[Document], sources: dict[str, str], prev, **chunking) -> Plan:
    """Lay out the next index of `docs` (all with text) over `prev` (a loaded Index, or None)."""
    old_docs = prev.documents if prev is not None else {}
    old_sources = prev.manifest["sources"] if prev is not None else {}
    keep = {d.doc_id for d in docs if d.doc_id in old_docs and (old_docs[d.doc_id].title, old_docs[d.doc_id].text) == (d.title, d.text)}
    known = [d.doc_id for d in docs if d.doc_id in old_docs]
    same_file = {i for i in known if old_sources.get(i) == sources.get(i)}
    changes = Changes(
        added=tuple(d.doc_id for d in docs if d.doc_id not in old_docs),
        changed=tuple(i for i in known if i not in same_file),
        removed=tuple(sorted(set(old_docs) - {d.doc_id for d in docs})),
        redone=tuple(i for i in known if i in same_file and i not in keep),
        unchanged=tuple(i for i in known if i in same_file and i in keep),
    )
    next_ids = _next_ids(prev)
    old_chunks: dict[str, list] = defaultdict(list)
    old_sentences: dict[tuple, int] = {}
    if prev is not None:
        for c, uid in zip(prev.chunks, prev.dense.uids.tolist()):
            if c.doc_id in keep:
                old_chunks[c.doc_id].append((c, uid))
        for s, uid in zip(prev.sentences, prev.sentence_store.uids.tolist()):
            if s.doc_id in keep:
                old_sentences[(s.doc_id, s.start, s.end)] = uid
    todo = [d for d in docs if d.doc_id not in keep]
    for c in chunk_documents(todo, **chunking) if todo else []:
        old_chunks[c.doc_id].append((c, None))
    chunks, chunk_uids, new_chunks = [], [], []
    for d in docs:
        for c, uid in old_chunks[d.doc_id]:
            if uid is None:
                uid, next_ids["chunks"] = next_ids["chunks"], next_ids["chunks"] + 1
                new_chunks.append(len(chunks))
            chunks.append(replace(c, chunk_id=len(chunks)))
            chunk_uids.append(uid)
    sentences = sentences_of(chunks, docs)
    sentence_uids, new_sentences = [], []
    for s in sentences:
        uid = old_sentences.get((s.doc_id, s.start, s.end))
        if uid is None:
            uid, next_ids["sentences"] = next_ids["sentences"], next_ids["sentences"] + 1
            new_sentences.append(s.sentence_id)
        sentence_uids.append(uid)
    chunk_uids, sentence_uids = np.array(chunk_uids, dtype=np.int64), np.array(sentence_uids, dtype=np.int64)
    none = np.zeros(0, dtype=np.int64)
    return Plan(
        changes=changes,
        chunks=chunks,
        chunk_uids=chunk_uids,
        sentences=sentences,
        sentence_uids=sentence_uids,
        new_chunks=np.array(new_chunks, dtype=np.int64),
        new_sentences=np.array(new_sentences, dtype=np.int64),
        gone_chunks=np.setdiff1d(prev.dense.uids, chunk_uids) if prev is not None else none,
        gone_sentences=np.setdiff1d(prev.sentence_store.uids, sentence_uids) if prev is not None else none,
        next_ids=next_ids,
    )


def _next_ids(prev) -> dict[str, int]:
    """Ids are never reused: the manifest keeps the next free ones (older ones: past the largest)."""
    if prev is None:
        return {"chunks": 0, "sentences": 0}
    saved = prev.manifest.get("next_ids", {})
    out = {}
    for name, view in (("chunks", prev.dense), ("sentences", prev.sentence_store)):
        largest = int(view.uids.max()) + 1 if len(view.uids) else 0
        out[name] = max(largest, int(saved.get(name, 0)) if isinstance(saved.get(name), int) else 0)
    return out


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
