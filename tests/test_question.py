"""Tests for rag.question: answer kinds of questions, salient terms, what a conversation gave.

The questions and sentences are general news English written for these tests, not taken from
seeds/: the answerer must type answers in any corpus. spaCy's real model reads them.
"""

from __future__ import annotations

import pytest

from rag.mentions import mentions
from rag.question import ACCEPTS, analyze, salient_terms


@pytest.mark.parametrize(
    "question, kind",
    [
        # who / which <person noun>
        ("Who won the election in Ohio?", "person"),
        ("Whose car was stolen outside the stadium?", "person"),
        ("Which leader visited Paris last week?", "person"),
        ("Which president signed the bill?", "person"),
        ("Which prime minister resigned after the vote?", "person"),
        ("What is the name of the new coach?", "person"),
        ("What was the name of the French minister who resigned?", "person"),
        ("What was the name of the president that signed it?", "person"),
        ("Which nephew inherited the estate?", "person"),
        # "what is the name of" asks for a person only when what is named is one
        ("What was the name of the law that raised the tax?", "other"),
        ("What is the name of the ship that sank in the storm?", "other"),
        ("What was the name of the river the army crossed?", "place"),
        ("What was the name of the city where the treaty was signed?", "place"),
        # which country / city, where
        ("Which country hosted the summit?", "place"),
        ("Which city will host the 2030 games?", "place"),
        ("Where did the storm make landfall?", "place"),
        ("And where did the fire start?", "place"),
        # how many / how long / how old, number nouns
        ("How many people attended the rally?", "number"),
        ("How long did the strike last?", "number"),
        ("How old is the mayor?", "number"),
        ("What percentage of voters backed the plan?", "number"),
        ("What is the population of the town?", "number"),
        # money
        ("How much money did the council spend?", "money"),
        ("What was the budget of the festival?", "money"),
        ("What is the annual budget of the coast guard?", "money"),  # a word or two may qualify it
        ("How much development aid does Norway give Chad?", "money"),
        ("How much will the new bridge cost?", "money"),  # any tense
        ("How much would a second runway cost?", "money"),
        ("What is the coach's annual salary?", "money"),  # a noun that names an amount of money
        ("What is Anna Maria Berg's salary?", "money"),
        ("what's the de Witte painting worth now?", "money"),  # what a thing is worth
        ("What is Dr. Miriam Okonjo's salary?", "money"),  # a title with its full stop
        ("Which analyst expected the cuts?", "person"),
        ("What will the shares be worth in May?", "money"),
        ("What was the start-up valued at in its last funding round?", "money"),  # what it was valued at
        ("What was the company's net profit in the third quarter?", "money"),
        ("What was the profit margin?", "other"),  # a share, not an amount
        ("How much compensation will the airline pay passengers?", "money"),  # "how much" + a money noun
        ("How much was the goalkeeper's signing bonus?", "money"),
        ("How much did the town spend on the festival?", "money"),  # a verb of paying
        ("How much is the recall going to cost the dairy?", "money"),
        ("Which shop did the people who fell ill use?", "other"),  # "who" opens a relative clause
        ("What did the man who won say?", "other"),
        ("According to the police, who fired first?", "person"),
        ("What fee did the agency charge?", "money"),
        ("How much did the price of bread rise?", "number"),  # a rise, not an amount: "how much did the"
        ("How much did the river rise?", "number"),
        ("What was the total number of visitors?", "number"),
        ("What is the current population of Lyon?", "number"),
        # when / what year
        ("When did the factory close?", "date"),
        ("What year did the bridge open?", "date"),
        ("In which year did the company go public?", "date"),
        ("Since when has the road been closed?", "date"),
        # nationalities, languages
        ("What nationality is the new coach?", "group"),
        ("What language do they speak in the region?", "group"),
        # nothing in particular
        ("Why did the talks collapse?", "other"),
        ("What did the union demand?", "other"),
    ],
)
def test_analyze_kind(question: str, kind: str) -> None:
    assert analyze(question).kind == kind


def test_which_countrys_asks_for_a_group() -> None:
    assert analyze("Which country's prime minister resigned?").kind == "group"


