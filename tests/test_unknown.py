"""What the sentences an answer would quote say is not known, and figures no article states."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rag.question import analyze
from rag.unknown import never_stated, says_unknown


@pytest.mark.parametrize(
    "figure, stated, expected",
    [
        ("1100s", {"1107", "1066"}, False),  # the articles give a year in it
        ("1100s", {"1066", "1205"}, True),
        ("17th century", {"1672"}, False),
        ("2015", {"2016"}, True),
        ("5,000", {"5000"}, False),
        ("3rd", set(), False),  # ranks are often words: never judged absent
    ],
)
def test_a_figure_or_span_never_stated_in_the_articles(figure, stated, expected) -> None:
    assert never_stated(figure, frozenset(stated)) is expected


def test_a_candidate_ranked_next_that_says_with_a_question_word_what_is_not_known_is_the_answer():
    """Not quoted, but ranked next to the best: "did not say when residents would be allowed to
    return home" says the articles do not know when the villagers go home, though the best
    sentence has a date. Not when it is another article's, or says when something else happens."""
    qi = analyze("When will evacuated villagers be allowed back home?")
    best = SimpleNamespace(doc_id="fire.txt", text="On Thursday, 3,200 people were evacuated from four villages.")
    other = SimpleNamespace(doc_id="fire.txt", text="Officials did not say when residents would be allowed to return home.")
    assert says_unknown(None, best, "date", True, qi=qi, further=[other]).startswith("the articles say it is not known")
    elsewhere = SimpleNamespace(doc_id="flood.txt", text=other.text)
    road = SimpleNamespace(doc_id="fire.txt", text="Officials did not say when the road would reopen.")
    assert says_unknown(None, best, "date", True, qi=qi, further=[elsewhere, road]) == ""
