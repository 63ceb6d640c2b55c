"""Nouns for a person, from WordNet (rag/person_nouns.json)."""

from __future__ import annotations

import json

import pytest

from rag.lexicon import PATH, person_noun


@pytest.mark.parametrize("word, expected", [
    ("notary", True), ("pilots", True), ("spokesmen", True), ("ferrymen", True), ("microbiologist", True),
    ("river", False), ("router", False), ("bridge", False), ("news", False), ("have", False),
])
def test_person_nouns(word, expected):
    assert person_noun(word) is expected


def test_the_list_says_where_it_comes_from_and_carries_wordnets_licence():
    data = json.loads(PATH.read_text(encoding="utf-8"))
    assert data["provenance"]["command"] == "python -m eval.make_nouns"
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in data["license"]
    assert len(data["nouns"]) > 4000 and data["nouns"] == sorted(data["nouns"])
