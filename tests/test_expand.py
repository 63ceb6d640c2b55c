"""A question + the index -> the question as searched, its unknown abbreviations spelled out."""

from __future__ import annotations

import pytest

from rag import Config

SHIPPING = """New rules for ships

The International Maritime Organization agreed on Friday to cut the sulphur in ship fuel by 2030. The UN agency said ports must check every tanker.

Shipowners said the change would cost them 12 billion euros a year.
"""


@pytest.fixture(scope="module")
def shipping(tmp_path_factory):
    import rag

    root = tmp_path_factory.mktemp("shipping")
    (root / "corpus").mkdir()
    (root / "corpus" / "ships.txt").write_text(SHIPPING, encoding="utf-8")
    cfg = Config.load(index_dir=root / "index", corpus=root / "corpus", progress=False)
    rag.index(config=cfg)
    return cfg


def test_an_abbreviation_the_articles_never_write_is_searched_spelled_out(shipping):
    from rag import load_index
    from rag.expand import expanded

    idx = load_index(shipping)
    assert expanded("What did the IMO agree?", idx) == "What did the IMO agree? (International Maritime Organization)"
    assert expanded("What did the UN agency say?", idx) == "What did the UN agency say?"  # written as it is
    assert expanded("What did the WHO say?", idx) == "What did the WHO say?"  # spelled out nowhere
    assert expanded("When was that? (IMO, ports)", idx) == \
        "When was that? (IMO, ports, International Maritime Organization)"  # a follow-up's context too
    assert expanded("What did the IMO agree? (Friday)", idx) == \
        "What did the IMO agree? (Friday, International Maritime Organization)"  # one parenthesis
    # a title news abbreviates and writes out in words whose initials do not spell it
    assert expanded("Who is the CEO of the agency?", idx) == "Who is the CEO of the agency? (chief executive)"


def test_the_answer_finds_what_the_abbreviation_names(shipping):
    import rag

    a = rag.answer("What did the IMO agree to cut?", config=shipping)
    assert not a.abstained and "sulphur" in a.text
    assert a.standalone == "What did the IMO agree to cut? (International Maritime Organization)"
