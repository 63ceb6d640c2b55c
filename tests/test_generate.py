"""The extractive answerer: sentence choice, citations, and each reason to abstain."""

from __future__ import annotations

import re

import pytest

from rag.embed import embed_query
from rag.generate import NOT_FOUND, ExtractiveGenerator
from rag.retrieve import retrieve


def ask(idx, cfg, question):
    vec = embed_query(question, cfg.model)
    *deltas, final = ExtractiveGenerator(idx, cfg).stream(question, vec, retrieve(idx, question, vec, cfg))
    assert "".join(deltas) == final.text
    return final


def test_quotes_the_answering_sentence_with_its_offsets(seed_index, seed_config):
    a = ask(seed_index, seed_config, "Which Austrian chancellor did Cerar talk to about Austria's measures?")
    assert not a.abstained and "Kern" in a.text
    for c in a.citations:
        doc = seed_index.documents[c.source]
        assert doc.text[c.start : c.end] == c.snippet and f"{c.snippet} [{c.n}]" in a.text


def test_quotes_at_most_max_citations(seed_index, seed_config):
    a = ask(seed_index, seed_config.with_(max_citations=1, answer_margin=1.0), "What did the Balkan countries agree to create?")
    assert len(a.citations) == 1 and re.findall(r"\[\d\]", a.text) == ["[1]"]


@pytest.mark.parametrize(
    "question, reason",
    [
        ("How do I make spaghetti carbonara?", "too weak"),  # off-topic: weak evidence
        ("How many asylum applications did Slovenia receive in 2015?", "mentions all of"),  # 2015 in no article
        ("How many refugees per month does Slovenia accept from Italy, Greece and Turkey?", "no sentence gives a number"),
        ("How much money has the EU given Bosnia for accommodation?", "no sentence gives a money"),
        ("How many illegal entries did Croatia register in the first five months of the year?", "not said of croatia"),
    ],
)
def test_each_reason_to_abstain(seed_index, seed_config, question, reason):
    a = ask(seed_index, seed_config, question)
    assert a.abstained and a.text == NOT_FOUND and a.citations == []
    assert reason in a.reason


def test_threshold_is_the_configured_one(seed_index, seed_config):
    q = "Who did Boštjan Poklukar host?"
    assert not ask(seed_index, seed_config, q).abstained
    assert ask(seed_index, seed_config.with_(min_confidence=1.99), q).abstained
