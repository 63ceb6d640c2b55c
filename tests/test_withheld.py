"""What a sentence says is not known: the kinds of question it leaves unanswered."""

from __future__ import annotations

import pytest

from rag.withheld import asked, withheld


@pytest.mark.parametrize("sentence, kinds", [
    ("The club did not say when the new stadium would open.", {"date"}),
    ("Officials declined to say how many homes were evacuated.", {"number"}),
    ("The airline did not disclose how much the jets cost.", {"money", "number"}),
    ("Police have not identified the driver.", {"person", "organization"}),
    ("The board has not yet named a new chairman.", {"person", "organization"}),
    ("The woman, whose name was not released, was taken to hospital.", {"person", "organization"}),
    ("The victims have not been named.", {"person", "organization"}),
    ("The brewery was sold for an undisclosed sum.", {"money"}),
    ("Terms of the deal were not disclosed.", {"money"}),
    ("The company would not confirm the price.", {"money"}),
    ("It is unclear why the dam gave way.", {"reason"}),
    ("The ministry gave no reason for the delay.", {"reason"}),
    ("Investigators have not said how the fire started.", {"manner"}),
    ("The agency has also not said how long the car park will be closed.", {"number"}),
    ("The council did not say which contractor would rebuild the school.", {"which"}),
    ("No date has been set for the hearing.", {"date"}),
    ("It is still not known whether the school will reopen.", {"whether"}),
    ("The club has not yet decided whether to sell the ground.", {"whether"}),
    ("The council has not decided when the road will reopen.", {"date"}),
    ("He would not put a date on when, or whether, the routes might return.", {"date"}),
    ("The bursar will retire in June, the college said, without giving a reason.", {"reason"}),
    ("The ferry line was sold without saying how much the buyer paid.", {"money", "number"}),
    ("The band split up without explanation.", {"reason"}),
    ("The team left without naming a new captain.", {"person", "organization"}),
    ("Three tenants settled with the landlord on terms that were not disclosed.", {"money"}),
    ("The start-up has never disclosed its valuation.", {"money"}),
    ("The ferry company does not publish its accounts.", {"money"}),
    ("The farm declined to give an estimate of the damage.", {"money", "number"}),
    ("The ministry did not publish the figures.", {"money", "number"}),  # a plural noun
])
def test_a_sentence_that_says_what_is_not_known(sentence, kinds):
    assert withheld(sentence) == kinds


@pytest.mark.parametrize("sentence", [
    "The mayor said the bridge would reopen in May.",
    "The minister did not comment.",  # not known: nothing in particular
    "He said he did not know the driver.",  # a person he did not know, not one the article withholds
    "The plan was not announced until March.",
    "She did not say anything new, but named her deputy, Ana Ruiz.",
    "She left without saying goodbye.",  # "without" a word of saying, and nothing it leaves open
    "The bank, without giving details, said profits rose.",
    "He has never been to Paris.",
])
def test_a_sentence_that_withholds_nothing(sentence):
    assert withheld(sentence) == set()


@pytest.mark.parametrize("question, kind, expected", [
    ("Why did the dam give way?", "other", "reason"),
    ("How did the fire start?", "other", "manner"),
    ("Which contractor will rebuild the school?", "other", "which"),
    ("What did the mayor say about the bridge?", "other", "other"),
    ("When will the stadium open?", "date", "date"),
    ("Will the school reopen?", "other", "whether"),  # a yes or no
    ("Has the club sold the ground?", "other", "whether"),
])
def test_what_a_question_asks_for(question, kind, expected):
    assert asked(question, kind) == expected


FERRY = """Ferry operator names new route

Northsound Ferries will open a route between Carrick and the island of Tolsay in June, the company said on Monday.

The company did not say how much the new ferry had cost. Its chief executive, Moira Keld, said the crossing would take 50 minutes.

Northsound has not named a captain for the new ferry. It has not said where the ferry was built.

It is not yet known whether the old ferry, the Tolsay Maid, will be sold.

Storms damaged 40 boats in the harbour last winter, but the company did not say how many of them were ferries.
"""


@pytest.mark.parametrize("question", ["How much did the new ferry cost?", "Who will captain the new ferry?",
                                      "Which shipyard built the new ferry?", "Will the Tolsay Maid be sold?",
                                      "How many ferries did the storms damage?"])  # 40 boats: not how many ferries  # "which": "where" leaves it open
def test_asked_what_the_articles_say_is_not_known_the_answer_says_so(one_article, question):
    import rag

    cfg = one_article("ferry.txt", FERRY)
    a = rag.answer(question, config=cfg)
    assert a.abstained and a.reason.startswith("the articles say it is not known"), (a.text, a.reason)
    said = rag.answer("How long will the crossing take?", config=cfg)  # beside it, what is known is answered
    assert not said.abstained and "50 minutes" in said.text


@pytest.mark.parametrize("sentence, kinds", [
    ("The valuation at the start-up's last funding round, in 2024, has never been made public.", {"money"}),
    ("The price of the house was never disclosed.", {"money"}),
    ("The name of the buyer, a collector, was not given.", {"person", "organization"}),
    ("The fee has been paid, but the date was not disclosed.", {"date"}),  # the date, not the fee
    ("The value of the shares has risen, and it was not disclosed by whom.", set()),
    ("Terms of the licence deal with the Saskatoon seed company, including how royalties will be shared, "
     "have not been disclosed.", {"money", "manner"}),  # what the aside says is withheld too
])
def test_a_noun_never_made_public_with_what_it_is_of_and_an_aside(sentence, kinds):
    assert withheld(sentence) == kinds


@pytest.mark.parametrize("sentence, kinds", [
    ("The mayor said no decision had been taken on whether the city would contribute, or how much.",
     {"whether", "money", "number"}),  # what else the clause leaves open
    ("The university said it was too early to say when the first seeds would reach farmers.", {"date"}),
    ("No decision has been made on where the plant will be built.", {"place"}),
    ("It is not yet known whether the plant will reopen, and when.", {"whether", "date"}),
    ("It was too early to say, she said, adding that 40 people were hired.", set()),  # says nothing of what
])
def test_too_early_to_say_and_no_decision_leave_open_what_follows(sentence, kinds):
    assert withheld(sentence) == kinds


@pytest.mark.parametrize("sentence, noun, holds", [
    ("The club declined to disclose the interest rate on the loan.", "rate", True),
    ("The firm did not reveal the fees for the deal, its spokesman said.", "fee", True),
    ("The club declined to disclose the interest rate on the loan.", "price", False),  # another noun
    ("He did not say the rates would rise.", "rate", False),  # what he did not say, not the rate
])
def test_a_what_noun_question_is_left_open_by_a_sentence_that_will_not_tell_that_noun(sentence, noun, holds):
    from rag.withheld import withholds_noun

    assert withholds_noun(sentence, noun) is holds


@pytest.mark.parametrize("sentence, clauses", [
    ("Officials did not say when residents could return.", [({"date"}, "when residents could return.")]),
    ("It has not said which company it is talking to.", [({"which"}, "which company it is talking to.")]),
    ("It is not known whether the school will reopen.", [({"whether"}, "whether the school will reopen.")]),
    ("The fee was not disclosed.", []),  # what it is the fee of, no question word says
    ("The seller, whose name has not been made public, spoke.", []),
])
def test_the_clauses_that_say_with_a_question_word_what_is_not_known(sentence, clauses):
    from rag.withheld import withheld_clauses

    assert withheld_clauses(sentence) == clauses
