"""Tests for rag.asked_role: which sentence names the holder of the role a question asks by.

Invented news sentences, not from seeds/; spaCy's real model reads them.
"""

from __future__ import annotations

import pytest

from rag.asked_role import holding_role, leaves_unnamed
from rag.question import analyze


def test_a_person_asked_for_by_heading_is_quoted_from_a_sentence_saying_a_heads_role():
    qi = analyze("Who leads the teachers' union?")
    texts = ["The teachers' union set up picket lines at dawn.", "Ana Ruiz, the union's president, said talks had failed."]
    assert holding_role(qi, texts, [2.0, 1.0]) == 1


def test_a_person_asked_for_by_role_is_quoted_from_a_sentence_that_says_the_role():
    qi = analyze("Who is the race director of the Varnsfield Marathon?")
    lede = "Grace Wanjiru won the Varnsfield Marathon on Sunday."
    director = "Race director Colin Featherstone said 3,214 starters had been diverted."
    assert holding_role(qi, [lede, director], [2.0, 1.0]) == 1
    assert holding_role(qi, [director, lede], [2.0, 1.0]) is None  # the best says it already
    assert holding_role(qi, [lede, "The race director said nothing."], [2.0, 1.0]) is None  # names no one
    assert holding_role(analyze("Who won the marathon?"), [lede, director], [2.0, 1.0]) is None  # not by role


@pytest.mark.parametrize("question, sentence, unnamed", [
    ("What is the name of the microbiologist they hired?",
     "Managing director Tom Ellery said they had hired an outside microbiologist.", True),  # Ellery is the director
    ("What is the name of the pilot who was on the bridge?", "A local pilot was on the bridge at the time.", True),
    ("What is the name of the pilot who was on the bridge?", "A local pilot, Jan de Vries, was on the bridge.", False),
    ("Who is the mayor of Lyon?", "A new mayor, Anna Berg, took office in Lyon.", False),
    ("Who is the mayor of Lyon?", "The mayor of Lyon, Anna Berg, took office.", False),  # not said as unnamed
    ("Who is the mayor of Lyon?", "Anna Berg said a mayor would be chosen.", False),  # she may be the one
])
def test_a_role_spoken_of_as_someone_unnamed_leaves_the_name_open(question, sentence, unnamed):
    assert leaves_unnamed(analyze(question), sentence) is unnamed


def test_a_sentence_that_speaks_of_the_role_unnamed_is_quoted_before_one_that_does_not_say_it():
    qi = analyze("What is the name of the pilot who was on the bridge?")
    sentences = ["The ship will sail to Rotterdam for repairs.", "A local pilot was on the bridge at the time."]
    assert holding_role(qi, sentences, [2.0, 1.0]) == 1
    assert holding_role(qi, sentences + ["The pilot, Jan de Vries, was on the bridge."], [2.0, 1.0, 0.5]) == 2


def test_which_role_is_quoted_from_a_sentence_that_says_the_role_and_names_someone():
    qi = analyze("Which successor to the king resumed the persecution?")
    sentences = ["The uprising came a decade after the king's death.", "His successor Louis XIII resumed the persecution."]
    assert holding_role(qi, sentences, [2.0, 1.0]) == 1
    assert holding_role(analyze("Which city resumed the persecution?"), sentences, [2.0, 1.0]) is None  # no role asked


def test_a_holder_of_the_role_at_another_body_is_passed_over_for_one_at_the_body_asked_about():
    qi = analyze("Who runs the Gallery of Nautical Charts?")
    sentences = ["The buyer was the Gallery of Nautical Charts.",
                 "Charlotte Pennington, head of books at the auction house, called it rare.",
                 "The gallery's director, Rui Ferraz, said it was coming home."]
    about = lambda i: "gallery" in sentences[i].lower()  # noqa: E731 - what rag.asked_role.about_role says here
    assert holding_role(qi, sentences, [3.0, 2.0, 1.0]) == 1  # the best-scored head, whoever's
    assert holding_role(qi, sentences, [3.0, 2.0, 1.0], about) == 2
