"""A "Who/What is X?" question + candidate sentences -> the one that says what X is, or introduces X.

Asked who someone is, a reader wants what the articles call them. A sentence that says it ("X is
a ...", "X, a ...,") is the answer; failing that, news names a person in full, with their title,
where it first brings them in ("Slovenian Prime Minister Miro Cerar has attended ...") and by
surname after ("Cerar said ..."), so the sentence to quote is the one whose mention of X is
longest, title and name together: the copula, appositive and title patterns by which TREC's
definition questions were answered. Which sentences are relevant at all is still the judge's
to say.

>>> target("Who is Cerar?"), target("What is Frontex?"), target("Who signed the bill?")
('Cerar', 'Frontex', '')
>>> mention_length("Mr Grant, the mayor, said no.", "Grant"), mention_length("Grant said no.", "Grant")
(4, 1)
>>> mention_length("She met the Mayor of Leeds, Tom Grant.", "Grant")
5
"""

from __future__ import annotations

import re

import regex

from .lexical import fold

# "Who is X?", "Who's X?", "Who were X and Y?", "What is Frontex?": nothing asked but who or
# what they are.
# Matched against the question less its closing "?" and spaces, so that no two parts of the
# pattern compete for the same spaces (a question of 2,000 spaces must not take minutes).
_WHO_IS = re.compile(r"^\W*(?P<wh>who|what)(?:['’]s| is| was| are| were)\s+(?P<x>[^?\s][^?]*)$", re.I)
# X must be a name: a few words, none of them a word that would make the question ask more.
_NOT_A_NAME = re.compile(r"\b(?:the|a|an|he|she|it|they|this|that|these|those|who|which|what|there|in|at|on|by|for|to|with|from|responsible|behind)\b", re.I)
_JOINS = ("of", "for", "and", "the", "de", "van", "von", "al", "bin")
_JOIN = "|".join(_JOINS)
# A run of capitalized words, with the small words that join names and titles ("Minister of the
# Interior", "Commissioner for Home Affairs").
_CAP = r"\(?\p{Lu}[\w’'.-]*\)?"  # "Šefic", "(Frontex)"
_RUN_OF = rf"{_CAP}(?:\s+(?:(?:{_JOIN})\s+)*{_CAP})*"
_RUN = regex.compile(_RUN_OF)
# An appositive after the name: ", the minister of ...," / ", a former ...,".
_APPOSITIVE = re.compile(r"^\s*,\s+(?:the|a|an)\s+[^,]{2,60},")
# A title set before the name by a comma: "the Minister of Security, Nenad Nesic".
_TITLE_BEFORE = regex.compile(rf"({_RUN_OF}),\s*$")


def target(question: str) -> str:
    """The name a "Who is X?" question asks about, or "" when it asks something else."""
    m = _WHO_IS.match(question.strip().removesuffix("?").rstrip())
    if not m:
        return ""
    x = m.group("x").strip(" \"'“”")
    if not 1 <= len(x.split()) <= 4 or _NOT_A_NAME.search(x):
        return ""
    # A name is capitalized, unless the whole question is typed in lower case ("who is merkel");
    # "what is accommodation" asks what a word means, so "what" needs the capitals.
    cased = question != question.lower()
    if not cased and m.group("wh").lower() == "what":
        return ""
    return x if not cased or all(w[:1].isupper() or w in _JOINS for w in x.split()) else ""


def mention_length(sentence: str, name: str) -> int:
    """How many words the sentence's longest mention of `name` takes: the capitalized run that
    holds the name's last word (its title and full name), plus two for an appositive after it
    ("Grant, the mayor,") and the words of a title before it ("the Mayor of Leeds, Tom Grant").
    0 when the sentence does not name it."""
    last = _last_word(name)
    best = 0
    for run in _RUN.finditer(sentence):
        if last.search(fold(run.group())):
            words = len(run.group().split()) + (2 if _APPOSITIVE.match(sentence[run.end():]) else 0)
            if title := _TITLE_BEFORE.search(sentence[max(0, run.start() - 160) : run.start()]):  # a title is short
                words += len(title.group(1).split())
            best = max(best, words)
    return best


def defines(sentence: str, name: str) -> bool:
    """Does the sentence say what `name` is: "X is a ...", "X was the ...", "X, a ...,"? That is
    the definition itself (TREC's copula and appositive patterns), better than any mention.

    >>> defines("Tymnet was an international data network.", "Tymnet"), defines("Tymnet grew.", "Tymnet")
    (True, False)
    """
    said = rf"{_last_word(name).pattern}(?:\s+\([^()]*\))?(?:\s+(?:is|was|are|were)|\s*,)\s+(?:a|an|the|one)\s"
    return bool(re.search(said, fold(sentence), re.I))


def _last_word(name: str) -> re.Pattern:
    """The name's last word as a whole word, accents folded ("Nesic" names "Nenad Nešić")."""
    return re.compile(rf"(?<!\w){re.escape(fold(name.split()[-1]))}(?!\w)", re.I)


def introducing(name: str, sentences: list[str], scores) -> int | None:
    """The index of the sentence to quote first for "Who is `name`?": of the candidates (the
    choice model's shortlist), one that says what it is (`defines`), else the one with the longest
    mention of the name, the better scored on a tie. None when none does better than the
    best-scored one already does.

    >>> introducing("Grant", ["Grant said no.", "Mayor Tom Grant opened the bridge."], [2.0, 1.0])
    1
    """
    best = max(range(len(scores)), key=lambda i: scores[i])
    # A definition outranks any mention; among mentions, the longest.
    rank = [(defines(s, name), mention_length(s, name)) for s in sentences]
    better = [i for i in range(len(scores)) if rank[i] > rank[best]]
    return max(better, key=lambda i: (rank[i], scores[i])) if better else None
