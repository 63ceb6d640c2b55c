"""Tests for rag.verify: which evidence sentence supports a written sentence, and what it claims."""

from __future__ import annotations

from rag.verify import claims, sentences, support

EVIDENCE = [
    "Bosnia registered 6,700 migrants in 2018, Dragan Mektic said.",
    "The ministers met in Sarajevo on Friday.",
]


def test_a_quoted_sentence_is_supported_by_itself() -> None:
    assert support(EVIDENCE[1], EVIDENCE) == [1]


def test_an_invented_figure_or_name_is_never_supported() -> None:
    assert support("Bosnia registered 9,000 migrants in 2018.", EVIDENCE) == []
    assert support("Bosnia registered 6,700 migrants in 2018, Ivan Horvat said.", EVIDENCE) == []


def test_a_pair_supports_what_neither_sentence_does_alone() -> None:
    assert support("Mektic said Bosnia registered 6,700 migrants; the ministers met in Sarajevo.", EVIDENCE) == [0, 1]


def test_a_sentence_without_a_verb_is_supported_by_one_sentence_or_none() -> None:
    # the 0.5B model answered "Montpellier, Virginia, Virginia County [1][2]": a name from each sentence
    assert support("Bosnia, Sarajevo.", EVIDENCE) == []
    assert support("Dragan Mektic, Sarajevo.", EVIDENCE) == []
    assert support("In Sarajevo, on Friday.", EVIDENCE) == [1]  # one sentence holds it all: a fine short answer


def test_a_decade_is_a_figure_not_a_name_with_a_letter_s() -> None:
    # "the 880s" once claimed a name "s", which no sentence holds as a word: a quote failed its own check
    s = "Earlier Viking settlers had begun arriving in the 880s, but were divided between colonies in the east."
    assert "s" not in claims(s) and "880" in claims(s)
    assert support(s, [s]) == [0]


def test_a_models_own_markers_are_not_trusted() -> None:
    assert sentences("Sarajevo hosted them [2]. It was Friday [1, 3].") == ["Sarajevo hosted them.", "It was Friday."]


def test_a_pair_cannot_join_one_sentences_figure_to_anothers_noun() -> None:
    # One sentence gives the figure, the other the noun: every word is covered, the claim is false
    evidence = ["Voters elect one councillor in each district.", "Of the 61 seats, 40 are filled from lists."]
    assert support("40 councillors are elected.", evidence) == []
    assert support("Voters elect one councillor in each district; 40 seats are filled from lists.", evidence) == [0, 1]
