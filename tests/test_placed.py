"""Tests for rag.placed: a figure keeps the phrase it belongs to. Sentences written for these
tests, from no article of the corpus."""

import pytest

from rag.placed import placed, placements_hold
from rag.verify import support

EVIDENCE = ["In 1977 the agency was founded, followed by the water act of 1978."]


def test_a_figure_is_placed_by_the_word_its_phrase_belongs_to() -> None:
    assert placed("The bridge opened in March 1932.") == {("1932", "open")}
    assert placed("The bridge of 1932 fell.") == {("1932", "bridg")}
    assert placed("The 1932 bridge fell.") == set()  # no phrase: nothing to place


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The agency was founded in 1977.", True),
        ("The agency was founded in 1978.", False),  # 1978 belongs to the act
        ("The water act came in 1978.", False),  # "of 1978" says which act, not when it "came"
        ("The water act of 1978 followed.", True),
        ("The agency was founded.", True),  # no figure placed: nothing to check
    ],
)
def test_a_written_figure_must_be_placed_as_the_evidence_places_it(sentence: str, expected: bool) -> None:
    assert placements_hold(sentence, EVIDENCE) is expected


def test_evidence_that_gives_a_figure_without_placing_it_cannot_contradict() -> None:
    assert placements_hold("The treaty was signed in 1763.", ["The 1763 treaty ended the war."])


def test_the_citation_check_drops_a_figure_moved_to_another_phrase() -> None:
    assert support("The agency was founded in 1977.", EVIDENCE) == [0]
    assert support("The agency was founded in 1978.", EVIDENCE) == []
