"""A question's shape and a sentence -> whether the sentence can answer it: a figure asked for at
a rate ("How much does she earn per week?") needs a sentence that states one, and "When ...?" a
sentence that says when, in any words.

These are read from the words of English alone, the way `rag.question` reads a question's kind:

>>> states_rate("How much will he earn per week?", "He joined for a fee of 42 million euros.")
False
>>> says_when("Members vote after a general debate.")  # doctest: +SKIP
True
"""

from __future__ import annotations

import re

# "In what year ...?": a year, which "December 8" does not give ("the 1720s", "'98" do).
YEAR = re.compile(r"\b\d{3,4}s?\b|['’]\d\d\b")

# A figure asked for at a rate: "per week", "a year", "each fisherman", "every month".
_TIME_UNITS = {"hour": "hourly", "day": "daily", "week": "weekly", "month": "monthly", "year": "(?:yearly|annual(?:ly)?)"}
# "a year earlier", "a week ago" place something in time: no rate.
_RATE_ASKED = re.compile(rf"\b(?:per|each|every|a|an)\s+({'|'.join(_TIME_UNITS)})s?\b(?!\s+(?:earlier|ago|before|later|after|on)\b)"
                         r"|\b(?:per|each|every)\s+([a-z]{3,})\b", re.I)


def states_rate(question: str, sentence: str) -> bool:
    """Does `sentence` state a figure at the rate the question asks for one, if it asks ("How much
    does she earn per week?" is not answered by "a fee of 42 million euros"; "a week", "weekly" or
    "per week" answer it, and "each" or "apiece" a question for "each fisherman")?

    >>> states_rate("How much will he earn per week?", "He signed for a fee of 42 million euros.")
    False
    >>> states_rate("How much will he earn per week?", "He will earn 90,000 pounds a week."), states_rate("How much?", "42 euros.")
    (True, True)
    >>> states_rate("By how much did loans rise compared with a year earlier?", "Loans rose 11%.")
    True
    """
    m = _RATE_ASKED.search(question)
    if m is None:
        return True
    unit = (m.group(1) or m.group(2)).lower()
    if m.group(1):  # a span of time: "a week", "per week", "weekly"
        rate = rf"\b(?:per|a|an|each|every)\s+{unit}\b|\b{_TIME_UNITS[unit]}\b"
    else:  # "each fisherman": "per fisherman", "each", "apiece"
        rate = rf"\b(?:per|a|an|each|every)\s+{re.escape(unit[:4])}|\b(?:each|apiece|per head|per capita)\b"
    return re.search(rate, sentence, re.I) is not None


# Words that place something in time without a date: "at the beginning of each session", "after
# the debate", "when Germany began", "later", "that spring".
_TEMPORAL = re.compile(r"\b(?:when|whenever|after|afterwards|before|during|while|until|till|since|once|later|earlier|"
                       r"then|now|today|tonight|yesterday|tomorrow|ago|soon|recently|currently|formerly|previously|"
                       r"early|late|beginning|end|start|time|times|period|era|age|reign|stage|session|season|spring|"
                       r"summer|autumn|winter|morning|afternoon|evening|night|day|days|week|weeks|month|months|year|"
                       r"years|decade|decades|century|centuries|next|last|first)\b", re.I)


def says_when(text: str) -> bool:
    """Does `text` place anything in time: a date, a year, or a word of time ("after the debate")?
    A "When ...?" question is not answered by sentences that say nothing of when.

    >>> says_when("Simon Adeyemi, the chief executive, said the company accepted the findings."), says_when("It met after the vote.")
    (False, True)
    """
    from .entities import entities

    return bool(_TEMPORAL.search(text) or YEAR.search(text) or any(k == "date" for k, _ in entities(text)))
