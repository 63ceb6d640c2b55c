"""The question + the sentences an answer would quote -> whether the articles say, or show, that
what is asked is not known.

News says plainly what it does not know ("She did not say when the ambulance would be in place."),
and such a sentence may be quoted first, quoted with the first, or ranked just after it
(`says_unknown`, reading `rag.withheld`). A question that names a figure or a span of years no
article states is about something the articles do not cover (`never_stated`); one that names a
year that the sentences it would quote are not of, but of other years, is not answered by them
(`of_other_years`).

>>> never_stated("1990s", frozenset({"1995"})), never_stated("1,500", frozenset({"2015"}))
(False, True)
"""

from __future__ import annotations

import re
from typing import Iterable

from .candidates import has_candidate
from .counts import asked_noun
from .evidence import doc_sentences
from .lexical import tokenize
from .mentions import FIGURE, SPECIFIC_FIGURE, mentions, period, specific
from .question import QuestionInfo, function_terms
from .storage import Index
from .withheld import leaves_open, withheld, withheld_clauses, withholds_count_of, withholds_noun


def says_unknown(idx: Index, sent, kind: str, typed: bool, counts: str | None = None, noun: str = "",
                 runners_up=(), qi: QuestionInfo | None = None, stemmer: str = "english", further=(),
                 span=None) -> str:
    """Why to refuse when the sentence to be quoted, or one it carries (`quoted_span`), says that
    what is asked is not known ("It did not name a successor.", `rag.withheld`), and the sentence
    itself holds none of the entity kind asked for (`typed`: "She did not say when the ambulance
    would arrive; it left on Friday." answers "When did it leave?"), or says it is not known how
    many of the very things a "How many ...?" question counts (`counts`: "homes"), or will not tell
    the noun a "What <noun> ...?" question asks for (`noun`: "declined to disclose the interest
    rate"); "" otherwise.
    Besides it, from the same article, and holding none of the kind asked for itself (`qi`): a
    runner-up quoted with it (`runners_up`) that says so of something the question names ("About
    1,200 agreed to be retested next year. She did not say when the results would be published."
    does not say when the results will be); and a candidate ranked next that is not quoted
    (`further`), when it says so with a question word whose clause names something the question
    names ("Officials did not say when residents would be allowed to return home.").
    `span(idx, sentence)`: the (start, end) an answer quotes for a chosen sentence
    (`rag.generate.quoted_span`)."""
    if qi is not None:
        named = set(qi.terms) - function_terms(stemmer)  # not "when" or "much"
        counted_noun = asked_noun(qi.text) if qi.kind == "number" else None  # board members, not posts
        for other in further:
            if other.doc_id != sent.doc_id or (qi.accepts and has_candidate(qi, other.text)):
                continue
            for kinds, clause in withheld_clauses(other.text):
                if (leaves_open(kinds, kind) and set(tokenize([clause], stemmer)[0]) & named
                        and (not counted_noun or withholds_count_of(other.text, counted_noun))):
                    return f'the articles say it is not known: "{other.text.strip()}"'
    quoted = [(sent, typed)] + [(s, None) for s in runners_up if qi is not None and s.doc_id == sent.doc_id]
    if all(t and not counts for _, t in quoted):  # nothing to look for: most questions end here
        return ""
    for chosen, chosen_typed in quoted:
        start, end = span(idx, chosen)
        for i in doc_sentences(idx)[chosen.doc_id]:
            said = idx.sentences[i]
            if not (start <= said.start and said.end <= end):
                continue
            if chosen_typed is None and not set(tokenize([said.text], stemmer)[0]) & named:
                continue  # it withholds something else: "declined to say how much the city set aside"
            holds = chosen_typed if chosen_typed is not None else bool(qi.accepts) and has_candidate(qi, said.text)
            if ((not holds and (leaves_open(withheld(said.text), kind) or (noun and withholds_noun(said.text, noun))))
                    or (counts and withholds_count_of(said.text, counts))):
                return f'the articles say it is not known: "{said.text.strip()}"'
    return ""


_YEAR = re.compile(r"(?<![\w,.])(1[0-9]{3}|20[0-9]{2})(?![\w,]|\.\d)")


def _years(text: str) -> list[str]:
    """The years, decades and centuries a text names: "1998", "the 1990s", "the 17th century"."""
    spans = [specific(m.group()) for m in SPECIFIC_FIGURE.finditer(text)]
    return list(dict.fromkeys(_YEAR.findall(text) + [s for s in spans if period(s) is not None]))


def of_other_years(question: str, quoted: Iterable[str]) -> str:
    """Why to refuse when the question names a year, decade or century, no sentence to be quoted
    (`quoted`, the first first; read only when the question names one) mentions it (in any way `rag.mentions` reads: "a year earlier" after 2025 is 2024, 1995 is in
    the 1990s), and the first names other years: "What was the quota for 2026?" is not answered by
    "The 2025 quota was 310,000 tonnes." "" otherwise. Months and days are not judged so: "since
    January" is often written "since the beginning of the year" (a seed question was lost to it).

    >>> of_other_years("What was the quota for 2026?", ["The 2025 quota was 310,000 tonnes."])
    'the sentences that answer best are of 2025, not 2026'
    >>> of_other_years("What were sales in 2024?", ["Sales were 96 million in 2025, from 61 million a year earlier."])
    ''
    >>> of_other_years("What closed in the 1990s?", ["The mill closed in 1995."])
    ''
    >>> of_other_years("What did the mill make in the 1980s?", ["In 1995 it made paper."])
    'the sentences that answer best are of 1995, not 1980s'
    """
    asked = _years(question)
    if not asked:
        return ""
    quoted = list(quoted)
    if any(mentions(text, y) for text in quoted for y in asked):
        return ""
    other = [y for y in dict.fromkeys(_YEAR.findall(quoted[0])) if y not in asked]
    return f"the sentences that answer best are of {', '.join(other)}, not {', '.join(asked)}" if other else ""


def never_stated(figure: str, figures: frozenset[str]) -> bool:
    """Is `figure` (a question's, `rag.mentions.specific`) a figure or span of years that none of
    `figures` (`corpus_figures`) states? A rank ("3rd") is often written as a word: never judged.

    >>> never_stated("1,500", frozenset({"1500"})), never_stated("1990s", frozenset({"1995"}))
    (False, False)
    >>> never_stated("17th century", frozenset({"1701"})), never_stated("3rd", frozenset())
    (True, False)
    """
    if FIGURE.fullmatch(figure):
        return figure.replace(",", "") not in figures
    years = period(figure)
    return years is not None and not any(years.fullmatch(f) for f in figures)
