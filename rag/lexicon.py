"""A word -> whether English uses it as a noun for a person ("notary", "microbiologist", "pilots").

The list is WordNet 3.0's (`person_nouns.json`, written by `python -m eval.make_nouns`, which
says how the nouns were chosen; WordNet's licence travels in the file): a question for "the name
of the notary who tried to sell the painting" asks for a person in any corpus.

>>> person_noun("notary"), person_noun("Microbiologists"), person_noun("router"), person_noun("river")
(True, True, False, False)
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("person_nouns.json")


@lru_cache(maxsize=1)
def _nouns() -> frozenset[str]:
    return frozenset(json.loads(PATH.read_text(encoding="utf-8"))["nouns"])


def person_noun(word: str) -> bool:
    """Is `word`, or its singular ("notaries", "spokesmen"), a noun for a person?"""
    word = word.lower()
    nouns = _nouns()
    singular = (word[:-3] + "y" if word.endswith("ies") else word[:-3] + "man" if word.endswith("men")
                else word[:-2] if word.endswith(("ses", "xes", "ches", "shes")) else word[:-1] if word.endswith("s") else word)
    return word in nouns or singular in nouns
