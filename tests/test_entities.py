"""Tests for rag.entities: spaCy's small English pipeline mapped to the answer kinds, cached."""

from __future__ import annotations

import pytest

from rag import entities as ents
from rag.errors import ConfigError


def test_kinds_in_a_sentence_with_people_a_place_and_a_date() -> None:
    s = "Angela Merkel met Emmanuel Macron in Berlin on Tuesday."
    assert ents.entities(s) == (
        ("person", "angela merkel"),
        ("person", "emmanuel macron"),
        ("place", "berlin"),
        ("date", "tuesday"),
    )
    assert ents.kinds_in(s) == {"person", "place", "date"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The council spent $4.5 million on the new library.", ("money", "$4.5 million")),
        ("About 12,000 people attended the rally.", ("number", "about 12,000")),
        ("The strike lasted three weeks.", ("date", "three weeks")),
        ("French officials welcomed the decision.", ("group", "french")),
        ("The storm made landfall near Galveston, Texas.", ("place", "texas")),
    ],
)
def test_each_kind(sentence: str, expected: tuple[str, str]) -> None:
    assert expected in ents.entities(sentence)


def test_a_sentence_without_entities() -> None:
    assert ents.entities("The talks collapsed.") == ()
    assert ents.kinds_in("The talks collapsed.") == set()


def test_results_are_cached() -> None:
    s = "Prime Minister Pedro Sanchez arrived in Lisbon on Friday."
    first = ents.entities(s)
    hits = ents.entities.cache_info().hits
    again = ents.entities(s)
    assert again is first  # the very same tuple, not recomputed
    assert ents.entities.cache_info().hits == hits + 1


def test_a_missing_model_is_a_config_error(monkeypatch) -> None:
    monkeypatch.setattr(ents, "MODEL", "no_such_spacy_model_xyz")
    with pytest.raises(ConfigError, match="no_such_spacy_model_xyz"):
        ents.pipeline.__wrapped__()  # the cached loader itself is left untouched


def test_a_figure_in_a_currency_is_money():
    entities = ents.entities
    from rag.candidates import has_candidate
    from rag.question import analyze

    # The small model tags "42 million euros" as a number; "€42 million" it tags as money
    assert entities("The bridge cost 42 million euros, officials said.") == (("money", "42 million euros"),)
    assert entities("They were paid 300 dollars each.")[0] == ("money", "300 dollars")
    assert entities("Three people came.")[0][0] == "number" and entities("The vote marks a turning point.") == ()
    assert has_candidate(analyze("How much did the bridge cost?"), "It cost 42 million euros, officials said.")


def test_a_day_that_places_nothing_in_time_is_no_date():
    # the small model tags "a strange day" a date; "a day" and "a full day" measure a span
    assert ("date", "a strange day") not in ents.entities("It is a strange day when the league has to look abroad.")
    assert ents.entities("The talks lasted a day.") == (("date", "a day"),)
    assert ("date", "oct. 16") in ents.entities("He resigned on Oct. 16.")


@pytest.mark.parametrize("text, kind", [
    ("She pulled clear at the 35-kilometre mark.", "number"),  # a distance, though "mark" names a currency
    ("They paid 5,000 marks.", "money"),
    ("The deal was worth C$2.3 million.", "money"),
    ("It cost USD 5 million.", "money"),
    ("The charity raised millions of dollars.", "money"),
    # tagged MONEY without its currency, which follows the span
    ("About 2.1 billion zloty of the total has come from the fund.", "money"),
])
def test_money_is_an_amount_in_a_currency(text, kind):
    assert [k for k, _ in ents.entities(text) if k in ("money", "number")] == [kind]


@pytest.mark.parametrize("sentence, amount", [
    ("The mill's sales were 212 crore rupees last year.", "212 crore rupees"),  # Indian English: 10 million
    ("Each family got 5 lakh rupees.", "5 lakh rupees"),  # 100,000
])
def test_an_amount_in_lakh_or_crore_is_money(sentence, amount):
    assert ("money", amount) in ents.entities(sentence)


def test_a_compound_amount_is_money():
    assert ("money", "74-million-dollar") in ents.entities("They reviewed a planned 74-million-dollar water plant.")


@pytest.mark.parametrize("sentence, amount", [
    ("The study cost 1.2 million Australian dollars.", "1.2 million australian dollars"),
    ("It was delivered at a cost of about 95 million Swedish crowns.", "about 95 million swedish crowns"),
])
def test_a_currency_named_with_its_country_is_money(sentence, amount):
    assert ("money", amount) in ents.entities(sentence)
