"""A previous question -> what a follow-up's words stand for in it: "it" (`thing`), "he" (`subject`),
"they" (`plural_subject`), and a bare name's question (`swapped`: "And Norway?" after "How many
refugees did Sweden take in?"); and the people an answer names (`named_in`).

Read with spaCy's parser, since its small recognizer's kinds are guesses for a lone name or
surname ("Lyon" a person, "Cerar" a group). `rag.followup` writes the standalone question with them.

>>> said("Balkan ministers met.", "the Balkans"), said("Novak spoke.", "Nova")
(False, False)
"""

from __future__ import annotations

import re

from .entities import entities
from .byrole import PERSON_NOUNS
from .question import unpossessed
from .roles import parsed

_FRAGMENT = re.compile(r"^\W*(?:and|but|what about|how about)\s+(?P<rest>[^?]+?)\W*$", re.I)  # "And Norway?"
_LEADING = re.compile(r"^(?:(?:the|of|in|for|from|at|on|to|with|by)\s+)+", re.I)  # "And of Marseille?"


def swapped(question: str, previous: str, kind: str = "other") -> str | None:
    """`previous` asked again of the name a bare follow-up gives, in place of the name of its kind
    there: "And Norway?" after "How many refugees did Sweden take in?" is "How many refugees did
    Norway take in?"; "What about Ivanov?" after "What did Novak say?" is "What did Ivanov say?" (a
    name the recognizer cannot place stands for whom `previous` asked about). None when the
    follow-up is more than a name, or `previous` names nothing of its kind, or the name is of the
    `kind` `previous` asks for: "What about Italy?" after "Which countries attended?" asks whether
    Italy is one of them (but "And in South Africa?" after "Where did they settle in America?" is a swap).

    >>> swapped("And of Marseille?", "Who is the mayor of Lyon?")  # doctest: +SKIP
    'Who is the mayor of Marseille?'
    """
    m = _FRAGMENT.match(question)
    name = unpossessed(_LEADING.sub("", m["rest"].strip())) if m else ""  # "And Croatia's?"
    if not name or not name[0].isupper() or not name.split()[-1][0].isupper():
        return None
    kinds = [k for k, t in entities(name) if t == name.lower()]
    placed = re.match(r"(?:the\s+)?(of|in|for|from|at|on|to|with|by)\s", m["rest"].strip(), re.I)
    if kinds and kinds[0] == kind and not placed:  # "And in South Africa?" says where it stands: a swap
        return None
    named = [(k, t) for k, t in entities(previous) if k not in ("date", "number", "money")]
    # the recognizer's kinds for a name alone are a guess ("Lyon" a person): a name of the same
    # kind, else whom the question asked about, else the one name it has
    alike = [t for k, t in named if kinds and k == kinds[0]]
    olds = alike + [t for t in [subject(previous)] if t]
    if placed:  # "And in the European Union?" stands where the previous question's "in ..." did
        there = re.search(rf"\b{placed.group(1).lower()}\s+(?:the\s+)?([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)", previous)
        if not there and not alike:  # "And in August?" after "How high is the orbit now?": the phrase is added
            return previous.rstrip(" ?") + " " + m["rest"].strip() + "?"
        # else a name of its kind: "And for Fiji?" after "Who signed on behalf of Tuvalu?"
        olds = [there.group(1).lower()] + olds if there else alike
    olds += [named[0][1]] if len(named) == 1 else []
    for old in olds:
        span = re.search(rf"(?<!\w){re.escape(old)}(?!\w)", previous, re.I)
        if span and old != name.lower():
            return previous[: span.start()] + name + previous[span.end():]
    return None


# What a question asks for that no "it" stands for: "What year did ...?", "What share of ...?"
_MEASURES = set("time year day date month week decade century number percentage percent amount share figure "
                "proportion rate size kind type sort way reason".split())


