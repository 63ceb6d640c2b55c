"""BEIR folder -> documents, queries, qrels.

A BEIR folder holds `corpus.jsonl`, `queries.jsonl` and `qrels/{split}.tsv`:

>>> ds = load_beir("/work/shared/data/scifact")  # doctest: +SKIP
>>> len(ds.documents), len(ds.queries)  # doctest: +SKIP
(5183, 300)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError
from rag.types import Document


@dataclass(frozen=True)
class BeirDataset:
    """One benchmark split: the corpus, the judged queries and their relevance grades.

    >>> BeirDataset("toy", [], {"q1": "why?"}, {"q1": {"d1": 1}}).qrels["q1"]["d1"]
    1
    """

    name: str
    documents: list[Document]
    queries: dict[str, str]  # query id -> text, only queries that have qrels, in qrels order
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> grade (0 = judged not relevant)


def load_beir(path, *, split: str = "test", max_queries: int | None = None) -> BeirDataset:
    """Load a BEIR folder; keep only judged queries (BEIR scores those only), in qrels file order.

    `max_queries` keeps the first N judged queries, for quick runs. Judged query ids that
    `queries.jsonl` does not know are dropped; qrels may name documents missing from the
    corpus and are kept as they are (they still count as relevant, as in trec_eval).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: BEIR folder not found.")
    if max_queries is not None and max_queries < 1:
        raise InputError(f"max_queries must be at least 1, got {max_queries}.")

    documents = _read_corpus(_require(folder / "corpus.jsonl"))
    if not documents:
        raise InputError(f"{folder / 'corpus.jsonl'}: no documents in the corpus.")
    all_queries = {qid: rec.get("text") or "" for qid, rec, _ in _records(_require(folder / "queries.jsonl"))}
    qrels_path = _require(folder / "qrels" / f"{split}.tsv")
    all_qrels = _read_qrels(qrels_path)

    # dicts keep insertion order, so this is qrels file order (first mention of each query).
    qrels = {qid: judged for qid, judged in all_qrels.items() if qid in all_queries}
    if not qrels:
        raise InputError(f"{qrels_path}: the qrels name no query that is in queries.jsonl.")
    if max_queries is not None:
        qrels = dict(list(qrels.items())[:max_queries])
    queries = {qid: all_queries[qid] for qid in qrels}
    return BeirDataset(name=folder.name, documents=documents, queries=queries, qrels=qrels)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"{path}: file not found (a BEIR folder needs corpus.jsonl, queries.jsonl, qrels/<split>.tsv).")
    return path


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, line without its line end); a non-UTF-8 file is the user's to fix."""
    try:
        with path.open(encoding="utf-8-sig") as fh:  # -sig drops a BOM; universal newlines turn CRLF into "\n"
            for lineno, line in enumerate(fh, start=1):
                yield lineno, line.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from None


def _records(path: Path) -> Iterator[tuple[str, dict, int]]:
    """(`_id` as a string, the record, line number) for each non-blank JSONL line."""
    for lineno, line in _lines(path):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: not valid JSON ({exc.msg}).") from None
        if not isinstance(rec, dict):
            raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(rec).__name__}.")
        raw_id = rec.get("_id")
        # Some BEIR exports write numeric ids; qrels ids are always text, so compare as text.
        if raw_id is None or str(raw_id).strip() == "":
            raise InputError(f"{path}:{lineno}: record has no \"_id\".")
        for field in ("title", "text"):
            if rec.get(field) is not None and not isinstance(rec[field], str):
                raise InputError(f"{path}:{lineno}: \"{field}\" must be a string.")
        yield str(raw_id), rec, lineno


def _read_corpus(path: Path) -> list[Document]:
    documents: list[Document] = []
    seen: set[str] = set()
    for doc_id, rec, lineno in _records(path):
        # A repeated id would make qrels ambiguous; BEIR silently keeps the last one.
        if doc_id in seen:
            raise InputError(f"{path}:{lineno}: duplicate document _id {doc_id!r}.")
        seen.add(doc_id)
        documents.append(Document(doc_id=doc_id, title=rec.get("title") or "", text=rec.get("text") or ""))
    return documents


def _read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """`query-id<TAB>corpus-id<TAB>score` rows; the header line is skipped when present."""
    qrels: dict[str, dict[str, int]] = {}
    for lineno, line in _lines(path):
        if not line.strip():
            continue
        fields = line.split("\t")
        if lineno == 1 and fields[0].strip() == "query-id":
            continue
        if len(fields) != 3 or not fields[0].strip() or not fields[1].strip():
            raise InputError(f"{path}:{lineno}: expected 'query-id<TAB>corpus-id<TAB>score', got {line[:60]!r}.")
        try:
            grade = int(fields[2])
        except ValueError:
            raise InputError(f"{path}:{lineno}: score must be an integer, got {fields[2]!r}.") from None
        qrels.setdefault(fields[0].strip(), {})[fields[1].strip()] = grade
    return qrels
