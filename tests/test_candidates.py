"""Tests for rag.candidates: what a sentence holds of the kind of thing a question asks for.

The questions and sentences are general news English written for these tests, not taken from
seeds/: the answerer must type answers in any corpus. spaCy's real model reads them.
"""

from __future__ import annotations

import pytest

from rag.candidates import candidates, has_candidate
from rag.question import analyze


@pytest.mark.parametrize(
    "question, sentence, expected",
    [
        # person: a single surname is a person; a name the question already says is not an answer
        ("Which leader said the plan would fail?", "Merkel said the plan would not work.", True),
        ("Who signed the bill?", "Obama signed the bill.", True),
        ("Who did Merkel meet in Berlin?", "Angela Merkel met Emmanuel Macron in Berlin on Tuesday.", True),
        ("Who did Merkel meet in Berlin?", "Merkel met reporters in Berlin.", False),
        ("Who did Angela Merkel meet?", "Merkel spoke to reporters.", False),
        ("Who signed the bill?", "The bill was signed yesterday.", False),
        # date
        ("When did the factory close?", "The factory closed in March 2016.", True),
        ("What year did the bridge open?", "The bridge opened in 1932.", True),
        ("In what year did the strike begin?", "The strike began on December 8.", False),  # a date, but no year
        ("In what year did the strike begin?", "The strike began on December 8, 2019.", True),
        ("When did the factory close?", "The factory closed after a long dispute.", False),
        ("When did the factory close in 2016?", "The factory closed in 2016.", False),  # the question's own date
        # number, including a duration
        ("How many people attended the rally?", "About 12,000 people attended the rally in Lyon.", True),
        ("How many people attended the rally?", "Many people attended the rally.", False),
        ("How many people attended the rally in 2019?", "In 2019 people attended the rally.", False),
        ("How many people attended the rally?", "People rallied in Lyon on March 3, 2019.", False),  # a date counts nothing
        ("How many years did the war last?", "The war lasted from 1754 to 1763.", True),  # but can tell years
        ("What percentage of the vote did the Greens win?", "The Greens won 14 seats.", False),  # a share asked
        ("What percentage of the vote did the Greens win?", "The Greens won 12.5 percent of the vote.", True),
        ("How long did the strike last?", "The strike lasted three weeks.", True),
        ("How long did the strike last?", "The strike ended peacefully.", False),
        # money
        ("How much money did the council spend?", "The council spent $4.5 million on the new library.", True),
        ("How much money did the council spend?", "The council spent heavily on the new library.", False),
        # place
        ("Where did the storm make landfall?", "The storm made landfall near Galveston, Texas.", True),
        ("Which country hosted the summit?", "Portugal hosted the summit.", True),
        ("Where did the storm make landfall?", "The storm made landfall overnight.", False),
        ("Where in Texas did the storm make landfall?", "The storm hit Texas.", False),
        # group
        ("What nationality is the new coach?", "The new coach is Brazilian.", True),
        ("What nationality is the new coach?", "The new coach arrived.", False),
        # a question asking for no kind: any sentence may answer
        ("Why did the talks collapse?", "Nothing here.", True),
    ],
)
def test_has_candidate(question: str, sentence: str, expected: bool) -> None:
    assert has_candidate(analyze(question), sentence) is expected


def test_a_fuller_form_of_the_questions_own_person_is_not_a_candidate() -> None:
    assert has_candidate(analyze("Who did Merkel meet?"), "Angela Merkel spoke to reporters.") is False
    assert has_candidate(analyze("Who did Merkel meet?"), "Angela Merkel met Viktor Orban.") is True


def test_a_question_for_a_city_is_not_answered_by_a_country():
    qi = analyze("What is the capital of Peru?")
    assert qi.kind == "place" and qi.settlement
    assert not has_candidate(qi, "Peru signed a treaty with Chile and Bolivia.")
    assert has_candidate(qi, "The treaty was signed in Lima.")
    where = analyze("Where was the treaty signed?")  # "where" may be answered by a country
    assert not where.settlement and has_candidate(where, "The treaty was signed in Chile.")
    named = analyze("What was the name of the town where the treaty was signed?")
    assert named.settlement and not has_candidate(named, "The treaty was signed in Chile.")


def test_a_question_for_a_city_is_not_answered_by_a_continent_a_region_or_a_bloc():
    from rag.entities import settlements

    qi = analyze("In which city did the trade ministers meet?")
    assert not has_candidate(qi, "The trade ministers met to discuss exports to Asia and Europe.")
    assert not has_candidate(qi, "The trade ministers of the Nordic countries met in Scandinavia.")
    assert not has_candidate(qi, "The trade ministers of the EU met on Tuesday.")
    assert has_candidate(qi, "The trade ministers met in Lisbon on Tuesday.")
    assert settlements("Ministers from Asia and Peru met in Lima.") == ("lima",)