def thing(previous: str) -> str | None:
    """What "it" stands for after `previous`: the thing it asked for when it opens with one ("Which
    ship ran aground?": 'the ship'), else its first singular noun phrase that is neither what
    it asked for ("which agency"), a person's role ("the Austrian chancellor") nor a pronoun, and
    if a name, a place's (the recognizer takes a surname for an organization too often to trust
    it with others). None when it has none.

    >>> thing("What was the informal meeting of EU leaders in Lisbon about?")  # doctest: +SKIP
    'the informal meeting'
    >>> thing("From which countries does Portugal accept refugees?"), thing("Who did the mayor thank?")  # doctest: +SKIP
    ('Portugal', None)
    >>> thing("Which ship ran aground near Saltmere?")  # doctest: +SKIP
    'the ship'
    """
    places = {t for k, t in entities(previous) if k == "place"}
    doc = parsed(previous)[0]
    if any(t.dep_ == "ROOT" and t.lower_ in ("do", "does", "did") for t in doc):
        return None  # "Which agency did the chancellor praise?" read with "the chancellor praise" as a noun
    for chunk in doc.noun_chunks:
        root = chunk.root
        if (chunk.start == 0 and len(chunk) > 1 and chunk[0].lower_ in ("which", "what") and root.tag_ == "NN"
                and not re.fullmatch(PERSON_NOUNS, root.lower_) and root.lower_ not in _MEASURES
                and all(t.pos_ in ("NOUN", "ADJ", "PROPN", "NUM") for t in chunk[1:])):
            return "the " + chunk[1:].text  # "Which ship ran aground?": "it" is the ship the answer named
        if (root.tag_ not in ("NN", "NNP") or chunk[0].tag_ in ("WDT", "WP", "WP$", "WRB", "PRP", "PRP$")
                or re.fullmatch(PERSON_NOUNS, root.text.lower())
                or (root.tag_ == "NNP" and not any(said(p, root.text) for p in places))):
            continue
        return chunk.text
    return None


def subject(previous: str) -> str | None:
    """The name the previous question asks about, read from spaCy's parser: the subject of its
    verb when that is a proper noun and not a place ("What did Cerar say about Orban's plan?":
    'cerar'), in lower case like `entities`. The small model's recognizer takes many a surname
    for an organization, so this does not ask it who is a person; None when there is no such subject.

    >>> subject("What did Novak say about Ivanov's plan?"), subject("Who did the mayor thank?")  # doctest: +SKIP
    ('novak', None)
    """
    places = {t for k, t in entities(previous) if k == "place"}
    doc = parsed(previous)[0]
    for token in doc:
        if token.dep_ in ("nsubj", "nsubjpass") and token.pos_ == "PROPN":
            words = [token]
            for t in reversed(list(token.lefts)):  # "Angela" of "Chancellor Angela Merkel", not the title
                if t.i != words[0].i - 1 or t.pos_ != "PROPN" or re.fullmatch(PERSON_NOUNS, t.lower_):
                    break
                words.insert(0, t)
            name = " ".join(t.lower_ for t in words)
            return None if name in places or token.lower_ in places else name
    return None


def said(text: str, term: str) -> bool:
    """Is `term` in `text` as whole words? A plural name is said by its singular ("the Balkans"
    by "Balkan ministers")."""
    forms = [term, term[:-1]] if len(term) >= 6 and term.endswith("s") else [term]
    return re.search(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)", text, re.I) is not None


def plural_subject(previous: str) -> str | None:
    """What "they" stands for after `previous`: the subject of its verb when that is people in the
    plural, as written ("What did the ministers agree?": 'the ministers'; not "the floods"); None
    when it has none.

    >>> plural_subject("What did the ministers agree?"), plural_subject("What did Novak say?")  # doctest: +SKIP
    ('the ministers', None)
    >>> plural_subject("How many dockers agreed to work?")  # doctest: +SKIP
    'the dockers'
    """
    for token in parsed(previous)[0]:
        if (token.dep_ in ("nsubj", "nsubjpass") and token.tag_ in ("NNS", "NNPS")
                and (token.tag_ == "NNPS" or people(token.lower_))):
            words = [t for t in token.subtree if t.i <= token.i]  # "the Balkan ministers", not what follows
            if any(t.tag_ in ("WDT", "WP", "WP$") for t in words):
                return None  # "Which countries attended?": what it asked for, not who "they" are
            if words[0].lower_ == "how":  # "How many dockers agreed ...?": they are the dockers
                return "the " + previous[words[2].idx: token.idx + len(token.text)] if len(words) > 2 else None
            return previous[words[0].idx: token.idx + len(token.text)]
    return None


