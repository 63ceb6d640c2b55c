"""A question + the evidence of its candidate sentences -> the reason the articles do not answer it, by answer typing.

`rule_out` holds the refusals that need no model: a question for a kind of thing that no good
sentence holds (TREC QA's answer typing), for a figure the articles never state, for a person by
a role no sentence names, or one that names nothing to look for. `rag.generate` asks it for every
question before the judge's confidence is read; `eval.fit_judge` applies it when fitting.

>>> FIGURES
('number', 'money', 'date')
"""

from __future__ import annotations

import numpy as np

from .asked_role import role_names
from .evidence import Evidence, Terms
from .lexical import tokenize
from .question import QuestionInfo, carried_names, names_nothing
from .unknown import never_stated

FIGURES = ("number", "money", "date")
# Asked for a figure, a sentence without one cannot answer; asked for a date, a sentence may
# still place the answer in time with words the recognizer misses, and quoting it first, where
# runners-up hold one, was measured to cost more right answers than it saved wrong ones (README);
# but asked for a point in the calendar ("In what year ...?"), only a year, month or day gives it.
COUNTS = ("number", "money")
NAMED = ("person", "place", "organization")


def rule_out(qi: QuestionInfo, ev: Evidence, scores: np.ndarray, figures: frozenset[str] | None = None,
             first_typed: bool = True, first_about: bool = True, terms: Terms | None = None) -> str:
    """Answer typing (as in the TREC QA track): a question that asks for a kind of thing is not
    answered by sentences that hold none; and a figure or date must stand in a paragraph that
    names everything the question names (a figure for Croatia does not answer one on Slovenia).
    Only the three best sentences count, and a question for a figure or an amount is not
    answered when the sentence to be quoted first (`first_typed`: the choice model's best) holds
    none, nor one for a point in the calendar ("In what year ...?") when no sentence to be quoted
    gives one, nor one for a person asked for by their role ("Who is the mayor?") when it names no
    one or is not about what the role is of (`first_about`: "Who is the president of Serbia?" is
    not answered by a sentence on the Commission's president). A question that names a figure no
    article states
    ("Who won the election of 2022?", `figures`: `corpus_figures`) is about something they do not
    cover, and so is one for the value of an attribute no article ever names ("What is the
    population of Bosnia?", `terms`: `corpus_terms`). And a question of function words only
    ("Who?") names nothing to answer about.
    Returns the reason, or "" when no rule refuses."""
    if names_nothing(qi.text):
        return "the question names nothing to look for: ask about someone or something in the articles"
    unsaid = [f for f in qi.salient if figures is not None and never_stated(f, figures)]
    if unsaid:
        return f"the articles never mention {', '.join(unsaid)}"
    if qi.measure and terms is not None and not set(tokenize([qi.measure], terms.stemmer)[0]) <= terms:
        return f"the articles never mention {qi.measure}"
    top = np.argsort(-scores, kind="stable")[:3]
    if qi.accepts and not ev.column("typed")[top].any():
        return f"no sentence found holds the {qi.kind} asked for"
    if qi.kind in COUNTS and not first_typed:
        return f"the sentence that answers best gives no {qi.kind}"
    if qi.calendar and not first_typed:  # "In what year ...?" is not answered by sentences with no year
        return "the sentences that answer best give no date in the calendar"
    if qi.by_role and not first_typed:  # "Who is the mayor?" asks for a name, not for the role again
        return "the sentence that answers best names no one"
    if qi.more and qi.accepts and not first_typed:  # "Who else was there?": not the one already named
        return f"the sentence that answers best names no other {qi.kind}"
    if qi.by_role and not first_about:
        return f"the sentence that answers best names no one of {', '.join(role_names(qi.text))}"
    if qi.heads and not first_about:  # "Who runs it?" after a question on a company: not another body's head
        return f"the sentence that answers best is not about {' '.join(role_names(qi.text) or carried_names(qi.text))}"
    if qi.kind in FIGURES and not ev.column("typed_about")[top].any():
        return f"no {qi.kind} found is said of {', '.join(qi.salient)}"
    return ""