@pytest.mark.parametrize(
    "question, accepts",
    [
        ("Who signed the bill?", {"person", "organization", "group"}),
        ("How many people attended the rally?", {"number", "money"}),
        ("How long did the strike last?", {"number", "money", "date"}),  # "three weeks" is a DATE
        ("How old is the mayor?", {"number", "money", "date"}),
        ("When did the factory close?", {"date"}),
        ("Why did the talks collapse?", set()),  # any sentence may answer
        # a person asked for by their role: only a person's name answers
        ("Who is the mayor of Lyon?", {"person"}),
        ("Which chief executive resigned?", {"person", "organization", "group"}),
        ("What is the name of the city's new mayor?", {"person"}),
        ("Who was Portugal's first king?", {"person"}),
        ("What is the new mayor's name?", {"person"}),
        ("What was that minister's full name?", {"person"}),
        ("What is the theory that this king's name comes from?", set()),  # a theory, not the name
        ("Who was the ruling party in 1990?", {"person", "organization", "group"}),  # a party is no person
        ("Who is Ada Lovelace?", set()),  # named already: asks who she is (rag.definition), not for a name
        ("Where were the trial results published?", {"place", "organization", "work"}),  # in a journal
        ("Where did the Normans settle?", {"place"}),
    ],
)
def test_accepted_entity_kinds(question: str, accepts: set) -> None:
    assert analyze(question).accepts == accepts


def test_every_kind_accepts_entity_kinds_the_recognizer_produces() -> None:
    from rag.entities import KIND_OF_LABEL

    produced = set(KIND_OF_LABEL.values())
    for kind, accepted in ACCEPTS.items():
        assert accepted <= produced, kind


@pytest.mark.parametrize(
    "question, negated",
    [
        ("Which country did not sign the treaty?", True),
        ("Who hasn't paid the fine?", True),
        ("Who never voted?", True),
        ("Who signed the treaty?", False),
        ("Which notable guests came?", False),  # "not" only inside a word
    ],
)
def test_negated(question: str, negated: bool) -> None:
    assert analyze(question).negated is negated


def test_analyze_fields() -> None:
    q = analyze("How many migrants did Bosnia register in 2019?")
    assert q.text == "How many migrants did Bosnia register in 2019?"
    assert q.salient == ("bosnia", "2019")
    assert q.terms == ("how", "mani", "migrant", "did", "bosnia", "regist", "2019")


def test_analyze_terms_are_unique() -> None:
    assert analyze("Did migrants, and more migrants, come?").terms == ("did", "migrant", "more", "come")


def test_salient_terms_strip_possessives_and_skip_the_first_word() -> None:
    assert salient_terms("What did Frontex's and Slovenia’s ministers say about the EU?") == ("frontex", "slovenia", "eu")
    assert salient_terms("Bosnia registered 120 entries in 2018") == ("120", "2018")
    assert salient_terms("what did they say?") == ()


@pytest.mark.parametrize(
    "question, sentence",
    [
        ("Why did 5,000 entries alarm the town?", "The town registered almost 5,000 illegal entries."),
        ("Who pledged 3.5 million euros?", "The bank pledged 3.5 million euros."),
    ],
)
def test_salient_figures_with_separators_are_found_in_the_same_text(question: str, sentence: str) -> None:
    terms = salient_terms(question)
    assert terms
    assert [t for t in terms if not mentions(sentence, t)] == []


def test_country_names_from_pycountry():
    from rag.entities import is_country

    assert is_country("Chile") and is_country("the United Kingdom") and is_country("Bosnia and")
    assert not is_country("Lima") and not is_country("New York") and not is_country("Mexico City")


def test_given_by_marks_what_the_conversation_said_and_keeps_every_term_when_all_were_said():
    from rag.question import given_by

    history = [{"role": "user", "content": "Who did Anna Berg host?"}, {"role": "assistant", "content": "Piotr Nowak [1]."}]
    qi = given_by(analyze("What did Piotr Nowak say about quotas?"), history)
    assert "nowak" in qi.given and "quota" in qi.new_terms and "nowak" not in qi.new_terms
    assert qi.new_salient == ()
    same = given_by(analyze("Who did Anna Berg host?"), history)
    assert same.new_terms == same.terms  # nothing new: every term counts, as without history
    assert given_by(analyze("Who did Anna Berg host?"), []).given == frozenset()


