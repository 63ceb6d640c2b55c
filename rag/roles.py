"""A sentence -> who does what to whom in it: (verb, role, words of the noun) from spaCy's parser.

A bag of words cannot tell "Procedures enable the Parliament to scrutinise the Government" from
"The Parliament enables the Government to scrutinise the Government": the same words, other
claims. A language model that rewords evidence makes exactly that slip (it also moves a name
across a sentence: "Longueuil died in 1752" from "Jonquière died and was replaced by
Longueuil"). So a written sentence must also keep each of its verbs' subject and object: the
same verb in the evidence has a subject (object) sharing a word with it. Passives are read as
their actives ("X was designed by Y": Y designs X), and so are the verbs that qualify a noun
("a network designed by Y", "the plan, which Merkel drafted"). This is the arc-matching idea of
dependency-level factuality checks (Goyal and Durrett, 2020), without their trained classifier.

>>> roles_hold("The Parliament enables the Government to act.", ["Several procedures enable the Parliament to act."])
False
>>> roles_hold("The network was designed by Louis Pouzin.", ["CYCLADES was a network designed by Pouzin."])
True
>>> roles_hold("The joint patrols will start in March.", ["They agreed to start the joint patrols in March."])
True

A figure keeps what it counts, too: "73 members" needs an evidence sentence that gives 73 of
members, not one that gives 73 of something and another that speaks of members (`counts_hold`).
And "X is Y" keeps who is what: one evidence sentence must say it (`identities_hold`).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from .entities import pipeline
from .lexical import tokenize
from .mentions import FIGURE, mentions

_lock = threading.Lock()
_CLAUSES = {"relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "cc", "punct"}  # not part of the noun


@lru_cache(maxsize=256)
def parsed(text: str, stemmer: str = "english"):
    """spaCy's parse of `text` and each token's BM25 term ("" for a stop word). Cached: a check
    reads the same evidence sentence for roles, counts, identities and placed figures, and a
    follow-up's rewrite the same previous question for "it", "he" and "they" (`rag.referents`);
    one parse, under one lock, serves them all."""
    with _lock:  # spaCy's pipeline is not documented as thread-safe; the chat serves threads
        doc = pipeline(("ner", "lemmatizer"))(text)
    return doc, tuple((terms or [""])[0] for terms in tokenize([t.text for t in doc], stemmer))


def has_verb(text: str, stemmer: str = "english") -> bool:
    """Does `text` have a verb (an auxiliary counts)? "Montpellier, Virginia, Virginia County" has none.

    >>> has_verb("Montpellier, Virginia, Virginia County."), has_verb("It is in Cork.")
    (False, True)
    """
    return any(t.pos_ in ("VERB", "AUX") for t in parsed(text, stemmer)[0])


def claims(text: str, stemmer: str = "english", reported: bool = False) -> frozenset[tuple[str, str, str, frozenset[str]]]:
    """(verb, "subject" | "object", the argument's head word, all its words) of every verb in
    `text`, stemmed; an argument whose head is a stop word (a pronoun: "he", "they") is left out.
    `reported` (for evidence): a reported clause's subject is also its verb's object.

    >>> sorted((v, r, h) for v, r, h, _ in claims("Merkel chaired the committee that approved the plan."))
    [('approv', 'object', 'plan'), ('approv', 'subject', 'committe'), ('chair', 'object', 'committe'), ('chair', 'subject', 'merkel')]
    """
    return frozenset(c[:4] for c in _claims(text, stemmer, reported))


@lru_cache(maxsize=4096)
def _claims(text: str, stemmer: str, reported: bool) -> frozenset[tuple[str, str, str, frozenset[str], int]]:
    """`claims`, each with the position of its verb in `text`: which claims one verb makes."""
    doc, stem = parsed(text, stemmer)
    args: dict[int, dict[str, list]] = {}
    for t in doc:
        if t.pos_ != "VERB":
            continue
        a = args.setdefault(t.i, {"subject": [], "object": []})
        for c in t.children:
            if c.dep_ in ("nsubj", "csubj"):
                a["subject"].append(_noun(c, t))
            elif c.dep_ in ("dobj", "nsubjpass"):
                a["object"].append(_noun(c, t))
            elif c.dep_ == "agent":
                a["subject"] += [_noun(g, t) for g in c.children if g.dep_ == "pobj"]
            elif c.dep_ == "ccomp" and reported:  # "stressed (that) respect must be ...": without "that",
                # the parser reads "respect" as the object, so the evidence's reported subject counts as one too
                a["object"] += [_noun(g, c) for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
        if t.dep_ == "acl" and t.head.pos_ in ("NOUN", "PROPN"):  # "a network designed by ...", "men carrying ..."
            a["subject" if t.tag_ == "VBG" else "object"].append(_noun(t.head, t))
    for t in doc:  # "designed and directed by Pouzin": conjoined verbs share what one of them lacks
        if t.pos_ == "VERB" and t.dep_ == "conj" and t.head.i in args:
            mine, theirs = args[t.i], args[t.head.i]
            shared = "object" if any(c.dep_ == "auxpass" for c in t.children) else "subject"  # "died and was replaced by ..."
            if not mine[shared]:
                mine[shared] = list(theirs["subject"])
            if t.tag_ == t.head.tag_ == "VBN":  # two participles of one noun share both roles
                for role in ("subject", "object"):
                    mine[role] = mine[role] or list(theirs[role])
                    theirs[role] = theirs[role] or list(mine[role])
    out = set()
    for i, a in args.items():
        for role, nouns in a.items():
            for tokens in nouns:
                head = stem[tokens[0].i]
                if head and stem[i]:
                    out.add((stem[i], role, head, frozenset(stem[t.i] for t in tokens) - {""}, i))
    return frozenset(out)


def _noun(token, verb) -> list:
    """The tokens of a verb's argument, its head first: the token and what modifies it (an
    apposition too: "his counterpart Karl Nehammer"), not the clauses hanging on it.
    A relative pronoun ("which", "who") stands for the noun its clause qualifies."""
    if token.tag_ in ("WDT", "WP", "WP$") and verb.dep_ == "relcl":
        token = verb.head
    out, todo = [], [token]
    while todo:
        t = todo.pop()
        out.append(t)
        todo += [c for c in t.children if c.dep_ not in _CLAUSES and c.i != verb.i]
    return out


def roles_hold(sentence: str, evidence: list[str], stemmer: str = "english") -> bool:
    """Does each verb of `sentence` make its claims as one verb of one `evidence` sentence does:
    the same verb, with each of its subjects and objects in that role there? The same argument:
    the head word of one is among the words of the other ("Nehammer" is "his counterpart Karl
    Nehammer"; a shared "de" of two names is not), and none of its words one that the evidence
    gives the verb's other role ("Novak hosted the Minister of Finance" from "Finance Minister
    Novak hosted the Minister of Health"). One verb of the evidence must hold all of a written
    verb's arguments: "The council approved the plan" is not held by "The council approved the
    budget, and the mayor approved the plan", nor take words that another use of the verb gives
    the same role. A pronoun is not checked.

    >>> roles_hold("Novak hosted the Minister of Finance.", ["Finance Minister Ana Novak hosted the Minister of Health, Ivo Kos."])
    False
    >>> roles_hold("Novak hosted Ivo Kos, the Health Minister.", ["Finance Minister Ana Novak hosted the Minister of Health, Ivo Kos."])
    True
    >>> roles_hold("Trains are paid for by the seat.", ["Trains are paid for by the hour, while buses are paid for by the seat."])
    False

    Nor may a written argument take words from the same role of another use of the verb, as a
    model splicing two clauses does:

    >>> ev = ["Trams are billed by a fee per kilometre travelled, while buses are billed by a fee per journey."]
    >>> roles_hold("Trams are billed by a fee per journey.", ev), roles_hold("Trams are billed by a fee.", ev)
    (False, True)
    """
    said = [there for text in evidence for there in _by_verb(_claims(text, stemmer, True)).values()]
    for verb, args in _by_verb(_claims(sentence, stemmer, False)).values():
        # "The patrols will start" says what "they agreed to start the patrols" does: a verb used
        # without an object may have as its subject what the evidence has as its object.
        transitive = bool(args["object"])
        uses = [there for v, there in said if v == verb]

        def held(role: str, head: str, words: frozenset[str], there: dict) -> bool:
            roles = [role] if role == "object" or transitive else ["subject", "object"]
            for r in roles:
                # Words the evidence gives the verb's other role, or this role of another use
                # of the verb, are not this argument's.
                other = set().union(*(w for _, w in there["object" if r == "subject" else "subject"]),
                                    *(w for u in uses if u is not there for _, w in u[r]))
                if any((head in w or h in words) and not (words - w) & (other - w) for h, w in there[r]):
                    return True
            return False

        if not any(all(held(r, h, w, there) for r in ("subject", "object") for h, w in args[r]) for there in uses):
            return False
    return True


def _by_verb(claimed) -> dict[int, tuple[str, dict[str, list]]]:
    """Claims grouped by the verb that makes them: {position: (verb, {"subject": [(head, words)], "object": [...]})}."""
    out: dict[int, tuple[str, dict[str, list]]] = {}
    for verb, role, head, words, i in claimed:
        out.setdefault(i, (verb, {"subject": [], "object": []}))[1][role].append((head, words))
    return out


@lru_cache(maxsize=4096)
def counted(text: str, stemmer: str = "english") -> frozenset[tuple[str, str]]:
    """(figure, the stemmed noun it counts) for each figure in `text` that counts a noun.

    >>> sorted(counted("Of the 129 seats, 73 went to 2.5 million voters."))
    [('129', 'seat'), ('2.5', 'voter')]
    """
    doc, _ = parsed(text, stemmer)
    out = set()
    for t in doc:
        if not FIGURE.fullmatch(t.text):
            continue
        head = counted_by(t)
        noun = tokenize([head.text], stemmer)[0] if head is not None else []
        if noun:
            out.add((t.text, noun[0]))
    return frozenset(out)


def counted_by(figure):
    """The noun token a figure token (spaCy's) counts, or None when it counts none ("in 1968")."""
    n = figure  # "2.5 million voters": 2.5 qualifies "million", which counts the voters
    while n.dep_ in ("compound", "quantmod", "nummod") and n.head.like_num and n.head.i != n.i:
        n = n.head
    return n.head if n.dep_ == "nummod" and n.head.pos_ in ("NOUN", "PROPN") else None


def counts_hold(sentence: str, evidence: list[str], stemmer: str = "english") -> bool:
    """Does each figure `sentence` gives of a noun stand, in one evidence sentence, beside that noun?
    Only a pair of evidence sentences can fail this where the words check passes: one gives the
    figure, the other the noun ("Voters choose one member" and "73 are elected": not "73 members").

    >>> counts_hold("73 members are elected.", ["Voters elect one member.", "Of the 129 seats, 73 are elected."])
    False
    >>> counts_hold("73 seats are elected.", ["Voters elect one member.", "Of the 129 seats, 73 are elected."])
    True
    """
    claims = counted(sentence, stemmer)
    if not claims:  # most sentences count nothing: no evidence to tokenize
        return True
    bags = [set(tokenize([e], stemmer)[0]) for e in evidence]
    return all(any(mentions(e, figure) and noun in bag for e, bag in zip(evidence, bags)) for figure, noun in claims)


_BE = {"is", "are", "was", "were", "be", "been", "being", "'s", "’s"}  # the lemmatizer is not loaded


def _complement(token) -> bool:
    """A copula's noun complement ("the capital" in "Ljubljana is the capital"; the small model
    sometimes labels a bare name "acomp")."""
    return token.dep_ == "attr" or (token.dep_ == "acomp" and token.pos_ in ("NOUN", "PROPN"))


@lru_cache(maxsize=4096)
def identities(text: str, stemmer: str = "english") -> frozenset[frozenset[str]]:
    """The words, stemmed, of each "X is Y" of `text` (a copula with a noun complement), both
    sides together; one with a pronoun on either side is left out.

    >>> sorted(sorted(w) for w in identities("Robert's son was Bohemond, and the city is a port."))
    [['bohemond', 'robert', 'son'], ['citi', 'port']]
    """
    doc, stem = parsed(text, stemmer)
    out = set()
    for t in doc:
        if t.lower_ not in _BE:
            continue
        subjects = [c for c in t.children if c.dep_ == "nsubj"]
        complements = [c for c in t.children if _complement(c)]
        for a in subjects:
            for b in complements:
                if a.pos_ != "PRON" and b.pos_ != "PRON":
                    out.add(frozenset(stem[x.i] for x in _noun(a, t) + _noun(b, t)) - {""})
    return frozenset(out)


@lru_cache(maxsize=4096)
def _said_together(text: str, stemmer: str) -> tuple[frozenset[str], ...]:
    """Word sets within which `text` says two nouns are one thing: each noun phrase with its
    appositions ("Bohemond, Robert's son"), and each copula's subject and complement together."""
    doc, stem = parsed(text, stemmer)
    out = []
    for t in doc:
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound":
            out.append(frozenset(stem[x.i] for x in _noun(t, t)) - {""})
    return (*out, *identities(text, stemmer))  # and each copula's two sides: what `identities` reads


def identities_hold(sentence: str, evidence: list[str], stemmer: str = "english") -> bool:
    """Does one evidence sentence say each "X is Y" of `sentence`: every word of X and of Y in one
    copula, either way round, or in one noun phrase? Words from two sentences do not make one
    claim: "Robert's son was Duncan" is held neither by "Bohemond, Robert's son, landed." nor by
    "He gave up his son Duncan."

    >>> identities_hold("Robert's son was Duncan.", ["Bohemond, Robert's son, landed.", "He gave up his son Duncan."])
    False
    >>> identities_hold("Robert's son was Bohemond.", ["Bohemond, Robert's son, landed.", "Duncan landed."])
    True
    >>> identities_hold("The capital is Ljubljana.", ["Ljubljana is the capital."])
    True
    """
    claims = identities(sentence, stemmer)
    if not claims:  # most sentences say no "X is Y": nothing to parse
        return True
    together = [words for e in evidence for words in _said_together(e, stemmer)]
    return all(any(claim <= words for words in together) for claim in claims)
