"""Tests for rag.mentions: whether a text mentions a question's name or figure.

Sentences written for these tests, from no article of the corpus."""

import pytest

from rag.mentions import mentions, period, specific
from rag.question import salient_terms


@pytest.mark.parametrize(
    "text, term, expected",
    [
        # names: whole words, with inflections
        ("Bosnian police", "bosnia", True),
        ("the Bosnians agreed", "bosnia", True),
        ("Bosnia's police", "bosnia", True),
        ("Greece’s debt", "greece", True),
        ("an Austrian firm", "austria", True),
        ("Frontex's deal", "frontex", True),
        ("Australia and New Zealand", "austria", False),
        ("Australian wine", "austria", False),
        ("rebosnia", "bosnia", False),  # must start a word
        ("Croatia", "serbia", False),
        # short names are not prefixes of words
        ("unemployment rose", "un", False),
        ("the UN said", "un", True),
        ("the UN's envoy", "un", True),
        # figures: the whole figure, ending at punctuation
        ("in 2018.", "2018", True),
        ("in 2017", "2018", False),
        ("12018 items", "2018", False),
        ("20181 items", "2018", False),
        ("5,000 entries", "5,000", True),
        ("15,000 entries", "5,000", False),
        ("5,0001", "5,000", False),
        ("5,000.5 tonnes", "5,000", False),
        ("1.5 million", "5", False),
        ("about 5 people", "5", True),
        # a small figure by its word, not by a larger one's
        ("a deal between two parties", "2", True),
        ("twenty-two parties", "2", False),
        ("one party", "1", False),  # "one" is too common a word to stand for the figure
        # a decade or a century by any year in it, or by its own words
        ("prices rose in 1995", "1990s", True),
        ("prices rose in 1989", "1990s", False),
        ("prices rose in the 1990s", "1990s", True),
        ("a war fought in 1672", "1600s", True),
        ("a war fought in 1701", "1600s", False),
        ("a war fought in 1672", "17th century", True),
        ("a 17th-century war", "17th century", True),
        ("a war fought in 1772", "17th century", False),
        ("the vote of 1987", "80s", True),
        ("a fee of 1,995 euros", "1990s", True),  # a figure that could be a year counts as one
        # a rank by its figure or word, never inside a larger figure or as a share
        ("his third son", "3rd", True),
        ("on October 16", "16th", True),
        ("in 2016", "16th", False),
        ("16 percent voted", "16th", False),
        # an abbreviation by the capitalised words it abbreviates
        ("moved to the United States", "us", True),
        ("the U.S. Navy", "us", True),
        ("the Scottish National Party", "snp", True),
        ("the United Nations High Commissioner for Refugees", "unhcr", True),
        ("the united states of mind", "us", False),  # not capitalised: not a name
        ("Uncle Sam's", "usa", False),
        # a hyphenated name by its parts ("the Lyon-Turin line" runs between Lyon and Turin)
        ("trains between Lyon and Turin", "lyon-turin", True),
        ("trains to Turin", "lyon-turin", False),
    ],
)
def test_mentions(text: str, term: str, expected: bool) -> None:
    assert mentions(text, term) is expected


def test_a_question_names_a_decade_a_century_or_a_rank_not_the_bare_figure() -> None:
    assert salient_terms("What wars did France fight in the 1600s and the '80s?") == ("france", "1600s", "80s")
    assert salient_terms("Who ruled in the 17th-century and who was his 3rd son?") == ("17th century", "3rd")
    assert specific("1990’s") == "1990s"


def test_period_is_none_for_plain_figures_and_ranks() -> None:
    assert period("1990") is None and period("3rd") is None
    assert period("1990s").fullmatch("1999") and not period("1990s").fullmatch("2000")

