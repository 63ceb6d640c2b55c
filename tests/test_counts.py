"""What a "How many N ...?" question counts, and whether a sentence counts it or only other things."""

from __future__ import annotations

import pytest

from rag.counts import ALIKE, asked_noun, counts_other


@pytest.mark.parametrize("question, noun", [
    ("How many containers fell overboard?", "containers"),
    ("How many people work at the plant?", "people"),
    ("how many Huguenots settled in Dover?", "Huguenots"),
    ("How many were hurt?", None),  # counts no noun
    ("How many of those were in Finland?", None),
    ("When did the ship sail?", None),
])
def test_the_noun_a_question_counts(question, noun):
    assert asked_noun(question) == noun


@pytest.mark.parametrize("noun, sentence", [
    ("containers", "Crews refloated the ship four days after it ran aground."),  # days, not containers
    ("ambulances", "The hospital serves about 38,000 people."),
    ("people", "The four-lane bridge opened in 1962."),  # a lane; the year counts nothing
    ("containers", "About 310 passengers were taken ashore."),  # "-ers" is not always people
])
def test_a_sentence_that_counts_only_other_things(noun, sentence):
    assert counts_other(noun, sentence)


@pytest.mark.parametrize("noun, sentence", [
    ("containers", "Twelve containers fell into the sea."),
    ("soldiers", "About 1,000 British troops were killed."),  # people, either way
    ("casualties", "Approximately 1,000 British soldiers were killed or injured."),
    ("Huguenots", "Nearly 3,000 Protestants were slaughtered in Toulouse."),
    ("jobs", "Up to 310 are in Finland."),  # a figure that counts no noun may count anything
    ("voters", "Turnout rose to 64 percent."),
    ("containers", "The ship was refloated on Friday."),  # no figure: not this check's to judge
    ("containers", "It paid 4.5 million euros for the cargo."),  # a sum is no count of anything
    ("longliners", "He said around 30 Fijian-flagged longliners fish there."),  # the parser hangs 30 on "fish"
])
def test_a_sentence_that_may_count_what_is_asked(noun, sentence):
    assert not counts_other(noun, sentence)


def test_nouns_of_like_meaning_count_the_same_things():
    """"How many states" is answered by "11 countries": the embedder says the two are alike."""
    from rag import Config
    from rag.embed import embed_query

    model = Config.load().embedder
    alike = lambda a, b: float(embed_query(a, model) @ embed_query(b, model))  # noqa: E731
    sentence = "Ministers of 11 European countries met in Vienna."
    assert counts_other("states", sentence) and not counts_other("states", sentence, alike)
    assert alike("states", "countries") >= ALIKE > alike("containers", "days")
    assert counts_other("containers", "Crews refloated it four days later.", alike)
