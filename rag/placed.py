"""A sentence -> each figure it gives after a preposition, with the word that phrase belongs to.

The words check (`rag.verify`) and the figure check pass "The Department of Energy was created
in 1978" against "in 1977 the Department of Energy was created, followed by the National Energy
Act of 1978": every word and figure is there, but 1978 belongs to the Act, not to the creation.
A small model rewording a sentence with two dates makes that slip. So a figure a written
sentence places ("created in 1978": the phrase "in 1978" belongs to "created") must be placed
the same way in an evidence sentence that places it, and an evidence sentence that gives the
figure without placing it ("the 1978 act") cannot say otherwise.

>>> sorted(placed("The war ended in 1748, and the treaty of 1749 followed."))
[('1748', 'end'), ('1749', 'treati')]
>>> placements_hold("The department was created in 1978.",
...                 ["In 1977 the department was created, followed by the act of 1978."])
False
>>> placements_hold("The department was created in 1977.",
...                 ["In 1977 the department was created, followed by the act of 1978."])
True
"""

from __future__ import annotations

from functools import lru_cache

from .mentions import FIGURE, mentions
from .roles import parsed

# A figure inside a larger phrase ("in March 2016", "on 24 August 1572") is placed by that phrase.
_INSIDE = {"nummod", "compound", "appos", "npadvmod", "quantmod", "amod", "nmod"}


@lru_cache(maxsize=4096)
def placed(text: str, stemmer: str = "english") -> frozenset[tuple[str, str]]:
    """(figure, the stemmed word its prepositional phrase belongs to) for each figure in `text`
    that stands in one ("in 1748" of "ended"); figures in no such phrase are left out."""
    doc, stem = parsed(text, stemmer)
    out = set()
    for t in doc:
        if not FIGURE.fullmatch(t.text):
            continue
        phrase = t
        while phrase.dep_ in _INSIDE and phrase.head.i != phrase.i and phrase.head.dep_ != "prep":
            phrase = phrase.head
        if phrase.dep_ != "pobj" or phrase.head.dep_ != "prep" or phrase.head.head.i == phrase.head.i:
            continue
        owner = phrase.head.head
        if owner.pos_ in ("VERB", "NOUN", "PROPN") and stem[owner.i]:
            out.add((t.text, stem[owner.i]))
    return frozenset(out)


def placements_hold(sentence: str, evidence: list[str], stemmer: str = "english") -> bool:
    """Is each figure `sentence` places placed the same way in an evidence sentence, or given by
    one that does not place it at all?"""
    written = placed(sentence, stemmer)
    if not written:  # most sentences place no figure: no evidence to parse
        return True

    def holds(figure: str, owner: str) -> bool:
        for e in evidence:
            there = placed(e, stemmer)
            if (figure, owner) in there:
                return True
            if mentions(e, figure) and not any(mentions(f, figure) for f, _ in there):
                return True
        return False

    return all(holds(*claim) for claim in written)
