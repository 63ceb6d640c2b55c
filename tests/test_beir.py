"""Tests for eval.beir: a tiny BEIR folder written under tmp_path -> exact loaded values and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.beir import BeirDataset, load_beir
from rag.errors import InputError
from rag.types import Document

CORPUS = [
    {"_id": "d1", "title": "Cats", "text": "Cats purr.", "metadata": {"year": 2001}},
    {"_id": "d2", "title": "", "text": "Dogs bark."},
    {"_id": 3, "title": None, "text": "Numeric id."},  # some exports write numeric ids
    {"_id": "d4", "title": "Birds", "text": "Birds sing."},
]
QUERIES = [
    {"_id": "q1", "text": "Do cats purr?"},
    {"_id": "q2", "text": "Do dogs bark?"},
    {"_id": "q3", "text": "Unjudged query."},
]
# q2 comes first on purpose: queries must follow qrels file order, not queries.jsonl order.
QRELS = "query-id\tcorpus-id\tscore\r\nq2\td2\t1\r\nq1\td1\t2\r\nq1\t3\t0\r\n"


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def beir_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "toy"
    (folder / "qrels").mkdir(parents=True)
    _write_jsonl(folder / "corpus.jsonl", CORPUS)
    _write_jsonl(folder / "queries.jsonl", QUERIES)
    (folder / "qrels" / "test.tsv").write_bytes(QRELS.encode())
    return folder


def test_loads_exact_values(beir_dir: Path) -> None:
    ds = load_beir(beir_dir)
    assert ds == BeirDataset(
        name="toy",
        documents=[
            Document(doc_id="d1", title="Cats", text="Cats purr."),
            Document(doc_id="d2", title="", text="Dogs bark."),
            Document(doc_id="3", title="", text="Numeric id."),
            Document(doc_id="d4", title="Birds", text="Birds sing."),
        ],
        queries={"q2": "Do dogs bark?", "q1": "Do cats purr?"},
        qrels={"q2": {"d2": 1}, "q1": {"d1": 2, "3": 0}},
    )
    assert list(ds.queries) == ["q2", "q1"]  # qrels file order; unjudged q3 dropped


def test_max_queries_keeps_first_judged(beir_dir: Path) -> None:
    ds = load_beir(beir_dir, max_queries=1)
    assert ds.queries == {"q2": "Do dogs bark?"}
    assert ds.qrels == {"q2": {"d2": 1}}
    assert len(ds.documents) == 4  # the corpus is never trimmed


def test_other_split_and_headerless_qrels(beir_dir: Path) -> None:
    (beir_dir / "qrels" / "dev.tsv").write_text("q1\td4\t1\n")
    ds = load_beir(beir_dir, split="dev")
    assert ds.qrels == {"q1": {"d4": 1}}  # no header: the first row is a judgment, not skipped


def test_unknown_query_ids_in_qrels_are_dropped(beir_dir: Path) -> None:
    with (beir_dir / "qrels" / "test.tsv").open("a") as fh:
        fh.write("q99\td1\t1\r\n")
    assert list(load_beir(beir_dir).qrels) == ["q2", "q1"]


def _rm(rel: str):
    return lambda d: (d / rel).unlink()


def _put(rel: str, content: str):
    return lambda d: (d / rel).write_text(content, encoding="utf-8")


ERROR_CASES = [
    ("missing corpus", _rm("corpus.jsonl"), "corpus.jsonl: file not found"),
    ("missing queries", _rm("queries.jsonl"), "queries.jsonl: file not found"),
    ("missing qrels", _rm("qrels/test.tsv"), "test.tsv: file not found"),
    ("bad json", _put("corpus.jsonl", '{"_id": "d1", "text": "x"}\n{"_id": "d2",\n'), "corpus.jsonl:2: not valid JSON"),
    ("bad json in queries", _put("queries.jsonl", "\n\nnot json\n"), "queries.jsonl:3: not valid JSON"),
    ("not an object", _put("corpus.jsonl", "[1, 2]\n"), "corpus.jsonl:1: expected a JSON object"),
    ("missing _id", _put("corpus.jsonl", '{"title": "t", "text": "x"}\n'), 'corpus.jsonl:1: record has no "_id"'),
    ("missing query _id", _put("queries.jsonl", '{"text": "x"}\n'), 'queries.jsonl:1: record has no "_id"'),
    ("text not a string", _put("corpus.jsonl", '{"_id": "d1", "text": 5}\n'), 'corpus.jsonl:1: "text" must be a string'),
    ("duplicate doc", _put("corpus.jsonl", '{"_id": "d1"}\n{"_id": "d1"}\n'), "corpus.jsonl:2: duplicate document _id"),
    ("empty corpus", _put("corpus.jsonl", "\n"), "corpus.jsonl: no documents"),
    ("short qrels row", _put("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\n"), "test.tsv:2: expected 'query-id"),
    ("bad score", _put("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\thigh\n"), "test.tsv:3: score must be an integer"),
    ("no known query", _put("qrels/test.tsv", "query-id\tcorpus-id\tscore\nqX\td1\t1\n"), "name no query"),
    ("not utf-8", lambda d: (d / "corpus.jsonl").write_bytes(b'{"_id": "\xff"}\n'), "corpus.jsonl: not UTF-8"),
]


@pytest.mark.parametrize("case, mutate, expected", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_are_one_line_input_errors(beir_dir: Path, case, mutate, expected: str) -> None:
    mutate(beir_dir)
    with pytest.raises(InputError) as info:
        load_beir(beir_dir)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="BEIR folder not found"):
        load_beir(tmp_path / "nope")


def test_missing_split(beir_dir: Path) -> None:
    with pytest.raises(InputError, match=r"dev\.tsv: file not found"):
        load_beir(beir_dir, split="dev")


def test_bad_max_queries(beir_dir: Path) -> None:
    with pytest.raises(InputError, match="max_queries"):
        load_beir(beir_dir, max_queries=0)