# "How many lead service lines does ...": what it counts, a plural noun and up to three words before it.
_COUNTED = re.compile(r"^\W*how many ((?:[\w'’-]+ ){0,3}?[\w'’-]*(?:s|people|men|children))\b"
                      r"(?= (?:did|does|do|are|were|have|has|had|will|would|can|could|should|must|might)\b)", re.I)


def counted(previous: str) -> str | None:
    """What "they" or "them" stands for after a question that counted things ("How many lead
    service lines does the district still have?": 'the lead service lines'), people or not.

    >>> counted("How many lead service lines does the district still have?"), counted("How many were hurt?")
    ('the lead service lines', None)
    """
    m = _COUNTED.search(previous)
    return "the " + m.group(1) if m else None


# People in the plural, by how English makes nouns of agents ("dockers", "protesters", "residents",
# "scientists", "politicians", "refugees") and the common plurals that have no such ending.
_AGENTS = re.compile(r"(?!\w+ments$)\w{3,}(?:ers|ors|ists|ians|ants|ents|ees|eers)")
_PEOPLE = re.compile(r"people|men|women|children|families|thieves|police|officers|staff|crews?|troops|fans|"
                     r"citizens|voters|villagers|relatives|victims|survivors|spouses|couples|friends|youths|"
                     r"nurses|midwives|wives|husbands|pupils|guests|athletes|kids|boys|girls|colleagues")


def people(plural: str) -> bool:
    """Does the plural noun `plural` name people? By role (`PERSON_NOUNS`), by an agent's ending,
    or as a plural of people with no such ending; "floods", "talks" and "plans" are not.

    >>> people("dockers"), people("parents"), people("thieves"), people("ministers"), people("floods")
    (True, True, True, True, False)
    >>> people("payments"), people("talks")
    (False, False)
    """
    return bool(re.fullmatch(PERSON_NOUNS, re.sub(r"e?s$", "", plural)) or _AGENTS.fullmatch(plural)
                or _PEOPLE.fullmatch(plural))


def named_in(text: str) -> list[tuple[str, str]]:
    """`entities(text)`, but no person the text only uses to qualify a thing: the small recognizer
    calls "Schengen" a person in "the Schengen border", and a follow-up's "he" then became Schengen.

    >>> named_in("He guarantees the security of the Schengen border.")  # doctest: +SKIP
    []
    """
    found = entities(text)
    if not any(k == "person" for k, _ in found):
        return list(found)
    doc = parsed(text)[0]
    qualifiers = {t.lower_ for t in doc if t.dep_ == "compound" and t.head.pos_ == "NOUN"}
    heads = {t.lower_ for t in doc if t.dep_ != "compound" or t.head.pos_ != "NOUN"}
    return [(k, t) for k, t in found if k != "person" or not (t in qualifiers and t not in heads)]


HE = re.compile(r"\b(?:he|him|his|himself)\b", re.I)
SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"”’]?(?:\s|$)")


def pronoun_of(name: str, text: str) -> str | None:
    """"he" or "she": what `text` calls the person `name` in the words after each mention of
    their surname, to the end of the next sentence ("Defence Minister Claudia Haberl said ....
    She added ..."); None when it says neither, or both as often. A follow-up's "she" is not a
    man the conversation calls "he", whatever the recognizer's order of names.

    >>> pronoun_of("claudia haberl", "Minister Claudia Haberl spoke. She added that more troops would come.")
    'she'
    >>> pronoun_of("haberl", "Haberl spoke."), pronoun_of("mur", "The Mur rose. It peaked on Tuesday.")
    (None, None)
    """
    he = she = 0
    for m in re.finditer(rf"(?<!\w){re.escape(name.split()[-1])}(?!\w)", text, re.I):
        window = text[m.end():]
        ends = [e.end() for e in _SENTENCE_END.finditer(window)][:2]
        window = window[: ends[-1]] if ends else window
        he, she = he + len(HE.findall(window)), she + len(SHE.findall(window))
    return "he" if he > she else "she" if she > he else None
