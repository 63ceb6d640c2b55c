"""rag.shapes: a figure asked for at a rate, and "When ...?" told in any words of time."""

from __future__ import annotations

import pytest

from rag.shapes import says_when, states_rate


@pytest.mark.parametrize("text, says", [
    ("Simon Adeyemi, the chief executive, said the company accepted the findings.", False),
    ("Committees are set up at the beginning of each session.", True),
    ("Members vote after a general debate.", True),
    ("The bridge opened in 1962.", True),
    ("It reopened on Monday.", True),
])
def test_a_sentence_says_when_by_a_date_or_any_word_of_time(text, says):
    assert says_when(text) is says


@pytest.mark.parametrize("question, sentence, states", [
    ("How much will he earn per week?", "He joined for a fee of 42 million euros.", False),
    ("How much will he earn per week?", "He earns 90,000 pounds a week.", True),
    ("How much does the plant make each year?", "It makes 2,400 tonnes annually.", True),
    ("How much will each fisherman get?", "The fund holds 6 million pounds.", False),
    ("How much will each fisherman get?", "Fishermen get 20,000 pounds each.", True),
    ("How much did the fund hold?", "The fund holds 6 million pounds.", True),  # no rate asked
    ("By how much did loans rise compared with a year earlier?", "Loans rose 11%.", True),  # a time, no rate
    ("How much did it cost a week ago?", "It cost 40 euros.", True),
])
def test_a_rate_asked_for_needs_a_sentence_that_states_one(question, sentence, states):
    assert states_rate(question, sentence) is states