@pytest.mark.parametrize("question, sentence, holds", [
    ("On what date was the bridge opened?", "The bridge will be opened this weekend.", False),  # relative: no date
    ("On what date was the bridge opened?", "The bridge was opened on 3 May.", True),
    ("In what year was the bridge opened?", "It was opened last year.", False),
    ("In what year was the bridge opened?", "It was opened in 1931.", True),
    ("In which century was the bridge built?", "It was built in the twelfth century.", True),
    ("When was the bridge opened?", "The bridge was opened this weekend.", True),  # "when" takes a relative date
])
def test_a_calendar_date_is_not_a_relative_one(question, sentence, holds):
    assert has_candidate(analyze(question), sentence) is holds


@pytest.mark.parametrize("question, sentence, holds", [
    ("What time did the ferry run aground?", "The ferry ran aground early on Friday.", False),
    ("What time did the ferry run aground?", "It had grounded at 3:40 a.m. on Monday.", True),
    ("At what time did the signal arrive?", "The signal reached the room at 14:22.", True),
    ("What time did the talks end?", "The talks ended around midnight.", True),
    ("What time period does the exhibition cover?", "It covers the years 1900 to 1950.", True),  # not a time of day
    ("What time framd does the war cover?", "It lasted from 1756 to 1763.", True),  # SQuAD's typo: no verb after "time"
    ("When did the ferry run aground?", "The ferry ran aground early on Friday.", True),
])
def test_a_time_of_day_is_not_a_day(question, sentence, holds):
    assert has_candidate(analyze(question), sentence) is holds


@pytest.mark.parametrize("question, sentence, holds", [
    ("How many crew were on the tug?", "The tug sailed 42 kilometres in 31 minutes.", False),  # units, not crew
    ("How many crew were on the tug?", "The tug reached the quay at 14:22 with C$2.3 million of cargo.", False),
    ("How many crew were on the tug?", "The tug, with 12 crew, sailed 42 kilometres.", True),
    ("How many people fled the 2022 fire?", "The fire burned 8,600 hectares, the most since 2022, when a blaze burned 12,400 hectares.", False),
    ("How many kilometres did the tug sail?", "The tug sailed 42 kilometres in 31 minutes.", True),  # it counts the unit
    ("How many euros did the ticket cost?", "Tickets cost 5 euros.", True),
    ("How many voters backed the plan?", "The plan won 40 percent of the vote.", True),  # a share may count them
])
def test_how_many_is_not_answered_by_a_figure_of_another_unit(question, sentence, holds):
    assert has_candidate(analyze(question), sentence) is holds


@pytest.mark.parametrize("sentence, holds", [
    ("Dave Morrissey, a 44-year-old teacher, was turned back.", True),
    ("The recount gave Raman, 41, a total of 8,914 votes.", True),
    ("He became emperor at the age of 13.", True),
    ("She retired aged 63 in 2019.", True),
    ("Merck said the cuts would save 140 million euros a year from 2027.", False),  # figures, no age
])
def test_an_age_is_asked_for_by_how_old(sentence, holds):
    assert has_candidate(analyze("How old is Tobias Merck?"), sentence) is holds


def test_asked_who_said_a_quotation_the_names_inside_it_can_still_be_who_said_it():
    qi = analyze('Who said "Anna Berg will resign in May"?')
    found = candidates(qi, "“Anna Berg will resign in May,” Piotr Nowak said.")
    assert ("person", "piotr nowak") in found and ("person", "anna berg") in found
    plain = analyze("Who said Anna Berg will resign in May?")  # no quotation: she is what was said of
    assert ("person", "anna berg") not in candidates(plain, "“Anna Berg will resign in May,” Piotr Nowak said.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Students' union president Amara Okafor said the strike would go on.",
        "Amara Okafor, president of the students' union, said the strike would go on.",
        "The union's president, Amara Okafor, said the strike would go on.",
    ],
)
def test_a_name_its_role_stands_beside_answers_who_holds_the_role(sentence):
    # the small recognizer may call a name it has never seen a place or an organization
    assert ("person", "amara okafor") in candidates(analyze("Who is the president of the students' union?"), sentence)


def test_a_role_without_a_name_beside_it_names_no_one():
    assert candidates(analyze("Who is the mayor of Lyon?"), "The Mayor of Lyon spoke, and the mayor left.") == []


@pytest.mark.parametrize("question, sentence, holds", [  # the rates themselves: tests/test_shapes.py
    ("How much will the striker earn per week?", "He joined for a fee of 42 million euros.", False),  # a fee, not pay a week
    ("How much will the striker earn per week?", "He will earn about 90,000 pounds a week.", True),
])
def test_a_figure_asked_for_at_a_rate_needs_a_sentence_stating_one(question, sentence, holds):
    assert has_candidate(analyze(question), sentence) is holds
