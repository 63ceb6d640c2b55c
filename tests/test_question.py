"""Tests for rag.question: answer types of questions, salient terms, mentions, candidates."""

from __future__ import annotations

import pytest

from rag.question import analyze, has_candidate, mentions, salient_terms


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How many migrants did Bosnia register in 2019?", "number"),
        ("What percentage of migrants were registered?", "number"),
        ("How long is the fence along the border?", "number"),
        ("How much money did the EU give Bosnia?", "money"),
        ("What was the cost of the fence?", "money"),
        ("When did the ministers meet in Sarajevo?", "date"),
        ("In which year did Cerar meet Kern?", "date"),
        ("Since when has the number of illegal immigrants been increasing?", "date"),
        ("Where did the Balkan ministers meet?", "place"),
        ("Which city hosted the conference?", "place"),
        ("Who is the Slovenian Minister of the Interior?", "person"),
        ("Which minister hosted Nenad Nešić?", "person"),
        ("What is the name of the Bosnian security minister?", "person"),
        ("Which country's prime minister called for an island?", "nationality"),
        ("What nationality is Dragan Mektic?", "nationality"),
        ("Why did Cerar oppose border closures?", "other"),
        ("What did the ministers agree on?", "other"),
    ],
)
def test_analyze_kind(question: str, kind: str) -> None:
    assert analyze(question).kind == kind


def test_analyze_fields() -> None:
    q = analyze("How many migrants did Bosnia register in 2019?")
    assert q.text == "How many migrants did Bosnia register in 2019?"
    assert q.salient == ("bosnia", "2019")
    assert q.terms == ("how", "mani", "migrant", "did", "bosnia", "regist", "2019")


def test_analyze_terms_are_unique() -> None:
    assert analyze("Did migrants, and more migrants, come?").terms == ("did", "migrant", "more", "come")


def test_salient_terms_strip_possessives_and_skip_the_first_word() -> None:
    assert salient_terms("What did Frontex's and Slovenia’s ministers say about the EU?") == ("frontex", "slovenia", "eu")
    assert salient_terms("Bosnia registered 120 entries in 2018") == ("120", "2018")
    assert salient_terms("what did they say?") == ()


@pytest.mark.parametrize(
    "text, term, expected",
    [
        ("Bosnian police", "bosnia", True),  # inflection
        ("Frontex's deal", "frontex", True),
        ("the Slovenians agreed", "slovenia", True),
        ("Slovenia agreed", "slovenian", True),
        ("rebosnia", "bosnia", False),  # must start a word
        ("Croatia", "serbia", False),
        ("in 2018.", "2018", True),  # a figure ends at punctuation
        ("in 2017", "2018", False),
        ("12018 items", "2018", False),  # but not inside a longer figure
        ("20181 items", "2018", False),
        ("5,000 entries", "5,000", True),
        ("15,000 entries", "5,000", False),
        ("5,0001", "5,000", False),
        ("1.5 million", "5", False),
        ("about 5 people", "5", True),
    ],
)
def test_mentions(text: str, term: str, expected: bool) -> None:
    assert mentions(text, term) is expected


@pytest.mark.parametrize(
    "kind, sentence, question, expected",
    [
        ("number", "Bosnia registered almost 5,000 illegal entries.", "How many migrants did Bosnia register?", True),
        ("number", "Three panels were held.", "How many panels were held?", True),
        ("number", "Bosnia registered illegal entries.", "How many migrants did Bosnia register?", False),
        ("date", "The ministers met on Thursday.", "When did the ministers meet?", True),
        ("date", "They met in July 2018.", "When did they meet?", True),
        ("date", "The ministers met in Sarajevo.", "When did the ministers meet?", False),
        ("date", "In 2018 they met.", "When did they meet in 2018?", False),
        ("date", "They may meet.", "When did they meet?", False),  # "may" is a verb
        ("place", "The ministers met in Sarajevo.", "Where did the ministers meet?", True),
        ("place", "Orban called for sending them to an island.", "Where should migrants be sent?", True),
        ("place", "The ministers met in Sarajevo.", "Where in Sarajevo did the ministers meet?", False),
        ("place", "The ministers met yesterday.", "Where did the ministers meet?", False),
        ("person", "Bosnian security minister Dragan Mektic told media.", "Who is the Bosnian security minister?", True),
        ("person", "The minister told media.", "Who is the Bosnian security minister?", False),
        ("person", "Dragan Mektic spoke.", "Who is Dragan Mektic?", False),  # no new name
        ("person", "Mektic spoke.", "Who is the minister?", False),  # a single name is not a full name
        ("money", "The EU gave 10 million euros.", "How much money did the EU give?", True),
        ("money", "The EU gave $5m.", "How much money did the EU give?", True),
        ("money", "The EU gave support.", "How much money did the EU give?", False),
        ("nationality", "Hungarian Prime Minister Viktor Orban spoke.", "Which country's prime minister spoke?", True),
        ("nationality", "the prime minister spoke.", "Which country's prime minister spoke?", False),
        ("nationality", "Said Orban.", "What nationality is Orban?", False),
        ("other", "Anything at all.", "Why?", True),
    ],
)
def test_has_candidate(kind: str, sentence: str, question: str, expected: bool) -> None:
    assert has_candidate(kind, sentence, question) is expected


def test_number_candidate_ignores_the_questions_own_figure() -> None:
    assert has_candidate("number", "In 2019 Bosnia registered entries.", "How many migrants did Bosnia register in 2019?") is False


@pytest.mark.parametrize(
    "question, sentence",
    [
        ("Why did 5,000 entries alarm Bosnia?", "Bosnia registered almost 5,000 illegal entries."),
        ("Who pledged 3.5 million euros?", "The EU pledged 3.5 million euros."),
    ],
)
def test_salient_figures_with_separators_are_found_in_the_same_text(question: str, sentence: str) -> None:
    terms = salient_terms(question)
    assert terms
    assert [t for t in terms if not mentions(sentence, t)] == []
