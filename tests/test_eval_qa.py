"""The seed evaluation through `rag eval`'s runner: the issue's targets are regression guards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.qa import format_table, load_questions, run_qa
from rag.errors import InputError

SET = Path(__file__).resolve().parent.parent / "eval" / "seeds.jsonl"


def test_the_seed_set_is_well_formed():
    rows = load_questions(SET)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    assert len(answerable) >= 40 and len(unanswerable) >= 10
    assert sum(r["kind"] == "on-topic" for r in unanswerable) >= len(unanswerable) / 2
    seeds = SET.parent.parent / "seeds"
    for r in answerable:
        assert r["evidence"] in (seeds / r["gold"]).read_text(encoding="utf-8")


def test_seed_evaluation_meets_the_targets(seed_config):
    m = run_qa(SET, seed_config)
    assert m["gold_cited"] >= 0.95
    assert m["accuracy"] >= 0.85
    assert m["abstention_recall"] >= 0.90
    assert m["wrongly_refused"] <= 0.05
    table = format_table(m)
    for label in ("gold article at rank 1", "MRR", "answer accuracy", "abstention precision", "latency p50"):
        assert label in table
    json.dumps(m)


def test_metrics_on_a_hand_made_set(seed_config, tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text(
        json.dumps({"id": "a", "question": "In which city did the Balkan ministers meet to agree on a joint database?",
                    "answerable": True, "gold": "003_d7e33aac75d08225.txt", "must_contain": ["Sarajevo"]}) + "\n"
        + json.dumps({"id": "b", "question": "How many moons does Jupiter have?", "answerable": False, "kind": "off-topic"}) + "\n"
    )
    m = run_qa(path, seed_config)
    assert (m["gold@1"], m["accuracy"], m["abstention_precision"], m["abstention_recall"]) == (1.0, 1.0, 1.0, 1.0)
    assert m["failures"] == []


@pytest.mark.parametrize("text, expected", [("", "holds no questions"), ("{not json\n", "tiny.jsonl:1"), ('{"q": 1}\n', "tiny.jsonl:1")])
def test_bad_question_sets(tmp_path, text, expected):
    path = tmp_path / "tiny.jsonl"
    path.write_text(text)
    with pytest.raises(InputError, match=expected):
        load_questions(path)
