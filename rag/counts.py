"""A "How many N ...?" question + a sentence -> does the sentence count N, or only other things?

"How many containers fell overboard?" is not answered by "Crews refloated the ship four days
after it ran aground": the sentence holds a figure, but of days. News counts many things in one
sentence (people served, days closed, homes flooded), so a sentence with a figure is not yet a
sentence with the count asked for. Read with spaCy's parser: the noun "many" qualifies in the
question, and the noun each figure counts in the sentence (`rag.roles.counted_by`).

A figure counts N when it counts the same noun, or people where N is people ("How many
soldiers" and "1,000 troops", "How many Huguenots" and "3,000 Protestants": which people, the
parser cannot tell, so it is not judged), or a noun of like meaning ("states" and "countries",
by the embedder: `ALIKE`), or counts no noun at all ("rose to 14", "40 percent"). Only a
sentence whose every figure counts something else is said not to count N.
"""

from __future__ import annotations

import re

from .entities import entities
from .lexical import tokenize
from .lexicon import person_noun
from .referents import people
from .roles import counted_by, parsed

_STEMMER = "english"
# Two nouns whose embeddings (all-MiniLM-L6-v2, each word alone) are at least this close may name
# the same things. Set by hand, not fitted to any set, from pairs read before it was measured:
# "jobs"/"positions" 0.43, "states"/"countries" 0.62 alike; "containers"/"days" 0.23,
# "doses"/"schoolchildren" 0.21, "aircraft"/"people" 0.30 not. Low on purpose: a pair of different
# things above it ("residents"/"homes" 0.54) only leaves a question answered, as before.
ALIKE = 0.4
# Nouns that count any thing: "40 percent of the courses", "two kinds of networks".
_ANY = re.compile(r"percent|%|percentage|share|proportion|number|total|amount|times?|kinds?|types?|sorts?|forms?|"
                  r"varieties|categories", re.I)
# People counted by what befell them: "How many casualties" is answered by "1,000 soldiers were killed".
_BEFALLEN = re.compile(r"casualties|dead|injured|wounded|victims|fatalities|deaths", re.I)
_AGENT_ENDING = re.compile(r"(?:ers|ors|ists|ians|ants|ents|ees|eers)$")


def asked_noun(question: str) -> str | None:
    """The noun a "How many ...?" question counts, as written ("How many containers fell
    overboard?": "containers"); None when it counts no noun ("How many of those were in Finland?").

    >>> asked_noun("How many containers fell overboard?"), asked_noun("How many were hurt?")  # doctest: +SKIP
    ('containers', None)
    """
    if not re.match(r"^\W*how many\b", question, re.I):
        return None
    doc, _ = parsed(question, _STEMMER)
    for t in doc:
        if t.lower_ == "many" and t.i > 0 and doc[t.i - 1].lower_ == "how":
            head = t.head
            return head.text if head.i != t.i and head.pos_ in ("NOUN", "PROPN") else None
    return None


def _peoplish(noun: str) -> bool:
    """People: a noun for a person (`rag.lexicon.person_noun`, WordNet's), a plural of people
    (`rag.referents.people`: "troops", "staff"; its agent's ending alone is not trusted here, for
    things have it too: "containers", "printers"), a capitalised plural ("Protestants",
    "Frenchmen"), or people counted by what befell them ("casualties")."""
    word = noun.lower()
    if person_noun(word) or _BEFALLEN.fullmatch(word) or (noun[:1].isupper() and noun.endswith(("s", "men"))):
        return True
    return people(word) and not _AGENT_ENDING.search(word)


def _stem(word: str) -> str:
    """`word`'s BM25 term, or the word lower-cased where it is a stop word."""
    return (tokenize([word], _STEMMER)[0] or [word.lower()])[0]


def counts_other(noun: str, sentence: str, alike=None) -> bool:
    """Does every figure `sentence` holds count something other than `noun` (a plural)?
    `alike(a, b)`: the two nouns' embeddings' cosine (`ALIKE`); None leaves only the rules.

    >>> counts_other("containers", "Crews refloated it four days after it ran aground.")  # doctest: +SKIP
    True
    >>> counts_other("soldiers", "About 1,000 British troops were killed."), counts_other("jobs", "Up to 310 are in Finland.")  # doctest: +SKIP
    (False, False)
    """
    doc, _ = parsed(sentence, _STEMMER)
    stem = _stem(noun)
    tagged = entities(sentence)
    sums = {w for kind, text in tagged if kind == "money" for w in text.split()}
    dates = {w for kind, text in tagged if kind in ("date", "time") for w in text.split()}
    counted = []
    for t in doc:
        if not t.like_num or t.text.lower() in sums:  # a sum counts money, never what is asked
            continue
        after = [w for w in doc[t.i + 1 : t.i + 5]]
        after = after[: next((k for k, w in enumerate(after) if w.is_punct and w.text != "-" or w.pos_ in ("VERB", "AUX", "ADP")), len(after))]
        if any(_stem(w.text) == stem for w in after):
            return False  # "around 30 Fijian-flagged longliners": the parser may hang the figure elsewhere
        head = counted_by(t)
        if head is not None:
            counted.append(head.text)  # "four days", "620 homes"
        elif t.text.lower() not in dates:  # "opened in 1968" counts nothing; "rose to 14" may count anything
            return False
    if not counted:
        return False
    for other in counted:
        if _stem(other) == stem or _ANY.fullmatch(other) or (_peoplish(noun) and _peoplish(other)):
            return False
        if alike is not None and alike(noun.lower(), other.lower()) >= ALIKE:
            return False
    return True