def test_a_follow_up_that_adds_only_function_words_is_asked_whole():
    # "all" alone was the new term, so the sentence with "all" in it was quoted
    from rag.question import given_by

    history = [{"role": "user", "content": "How many ferries sailed from Tallinn in May?"},
               {"role": "assistant", "content": "40 sailed in May, against 310 over the whole of 2019 [1]."}]
    for follow_up in ("How many sailed in all of 2019?", "And in all of 2019?"):
        qi = given_by(analyze(follow_up), history)
        assert qi.given == frozenset() and qi.new_salient == ("2019",), follow_up
    qi = given_by(analyze("How many sailed from Helsinki in all?"), history)
    assert "helsinki" in qi.new_terms and "sail" in qi.given  # a new name: what was said is given


def test_the_words_that_name_the_kind_of_answer_pick_no_sentence_in_a_follow_up():
    # "day" and "week" had been the follow-up's new words, and "next week" was quoted for "Thursday"
    from rag.question import given_by

    history = [{"role": "user", "content": "In which town did the ferry captains meet?"},
               {"role": "assistant", "content": "The ferry captains met in Turku on Monday to plan the route [1]."}]
    qi = given_by(analyze("On which day of the week did the ferry captains meet in Turku?"), history)
    assert qi.given == frozenset()  # nothing new but the kind asked for: asked whole
    qi = given_by(analyze("Which year did the ferry captains plan the new harbour?"), history)
    assert "harbour" in qi.new_terms and "year" not in qi.new_terms


def test_a_question_of_function_words_names_nothing():
    from rag.question import names_nothing

    for q in ("Who?", "Why is that?", "What about her?", "And?", "Hello!", "Who are you?"):
        assert names_nothing(q), q
    for q in ("Who won?", "Which one?", "What were the shoes made of?", "Wer ist der Bürgermeister?",
              "When was that? (Lagos, Adebayo)"):  # a follow-up's carried names count
        assert not names_nothing(q), q


@pytest.mark.parametrize(
    "question, by_role",
    [
        ("Who is the chief executive of the rail operator?", True),
        ("Who is the police chief?", True),
        ("What is the name of the club's owner?", True),
        ("What executive order did the governor sign?", False),  # "executive" alone names no one
        # any noun for a person (WordNet's, rag.lexicon), before a preposition, a relative clause or the end
        ("What is the name of the notary who tried to sell the painting?", True),
        ("What is the name of the outside microbiologist the lab brought in?", True),
        ("Who was the pilot on the night of the crash?", True),
        ("What is the name of the river that floods the town?", False),
        ("What is the name of the router in the lab?", False),  # a device before a worker
        ("Who were the Normans?", False),
    ],
)
def test_a_person_asked_for_by_a_business_role(question: str, by_role: bool) -> None:
    assert analyze(question).by_role is by_role


@pytest.mark.parametrize("question, heads", [
    ("Who runs the family bakery?", True),  # a verb of heading: a sentence saying a head's role is quoted first
    ("Who chairs the fishermen's association?", True),
    ("Who led the army at the battle?", False),  # an event, not who holds a role now
    ("Who is the mayor?", False),  # asked by the role itself
])
def test_a_person_asked_for_by_a_verb_of_heading(question: str, heads: bool) -> None:
    qi = analyze(question)
    assert qi.heads is heads and not (heads and qi.by_role)


def test_a_person_named_in_full_is_mentioned_by_the_surname():
    # news names a person in full once and by surname after: "Breuer said ..." is about Thomas Breuer
    assert analyze("What did Thomas Breuer say about the tram?").salient == ("breuer",)
    assert analyze("What did Breuer say about Aachen?").salient == ("breuer", "aachen")


@pytest.mark.parametrize("question, kind", [
    ("When he arrived at the meeting, what did the minister say?", "other"),  # a clause of time, then the question
    ("When a commission reached no decision, what happened?", "other"),
    ("When, after the vote, did he leave?", "date"),
    ("When did the war end?", "date"),
])
def test_a_clause_of_time_before_the_question_asks_nothing_of_when(question, kind):
    assert analyze(question).kind == kind
