"""eval/news.py: a folder of articles with questions written for it, scored through `rag.answer`."""

from __future__ import annotations

import json

import pytest

from eval.news import load_set, run_news, sets_in
from rag.cli import main
from rag.errors import InputError

FERRY = """Ferry line cuts winter sailings

KIRKWALL, Oct. 2 - Northlink Isles said on Tuesday it would cut its winter sailings between Kirkwall and Lerwick from six a week to four.

The company's chief executive, Morag Flett, said fuel costs had risen by 18 percent in a year.

The cuts will start on Nov. 4 and last until March.
"""

QUESTIONS = [
    {"id": "A01", "type": "answerable", "article": "ferry.txt", "question": "How much have fuel costs risen in a year?",
     "expected": "18 percent"},
    {"id": "A02", "type": "answerable", "article": "ferry.txt", "question": "When will the ferry cuts start?",
     "expected": "Nov. 4"},
    {"id": "U01", "type": "unanswerable", "article": "ferry.txt", "question": "What is the capital of Peru?", "expected": None},
    {"id": "C01", "type": "conversation", "article": "ferry.txt", "turns": [
        {"question": "Who is the chief executive of Northlink Isles?", "expected": "Morag Flett"},
        {"question": "And when will the cuts start?", "expected": "Nov. 4"}]},
]


def make_set(folder, questions=QUESTIONS):
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "ferry.txt").write_text(FERRY, encoding="utf-8")
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions), encoding="utf-8")
    return folder


def test_a_conversation_is_two_rows_and_an_unanswerable_question_has_no_answer(tmp_path):
    rows = load_set(make_set(tmp_path / "ferries"))
    assert [(r["id"], r["answerable"], r["follows"]) for r in rows] == [
        ("A01", True, False), ("A02", True, False), ("U01", False, False), ("C01.1", True, False), ("C01.2", True, True)]


def test_a_folder_of_sets_is_every_set_in_it(tmp_path):
    make_set(tmp_path / "all" / "b"), make_set(tmp_path / "all" / "a")
    assert [p.name for p in sets_in([tmp_path / "all"])] == ["a", "b"]
    with pytest.raises(InputError, match="no questions.jsonl"):
        sets_in([tmp_path / "nowhere"])


@pytest.mark.parametrize("line", ['{"type": "answerable"}', "not json", '{"type": "conversation", "article": "a", "turns": []}'])
def test_a_malformed_question_is_a_one_line_error(tmp_path, line):
    folder = make_set(tmp_path / "bad")
    (folder / "questions.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"questions.jsonl:1: not a question"):
        load_set(folder)


def test_every_question_goes_through_the_real_answerer(tmp_path):
    """Hand-checkable: the article names the chief executive, the start date and the rise in
    fuel costs; it says nothing of Peru. The follow-up is asked after the first turn's answer."""
    m = run_news([make_set(tmp_path / "ferries")], _config(), tmp_path / "indexes")
    assert m["questions"] == {"answerable": 4, "unanswerable": 1}
    assert m["right"] == 1.0 and m["cited"] == 1.0 and m["refused"] == 1.0, m["failures"]
    assert m["sets"]["ferries"]["right"] == 1.0
    assert len(list((tmp_path / "indexes").iterdir())) == 1  # the set's index, kept where it was told


def test_cli_eval_news_json_and_its_error(tmp_path, capsys):
    folder = make_set(tmp_path / "ferries")
    assert main(["eval", "--news", str(folder), "--beir-index", str(tmp_path / "ix"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["right"] == 1.0 and set(out["sets"]) == {"ferries"}
    assert main(["eval", "--news", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no questions.jsonl") and len(err.splitlines()) == 1


def _config():
    import rag

    return rag.Config.load(progress=False)
