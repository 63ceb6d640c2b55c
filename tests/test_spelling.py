"""A name misspelled in a question is read as the articles spell it."""

from __future__ import annotations

import pytest

from rag.spelling import respelled

WORDS = frozenset({"parisian", "protestants", "arpanet", "prussia", "russia", "gambia", "zambia"})


@pytest.mark.parametrize("term, expected", [
    ("parisien", "parisian"),  # a letter changed
    ("arpnet", "arpanet"),  # a letter dropped
    ("protesstants", "protestants"),  # a letter added
    ("russia", "russia"),  # a name the articles write is never changed
    ("nambia", "nambia"),  # one edit from two of their words: no guess
    ("paris", "paris"), ("berlin", "berlin"),
])
def test_respelled(term, expected):
    assert respelled(term, WORDS) == expected


MASSACRE = """Massacre in Paris

Reports document that about 3,000 Parisian Protestants were killed by 17 September.
"""


def test_a_misspelled_name_does_not_make_a_figure_unsaid(one_article):
    import rag

    cfg = one_article("paris.txt", MASSACRE)
    a = rag.answer("How many Parisien Protestants were killed by September 17?", config=cfg)
    assert not a.abstained and "3,000" in a.text, (a.text, a.reason)
