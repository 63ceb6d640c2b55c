"""A written sentence + the evidence sentences -> the ones that support it, or none.

A language model's citations are never taken on trust: each sentence it writes is matched to
the evidence sentences it was shown, and the `[n]` markers come from that match. A sentence is
supported when one evidence sentence, or two together, hold every figure and every name it
states and every one of its content words (stemmed: "agreed" is "agree"), a negation when it
states one, each of its verbs' subject and object in the same role, each figure beside what
it counts, each "X is Y" in one sentence, not X from one and Y from the other (`rag.roles`),
and each figure in the phrase it belongs to ("created in 1978", not the act "of 1978":
`rag.placed`):

>>> evidence = ["Merkel met Orban in Vienna on Monday.", "Talks covered border controls."]
>>> support("Merkel and Orban met in Vienna.", evidence)
[0]
>>> support("Merkel met Orban in Berlin.", evidence)  # a name the evidence does not give
[]
>>> support("They met on 3 March.", evidence)  # a figure the evidence does not give
[]
>>> support("Merkel met Orban in a hotel.", evidence)  # a word the evidence does not give
[]
>>> support("Talks never covered border controls.", evidence)  # a negation the evidence does not give
[]
>>> support("Orban met Merkel in Vienna.", evidence)  # the same words, another claim
[]
>>> support("Vienna, border controls.", evidence)  # no verb: nothing joins what two sentences say
[]
"""

from __future__ import annotations

import re

from .lexical import tokenize
from .mentions import FIGURE, mentions
from .question import _NEGATION
from .placed import placements_hold
from .roles import counts_hold, has_verb, identities_hold, roles_hold

# Every content word, not most: with "most" (0.6 until now), a small model's "The centers were
# profitable" passed on "centers" and "were" against "They lost money" (README, "Answers written
# by a language model", has what this changed).
MIN_COVERAGE = 1.0  # share of the sentence's content words the support must hold
# Words a faithful rewording adds freely: they carry no claim of their own (reporting verbs, and
# the English function words that bm25s's short stop-word list keeps).
FILLER = set(
    "according article articles said says say stated told also however sentence sentences evidence "
    "were been being has have had do does did would can could may might must shall should because which "
    "who whom whose what when where why how those its them here than both each other such only own same".split()
)


def support(sentence: str, evidence: list[str], stemmer: str = "english") -> list[int]:
    """Indices of the evidence sentence (or pair) that supports `sentence`; [] when none does."""
    terms = [t for t in dict.fromkeys(tokenize([sentence], stemmer)[0]) if t not in FILLER]
    specifics, negated = claims(sentence), bool(_NEGATION.search(sentence))
    if not terms and not specifics:
        return []
    bags = [set(tokenize([e], stemmer)[0]) for e in evidence]
    # a pair says two things, and a sentence without a verb claims no relation that could join them:
    # "Montpellier, Virginia, Virginia County" of one sentence naming Montpellier and another Virginia
    pairs = [[i, j] for i in range(len(evidence)) for j in range(i + 1, len(evidence))] if has_verb(sentence, stemmer) else []
    for groups in ([[i] for i in range(len(evidence))], pairs):  # a pair only when no one sentence will do
        best: tuple[float, list[int]] = (0.0, [])
        for group in groups:
            text = " ".join(evidence[i] for i in group)
            if not all(mentions(text, s) for s in specifics) or (negated and not _NEGATION.search(text)):
                continue
            bag = set().union(*(bags[i] for i in group))
            coverage = sum(t in bag for t in terms) / len(terms) if terms else 1.0
            held = [evidence[i] for i in group]
            if (coverage >= MIN_COVERAGE and coverage > best[0] and roles_hold(sentence, held, stemmer)
                    and counts_hold(sentence, held, stemmer) and identities_hold(sentence, held, stemmer)
                    and placements_hold(sentence, held, stemmer)):
                best = (coverage, group)
        if best[1]:
            return best[1]
    return []


NAMES = {"person", "place", "organization", "group", "event", "work"}


def claims(sentence: str) -> tuple[str, ...]:
    """The figures and the words of the names a sentence states: what must never be invented.

    >>> claims("Bosnia registered 6,700 migrants in 2018, Dragan Mektic said.")
    ('6,700', '2018', 'bosnia', 'dragan', 'mektic')
    """
    from .entities import entities

    # Whole words only: the "s" of "the 880s" is no name of its own (and is in no sentence as a word).
    names = [w for kind, text in entities(sentence) if kind in NAMES for w in re.findall(r"\b[^\W\d_][\w’'-]*", text)]
    words = [re.sub(r"['’]s$", "", w) for w in names if w not in ("the", "of", "and", "a", "an")]
    return tuple(dict.fromkeys(FIGURE.findall(sentence) + words))


def sentences(text: str) -> list[str]:
    """A model's reply split into sentences (its own [n] markers removed: they are not trusted), by
    the articles' own splitter (`rag.sentences`), so that "the St. Bartholomew's Day massacre" stays whole.

    >>> sentences("It was the St. Bartholomew's Day massacre [1]. About 5,000 died [2].")
    ["It was the St. Bartholomew's Day massacre.", 'About 5,000 died.']
    """
    from .sentences import split_sentences

    text = re.sub(r"\s*\[\d+(?:,\s*\d+)*\]", "", text).strip()
    parts = [text[s:e] for s, e in split_sentences(text)]
    return [p.strip() for p in parts if re.search(r"\w", p)]



