"""The role a person is asked for by, and the names a role stands beside."""

from __future__ import annotations

import re

import pytest

from rag.byrole import heading, role_asked, titled_names


@pytest.mark.parametrize("question, role", [
    ("Who is the harbour master of Tromsø?", "master"),  # not in the hand-made list: a noun WordNet gives
    ("What is the name of the lifeguard who saw it?", "lifeguard"),
    ("Who is the president of the club?", "president"),
    ("What is the name of the ferry?", None),
])
def test_the_role_asked_by(question, role):
    found = role_asked(question)
    assert (found and found[2]) == role or (found is None and role is None)


def test_a_verb_of_heading_asks_by_the_roles_that_say_it():
    assert heading("Who runs the bakery?") and heading("Who chairs the board?") and not heading("Who ran the race?")
    assert role_asked("Who owns the bakery?")[2].startswith("owner")


@pytest.mark.parametrize("sentence, says", [
    ("The firm's chief executive, Ana Ruiz, apologised.", True),
    ("Police chief Ana Ruiz said so.", True),
    ("The chief of the fire service, Ana Ruiz, said so.", True),
    ("Its chief technology officer, Ana Ruiz, left in May.", False),  # another officer, not the head
    ("The chief investigator, Ana Ruiz, said so.", False),
])
def test_chief_is_a_heads_title_not_the_first_word_of_another_officers(sentence, says):
    import re

    role = role_asked("Who runs the firm?")[2]
    assert (re.search(rf"\b(?:{role})", sentence, re.I) is not None) is says


def test_names_beside_a_role_whatever_the_recognizer_says():
    assert titled_names("The lifeguard, Mira Holt, saw it.", role_asked("Who was the lifeguard on duty?")) == ["mira holt"]
    assert titled_names("A lifeguard saw it.", role_asked("Who was the lifeguard on duty?")) == []


def test_after_its_role_one_word_may_be_the_whole_name_but_not_a_day():
    assert titled_names("The calf was born to 14-year-old mother Kibo on Sunday.") == ["kibo"]
    assert titled_names("The mayor Monday rejected the plan.") == []


@pytest.mark.parametrize("question, sentence", [
    ("Who is the CEO of Tamsin Foods?", "Chief executive Ruth Okonjo told analysts the plant would close."),
    ("Who is the chief executive of Tamsin Foods?", "Ruth Okonjo, the CEO, told analysts the plant would close."),
    ("What is the name of the company's CFO?", "Chief financial officer Piet Rademaker said margins fell."),
])
def test_an_officer_asked_for_abbreviated_is_found_spelled_out_and_the_reverse(question, sentence):
    role = role_asked(question)
    assert role is not None and titled_names(sentence, role)[-1] in ("ruth okonjo", "piet rademaker")
    assert not re.search(rf"\b(?:{role[2]})", "The chief financial officer of the club resigned.", re.I) or "cfo" in role[2]


def test_one_capitalised_word_is_a_surname_where_who_says_so():
    role = role_asked("Who is the chief executive of Tamsin Foods?")
    assert titled_names("Okonjo, who became chief executive in 2022, said talks would begin.", role) == ["okonjo"]
    assert titled_names("The board, who chose the chief executive, met.", role) == []
    assert titled_names("Okonjo, who met the chief executive, said so.", role_asked("Who is the mayor?")) == []
