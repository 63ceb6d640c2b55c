"""A question's analysis + a sentence -> what the sentence holds of the kind of thing asked for.

A sentence answers "Who forced Ethelred out?" only if it names a person the question does not:
the candidates are the recognizer's entities of the kinds the question accepts (`rag.entities`),
narrowed by what the question's form asks for (a year, a time of day, an age, a share, a count
of things rather than of minutes or euros) and widened by the names a role stands beside.

>>> from rag.question import analyze
>>> candidates(analyze("How old is Raman?"), "Raman, 41, said he would stay.")
[('number', '41')]
"""

from __future__ import annotations

import re

from .byrole import role_asked, titled_names
from .mentions import FIGURE, mentions
from .question import _W, QuestionInfo, asked_part, asks_speaker
from .shapes import YEAR, states_rate

# A date that names a point in the calendar (a month, a year, a century), which "this weekend" does not.
_CALENDAR_WORDS = re.compile(r"\d|\b(?:january|february|march|april|may|june|july|august|september|october|"
                             r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|century|centuries)\b", re.I)
# "What percentage of the vote ...?": a share stated as one, which "14 seats" is not.
_PERCENT_ASKED = re.compile(rf"\b{_W} (?:percentage|percent|per cent)\b|\bhow many percent\b", re.I)
_PERCENT = re.compile(r"(\d(?:[\d,.]*\d)?)\s*(?:%|per\s?cent\b|percentage points?\b)", re.I)
# "In what year ...?": a year, which "December 8" does not give ("the 1720s", "'98" do).
_YEAR_ASKED = re.compile(rf"\b{_W} year\b", re.I)
# A time of day: "14:22", "9 a.m.", "at dawn".
_CLOCK_WORDS = re.compile(r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2}\s*(?:a\.?m\b\.?|p\.?m\b\.?|o['’]clock\b)|\b(?:noon|midday|"
                          r"midnight|dawn|dusk|morning|afternoon|evening|night)\b", re.I)
# An age as news writes one: "a 44-year-old teacher", "aged 44", "at the age of 44", "Raman, 41, said".
_AGE = re.compile(r"(?P<age>\b\d{1,3}[- ]years?[- ]old\b|\baged\s+\d{1,3}\b|\bage of\s+\d{1,3}\b)"
                  r"|\b[A-Z][\w'’-]+,\s+(?P<beside>\d{1,3}),")
# What is inside quotation marks: asked who said it, its names are what was said.
_QUOTATION = re.compile(r'"[^"]*"|“[^“”]*”')
# "How many ...?" counts things, which the figures of a date do not ("How many years ...?" may be told by them).
_COUNT_ASKED = re.compile(r"\bhow many (?!(?:\w+ )?(?:years|months|weeks|days|hours|minutes|seconds|decades|centuries|"
                          r"times)\b)", re.I)
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d\d\b")  # "14:22": a time of day, which the recognizer may call a number


def has_candidate(qi: QuestionInfo, sentence: str) -> bool:
    """Does `sentence` hold something of the kind asked for that the question does not say?

    >>> has_candidate(analyze("Which leader said Greece was not doing enough?"),
    ...               "Merkel explicitly underscored that Greece was not doing enough.")  # doctest: +SKIP
    True
    """
    return not qi.accepts or bool(candidates(qi, sentence))


# The kind of entity that answers each kind of question most directly: "Who ...?" is answered by
# a person where the evidence names one, though an organization may answer it where none is named.
FIRST_CHOICE = {"person": {"person"}, "place": {"place"}, "date": {"date"}, "number": {"number", "money"},
                "money": {"money"}, "group": {"group"}}


def candidates(qi: QuestionInfo, sentence: str, first_choice: bool = False) -> list[tuple[str, str]]:
    """(kind, lower-cased text) of what `sentence` holds of the kind asked for, that the question
    does not say; `first_choice`: of the kind that answers most directly (`FIRST_CHOICE`).

    >>> candidates(analyze("Who forced Ethelred out?"), "Ethelred was forced out by Sweyn Forkbeard.")  # doctest: +SKIP
    [('person', 'sweyn forkbeard')]
    """
    accepts = {"person"} if qi.by_role else FIRST_CHOICE.get(qi.kind, set()) if first_choice else qi.accepts
    if not accepts:
        return []
    from .entities import entities, measures, settlements

    if qi.settlement:  # a city or town: not a country, a continent, a region or a building
        found = [("place", text) for text in settlements(sentence)]
    else:
        found = [(kind, text) for kind, text in entities(sentence) if kind in accepts]
    if qi.calendar:  # "this weekend" is a date to the recognizer, not an answer to "On what date?"
        found = [(kind, text) for kind, text in found if kind != "date" or _CALENDAR_WORDS.search(text)]
        if _YEAR_ASKED.search(qi.text):  # nor "December 8" to "In what year ...?"
            found = [(kind, text) for kind, text in found if kind != "date" or YEAR.search(text)]
    if qi.clock:  # "at 14:22" is a figure to the recognizer, "on Monday" a date: a time of day answers
        found = [(kind, text) for kind, text in found if kind != "date" or _CLOCK_WORDS.search(text)]
        found += [("date", m.group().lower()) for m in _CLOCK_WORDS.finditer(sentence)
                  if not any(m.group().lower() in text for _, text in found)]
    if qi.age:  # "a 44-year-old teacher", "Raman, 41,": an age, not any figure
        found = [("number", (m["age"] or m["beside"]).lower()) for m in _AGE.finditer(sentence)]
    elif _PERCENT_ASKED.search(qi.text):  # "27.1 percent", "40%": a share, not any figure
        found = [("number", m.group(1)) for m in _PERCENT.finditer(sentence)]
    elif "number" in accepts:
        figures = FIGURE.findall(sentence)
        counts = _COUNT_ASKED.search(qi.text)
        if counts:  # "How many councillors ...?" is not answered by "January 1, 2027"
            dated = {f for kind, text in entities(sentence) if kind == "date" and _CALENDAR_WORDS.search(text)
                     for f in FIGURE.findall(text)}
            # nor by "31 minutes", "14:22" or "5 million euros", unless it counts their unit ("How many euros ...?")
            asked_units = {w[:4] for w in re.findall(r"[a-z]{3,}", qi.text[counts.end():].lower())[:3]}
            units = [m for m in measures(sentence) if not asked_units & {w[:4] for w in re.findall(r"[a-z]{3,}", m)}]
            units += [m.group() for m in _CLOCK_TIME.finditer(sentence)]
            measured = {f for text in units for f in FIGURE.findall(text)}
            found = [(kind, text) for kind, text in found if text not in units and not set(FIGURE.findall(text)) & measured]
            figures = [f for f in figures if f not in dated and f not in measured]
        found += [("number", f) for f in figures]
    if found and qi.kind in ("number", "money") and not states_rate(qi.text, sentence):  # "per week": not a fee
        found = [(kind, text) for kind, text in found if kind not in ("number", "money")]
    if qi.by_role or qi.heads:  # a name its role stands beside is a person's, whatever the recognizer makes of it
        titled = [("person", name) for name in titled_names(sentence, role_asked(asked_part(qi.text)))]
        found += [c for c in dict.fromkeys(titled) if c not in found]
    # Asked who said a quotation, the names inside it are what was said, not who said it.
    asked = _QUOTATION.sub(" ", qi.text) if asks_speaker(qi.text) else qi.text
    return [(kind, text) for kind, text in found if not _said(asked, text, kind)]


def keeps(sentence: str, candidate: tuple[str, str]) -> bool:
    """Does `sentence` name `candidate` (a person by their surname at least)?

    >>> keeps("Forkbeard forced him out.", ("person", "sweyn forkbeard")), keeps("He fled.", ("person", "sweyn forkbeard"))
    (True, False)
    """
    kind, text = candidate
    words = [w for w in re.findall(r"[\w’'-]+", text) if w not in ("the", "a", "an", "of")]
    if kind == "person" and len(words) > 1:
        words = words[-1:]
    return bool(words) and all(mentions(sentence, w) for w in words)


def _said(question: str, entity: str, kind: str = "") -> bool:
    """Is the entity already in the question (then it cannot be the answer)? A person is named
    by their surname: "Angela Merkel" is said by a question that names Merkel."""
    return keeps(question, (kind, entity))
