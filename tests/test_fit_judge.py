"""Tests for eval.fit_judge's inputs: the extra fitting questions (`--extra`) and what the reader said (its cache)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.fit_judge import read_extra
from rag.errors import InputError

FIT = {"Normans", "Huguenot"}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "extra.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_extra_questions_are_read_in_order_blank_lines_skipped(tmp_path) -> None:
    path = _write(
        tmp_path,
        json.dumps({"article": "Normans", "question": "How many knights did Rollo bring?", "answerable": False}),
        "",
        json.dumps({"article": "Huguenot", "question": "Who paid for the first church?", "answerable": False, "absent": "never said"}),
    )
    rows = read_extra(path, FIT)
    assert [r["article"] for r in rows] == ["Normans", "Huguenot"] and rows[1]["absent"] == "never said"


@pytest.mark.parametrize(
    "line, message",
    [
        ("{ not json", r"extra.jsonl:1: not an object"),
        ("[1, 2]", r"extra.jsonl:1: not an object"),
        (json.dumps({"article": "Normans", "question": "Who?", "answerable": True}), "not an object with a question"),
        (json.dumps({"article": "Normans", "answerable": False}), "not an object with a question"),
        (json.dumps({"article": "Yuan_dynasty", "question": "Who?", "answerable": False}), "'Yuan_dynasty' is not one of the fitting"),
    ],
)
def test_a_bad_line_is_a_one_line_input_error_naming_it(tmp_path, line, message) -> None:
    with pytest.raises(InputError, match=message) as err:
        read_extra(_write(tmp_path, line), FIT)
    assert "\n" not in str(err.value)


def test_a_missing_file_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_extra(tmp_path / "nope.jsonl", FIT)


def test_what_the_reader_said_is_cached_and_not_asked_again(tmp_path, seed_config, seed_index) -> None:
    from eval.fit_judge import fit_reader
    from rag.align import features as aligned
    from rag.embed import embed
    from rag.asked_role import about_role
    from rag.generate import ExtractiveGenerator
    from rag.judge import load
    from rag.retrieve import retrieve

    gen = ExtractiveGenerator(seed_index, seed_config)
    asked = [("Who did Slovenia's interior minister host?", True), ("Where was the joint database agreed?", True),
             ("What is the population of Slovenia?", False), ("Who won the 1998 World Cup?", False)]
    vecs = embed([q for q, _ in asked], seed_config.embedder)
    rows = []
    for (q, ok), v in zip(asked, vecs):
        qi, ev = gen.evidence(q, v, retrieve(seed_index, q, v, seed_config))
        rows.append({"article": "a", "answerable": ok, "qi": qi, "ev": ev, "gold": np.full(len(ev.sentence_ids), ok),
                     "aligned": aligned(seed_index, qi, ev.sentence_ids, seed_config.embedder, seed_config.bm25_stemmer),
                     "role_about": np.array([about_role(seed_index, qi, s) for s in ev.sentence_ids.tolist()], dtype=bool)})
    j = load()
    model = {"sentence": j.sentence, "answerable": j.answerable, "threshold": j.threshold, "choice": j.choice,
             "shortlist": j.shortlist}

    class Scripted:  # says yes to the answerable questions: hand-checkable, and counts what it is asked
        def __init__(self):
            self.asked = 0

        def log_odds(self, question, sentence):
            self.asked += 1
            return 2.0 if dict(asked)[question] else -2.0

    cache, first, again = tmp_path / "said.json", Scripted(), Scripted()
    fitted = fit_reader(rows, model, {"a"}, seed_index, first, cache)
    assert first.asked >= 2 and len(json.loads(cache.read_text())) == first.asked
    assert fit_reader(rows, model, {"a"}, seed_index, again, cache) == fitted and again.asked == 0
    assert fitted["coef"][1] > 0  # the reader's yes is evidence of an answer


def test_the_choice_model_reads_the_shortlist_with_its_alignment_columns() -> None:
    from eval.fit_judge import quoting
    from rag.evidence import FEATURES, Evidence

    X = np.zeros((3, len(FEATURES)))
    X[:, 0] = [0.1, 0.9, 0.5]  # the shortlist ranks by the first feature only
    row = {"ev": Evidence(np.array([7, 8, 9]), np.zeros(3, dtype=np.int64), X), "gold": np.array([True, False, True]),
           "aligned": np.array([[1.0], [2.0], [3.0]]), "role_about": np.array([True, False, True])}
    shortlist = {"coef": [1.0] + [0.0] * (len(FEATURES) - 1), "intercept": 0.0, "size": 2}
    q = quoting(row, shortlist)
    assert q["ev"].sentence_ids.tolist() == [8, 9]  # the best two, in their order
    assert q["gold"].tolist() == [False, True]
    assert q["role_about"].tolist() == [False, True]  # and what `rule_out` reads of each, with them
    assert q["ev"].X[:, -1].tolist() == [2.0, 3.0] and q["ev"].X.shape == (2, len(FEATURES) + 1)
