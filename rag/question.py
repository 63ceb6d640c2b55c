"""A question -> what a sentence must hold to answer it: the expected answer type, key terms.

Classic extractive QA (the TREC QA track's answer typing): "How many ..." wants a figure,
"When ..." a date, "Who ..." a name. A sentence about the right topic that lacks any candidate
of that type does not answer the question, which is how on-topic questions the articles never
answer get refused instead of answered with the nearest sentence.

>>> q = analyze("How many migrants did Bosnia register in 2019?")
>>> q.kind, q.salient
('number', ('bosnia', '2019'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexical import tokenize

MONTHS = "january february march april may june july august september october november december"
DAYS = "monday tuesday wednesday thursday friday saturday sunday"
NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred hundreds thousand thousands million millions billion dozen dozens half"
_NUM = re.compile(r"\d")
# Month and day names only capitalized: "may" is usually a verb.
_DATE = re.compile(
    rf"\b(\d{{4}}|{MONTHS.title().replace(' ', '|')}|{DAYS.title().replace(' ', '|')}"
    r"|today|yesterday|tomorrow|week|month|year|weekend|decade|century)\b"
)
_MONEY = re.compile(r"[€$£]|\b(euros?|dollars?|pounds|EUR|USD|francs?|dinars?|kunas?|marks?)\b")
# A place: a name after a locative preposition ("in Sarajevo", "at the EU's borders"), or a
# common noun after one with an indefinite article ("to an island").
_PLACE = re.compile(
    r"\b(?:in|at|to|from|near|into|onto|outside|inside|across|via|through|towards)\s+"
    r"(?:(?:the|a|an)\s+)?([A-Z][\w’'-]+)|\b(?:to|on|into|onto)\s+(?:a|an)\s+([a-z][\w-]+)"
)
_FIGURE = re.compile(r"\d(?:[\d,.]*\d)?")  # 5,000 and 3.5 are one figure each
_NUMBER = re.compile(rf"{_FIGURE.pattern}|\b(?:{NUMBER_WORDS.replace(' ', '|')})\b", re.I)
_CAPITALIZED = re.compile(r"(?<![.!?\"“] )(?<!^)\b[A-Z][\w’'-]*[a-z][\w’'-]*|\b[A-Z]{2,}\b")
_NAME_RUN = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*(?: [A-Z][\w’'-]*[a-z][\w’'-]*)+")

# Wh-patterns, checked in order; the first match decides the expected answer type.
KINDS = [
    ("money", re.compile(r"\bhow much (money|funding|aid|did \w+ cost|does \w+ cost)\b|\bwhat (was|is|were) the cost\b", re.I)),
    ("nationality", re.compile(r"\b(which|what) (country's|nationality|nationalities)\b", re.I)),
    ("number", re.compile(r"\bhow (many|much|large|big|high|long|far|often)\b|\bwhat (number|percentage|share|amount|figure|proportion)\b", re.I)),
    ("date", re.compile(r"^\s*when\b|\b(what|which) (date|day|year|month|time)\b|\bsince when\b|\bon what date\b", re.I)),
    ("place", re.compile(r"^\s*where\b|\b(which|what) (city|town|country|place|capital|venue)\b", re.I)),
    ("person", re.compile(r"^\s*(who|whom|whose)\b|\bwhat is the name of\b|\b(which|what)( \w+)? (person|official|minister|chancellor|leader|commissioner|president|secretary)\b", re.I)),
]


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    kind: str  # money | nationality | number | date | place | person | other
    terms: tuple[str, ...]  # stemmed content terms (BM25 tokenizer)
    salient: tuple[str, ...]  # lower-cased names and figures the answer must be about


def analyze(question: str, stemmer: str = "english") -> QuestionInfo:
    """`stemmer` must be the index's BM25 stemmer, so the terms match its vocabulary."""
    kind = next((name for name, pattern in KINDS if pattern.search(question)), "other")
    terms = tuple(dict.fromkeys(tokenize([question], stemmer)[0]))
    return QuestionInfo(question, kind, terms, salient_terms(question))


def salient_terms(text: str) -> tuple[str, ...]:
    """Proper names (capitalized, not sentence-initial) and figures: the specifics of a question."""
    names = [re.sub(r"['’]s$", "", m.group().lower()) for m in _CAPITALIZED.finditer(text)]
    figures = _FIGURE.findall(text)
    return tuple(dict.fromkeys(names + figures))


def mentions(text: str, term: str) -> bool:
    """Does `text` mention `term`, allowing inflection ("Bosnian" for "Bosnia", "Frontex's")?

    >>> mentions("Bosnian police", "bosnia"), mentions("in 2017", "2018")
    (True, False)
    """
    low = text.lower()
    if _NUM.search(term):
        return re.search(rf"(?<![\d,.]){re.escape(term)}(?![\d,])", low) is not None
    stem = term[: max(4, len(term) - 2)] if len(term) > 5 else term
    return re.search(rf"\b{re.escape(stem)}", low) is not None


def has_candidate(kind: str, sentence: str, question: str) -> bool:
    """Does `sentence` hold something of the expected type that the question did not say?"""
    if kind == "other":
        return True
    if kind == "number":
        found = [m.group().lower() for m in _NUMBER.finditer(sentence)]
        return any(not mentions(question, f) for f in found)
    if kind == "date":
        return any(not mentions(question, m.group().lower()) for m in _DATE.finditer(sentence))
    if kind == "person":  # a full name: two or more capitalized words, one of them new
        return any(
            len(run.split()) >= 2 and any(not mentions(question, w.lower()) for w in run.split())
            for run in (m.group() for m in _NAME_RUN.finditer(sentence))
        )
    if kind == "money":
        return _MONEY.search(sentence) is not None
    if kind == "place":
        return any(not mentions(question, (m.group(1) or m.group(2)).lower()) for m in _PLACE.finditer(sentence))
    # nationality: a name in the sentence that the question does not already contain
    return any(not mentions(question, n) for n in (m.group().lower() for m in _CAPITALIZED.finditer(sentence)))
