"""Tests for rag.question: answer kinds of questions, salient terms, candidates.

The questions and sentences are general news English written for these tests, not taken from
seeds/: the answerer must type answers in any corpus. `has_candidate` runs spaCy's real model.
"""

from __future__ import annotations

import pytest

from rag.mentions import mentions
from rag.question import ACCEPTS, analyze, candidates, has_candidate, holding_role, salient_terms


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


def test_a_question_for_a_city_is_not_answered_by_a_country():
    from rag.question import analyze, has_candidate

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
    from rag.question import analyze, has_candidate

    qi = analyze("In which city did the trade ministers meet?")
    assert not has_candidate(qi, "The trade ministers met to discuss exports to Asia and Europe.")
    assert not has_candidate(qi, "The trade ministers of the Nordic countries met in Scandinavia.")
    assert not has_candidate(qi, "The trade ministers of the EU met on Tuesday.")
    assert has_candidate(qi, "The trade ministers met in Lisbon on Tuesday.")
    assert settlements("Ministers from Asia and Peru met in Lima.") == ("lima",)


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
    from rag.question import candidates

    qi = analyze('Who said "Anna Berg will resign in May"?')
    found = candidates(qi, "“Anna Berg will resign in May,” Piotr Nowak said.")
    assert ("person", "piotr nowak") in found and ("person", "anna berg") in found
    plain = analyze("Who said Anna Berg will resign in May?")  # no quotation: she is what was said of
    assert ("person", "anna berg") not in candidates(plain, "“Anna Berg will resign in May,” Piotr Nowak said.")


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


def test_a_person_asked_for_by_heading_is_quoted_from_a_sentence_saying_a_heads_role():
    qi = analyze("Who leads the teachers' union?")
    texts = ["The teachers' union set up picket lines at dawn.", "Ana Ruiz, the union's president, said talks had failed."]
    assert holding_role(qi, texts, [2.0, 1.0]) == 1


def test_a_person_named_in_full_is_mentioned_by_the_surname():
    # news names a person in full once and by surname after: "Breuer said ..." is about Thomas Breuer
    assert analyze("What did Thomas Breuer say about the tram?").salient == ("breuer",)
    assert analyze("What did Breuer say about Aachen?").salient == ("breuer", "aachen")


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


def test_a_person_asked_for_by_role_is_quoted_from_a_sentence_that_says_the_role():
    from rag.question import holding_role

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
    from rag.question import leaves_unnamed

    assert leaves_unnamed(analyze(question), sentence) is unnamed


def test_a_sentence_that_speaks_of_the_role_unnamed_is_quoted_before_one_that_does_not_say_it():
    qi = analyze("What is the name of the pilot who was on the bridge?")
    sentences = ["The ship will sail to Rotterdam for repairs.", "A local pilot was on the bridge at the time."]
    assert holding_role(qi, sentences, [2.0, 1.0]) == 1
    assert holding_role(qi, sentences + ["The pilot, Jan de Vries, was on the bridge."], [2.0, 1.0, 0.5]) == 2


@pytest.mark.parametrize("question, sentence, holds", [  # the rates themselves: tests/test_shapes.py
    ("How much will the striker earn per week?", "He joined for a fee of 42 million euros.", False),  # a fee, not pay a week
    ("How much will the striker earn per week?", "He will earn about 90,000 pounds a week.", True),
])
def test_a_figure_asked_for_at_a_rate_needs_a_sentence_stating_one(question, sentence, holds):
    assert has_candidate(analyze(question), sentence) is holds


@pytest.mark.parametrize("question, kind", [
    ("When he arrived at the meeting, what did the minister say?", "other"),  # a clause of time, then the question
    ("When a commission reached no decision, what happened?", "other"),
    ("When, after the vote, did he leave?", "date"),
    ("When did the war end?", "date"),
])
def test_a_clause_of_time_before_the_question_asks_nothing_of_when(question, kind):
    assert analyze(question).kind == kind


def test_which_role_is_quoted_from_a_sentence_that_says_the_role_and_names_someone():
    qi = analyze("Which successor to the king resumed the persecution?")
    sentences = ["The uprising came a decade after the king's death.", "His successor Louis XIII resumed the persecution."]
    assert holding_role(qi, sentences, [2.0, 1.0]) == 1
    assert holding_role(analyze("Which city resumed the persecution?"), sentences, [2.0, 1.0]) is None  # no role asked
