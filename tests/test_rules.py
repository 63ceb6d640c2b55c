"""rag/rules.py: the refusals that need no model, on hand-made evidence (no index, no model)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.evidence import FEATURES, Evidence
from rag.question import analyze
from rag.rules import rule_out


def _evidence(typed, typed_about):
    X = np.zeros((len(typed), len(FEATURES)))
    X[:, FEATURES.index("typed")] = typed
    X[:, FEATURES.index("typed_about")] = typed_about
    return Evidence(np.arange(len(X)), np.zeros(len(X), dtype=np.int64), X)


@pytest.mark.parametrize(
    "question, typed, typed_about, scores, reason",
    [
        ("Why did the talks fail?", [0, 0], [0, 0], [1.0, 0.0], ""),  # no kind asked: no rule
        ("Who signed the bill?", [0, 0, 0], [0, 0, 0], [3.0, 2.0, 1.0], "no sentence found holds the person asked for"),
        ("Who signed the bill?", [0, 0, 1], [0, 0, 0], [3.0, 2.0, 1.0], ""),  # a person, and who is not a figure
        # only the three best sentences count
        ("Who signed the bill?", [0, 0, 0, 1], [0, 0, 0, 1], [3.0, 2.0, 1.0, 0.0], "no sentence found holds the person asked for"),
        ("How many people came to Lyon?", [1, 0], [0, 0], [1.0, 0.0], "no number found is said of lyon"),
        ("How many people came to Lyon?", [1, 0], [1, 0], [1.0, 0.0], ""),
        ("When did Lisbon vote in 2019?", [1], [0], [1.0], "no date found is said of lisbon, 2019"),
    ],
)
def test_rule_out(question, typed, typed_about, scores, reason):
    assert rule_out(analyze(question), _evidence(typed, typed_about), np.array(scores)) == reason


@pytest.mark.parametrize(
    "question, reason",
    [
        ("How many people came to Lyon?", "the sentence that answers best gives no number"),
        ("How much did the bridge cost?", "the sentence that answers best gives no money"),
        ("When did Lyon vote?", ""),  # a date may be told in words the recognizer misses
        ("In what year did Lyon vote?", "the sentences that answer best give no date in the calendar"),
        ("Who is the mayor of Lyon?", "the sentence that answers best names no one"),
        ("What was the name of the bridge's architect?", "the sentence that answers best names no one"),
        ("Who signed the bill?", ""),
    ],
)
def test_a_figure_is_not_answered_by_a_first_sentence_without_one(question, reason):
    ev = _evidence([1, 1], [1, 1])  # some sentence holds one, but not the one to be quoted first
    assert rule_out(analyze(question), ev, np.array([1.0, 0.0]), first_typed=False) == reason



@pytest.mark.parametrize(
    "question, about, reason",
    [
        ("Who is the mayor of Lyon?", False, "the sentence that answers best names no one of lyon"),
        ("Who is the mayor of Lyon?", True, ""),
        ("Who signed the bill in Lyon?", False, ""),  # not asked by role: the rule does not read it
    ],
)
def test_a_role_is_answered_by_a_sentence_about_what_it_is_of(question, about, reason):
    # "Who is the president of Serbia?" is not answered by a sentence on the Commission's president
    ev = _evidence([1], [1])
    assert rule_out(analyze(question), ev, np.array([1.0]), first_about=about) == reason


@pytest.mark.parametrize(
    "question, reason",
    [
        ("What is the population of Lyon?", "the articles never mention population"),
        ("What is the current price of bread in Lyon?", ""),  # "price" is a term of the articles
        ("What is the number of bakers in Lyon?", ""),  # "number" names no attribute: "40 bakers" gives it
    ],
)
def test_a_figure_of_an_attribute_no_article_names_is_not_answered(question, reason):
    from rag.evidence import Terms

    terms = Terms({"price", "bread", "lyon", "baker"})
    ev = _evidence([1], [1])
    assert rule_out(analyze(question), ev, np.array([1.0]), terms=terms) == reason


@pytest.mark.parametrize(
    "question, first_typed, reason",
    [
        ("Who else was at the summit? (Anna Berg)", False, "the sentence that answers best names no other person"),
        ("Who else was at the summit? (Anna Berg)", True, ""),
        ("What other cities did the mayors visit?", False, ""),  # "other": may be answered in other words
    ],
)
def test_who_else_is_not_answered_by_a_sentence_naming_no_one_new(question, first_typed, reason):
    ev = _evidence([1], [1])
    assert rule_out(analyze(question), ev, np.array([1.0]), first_typed=first_typed) == reason
