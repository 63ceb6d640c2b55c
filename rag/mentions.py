"""A text + a name or figure a question gives -> whether the text mentions it.

A question's specifics are checked against what an article says in many places: whether a
paragraph is about them (`rag.evidence`), whether a figure stands anywhere in the articles
(`rag.rules.rule_out`), whether a written sentence keeps them (`rag.verify`). People write the
same thing more than one way, and each way here is general English:

- a name with its inflections and demonyms: "Bosnian" for "bosnia", "Croatia's" for "croatian";
- a figure as a whole figure, with or without thousands' commas, and a small one by its word:
  "two parties" for "2";
- a decade or a century by any year in it: "in 1995" for "1990s", "in 1672" for "17th century";
- an ordinal by its figure or word: "October 16" for "16th", "the third son" for "3rd";
- an abbreviation by the capitalised words it abbreviates: "United States" for "us", "Digital
  Equipment Corporation" for "dec".

>>> mentions("In 1672 France and the Dutch fought", "17th century"), mentions("in 1995", "1980s")
(True, False)
>>> mentions("settled in the United States", "us"), mentions("a settlement between two parties", "2")
(True, True)
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

from .lexical import fold, ungrouped

FIGURE = re.compile(r"\d(?:[\d,.]*\d)?")  # 5,000 and 3.5 are one figure each
# What a question may write for a span of years or a rank: "the 1990s", "the '80s", "the 17th
# century", "the 3rd son". Found before plain figures, so that "1990s" is not the year 1990.
SPECIFIC_FIGURE = re.compile(
    r"(?<![\w,.])(?:\d{1,2}(?:st|nd|rd|th)[\s-]+centur(?:y|ies)|\d{2,4}['’]?s|\d+(?:st|nd|rd|th))\b|" + FIGURE.pattern,
    re.I,
)
_DECADE = re.compile(r"(\d{2,4})['’]?s")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)( century)?")
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
_ORDINAL_WORDS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                  "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
# Inflections of a name: Bosnia -> Bosnian(s), Frontex -> Frontex's, Greece -> Greece's.
_INFLECTION = r"(?:['’]s|s|es|n|ns|an|ans|ian|ians|ese|ish)?"
# Small words an abbreviation skips: "United Nations High Commissioner for Refugees" is UNHCR.
_SKIPPED = r"(?:of|the|and|for|on|in|de|du|des|la|le)"


def specific(term: str) -> str:
    """A figure as a question gives it, in the one spelling `mentions` reads.

    >>> [specific(t) for t in ("1990’s", "17th-Century", "17th centuries", "3RD", "5,000")]
    ['1990s', '17th century', '17th century', '3rd', '5,000']
    """
    term = re.sub(r"[\s-]+", " ", term.lower().replace("’", "'").replace("'", ""))
    return re.sub(r" centuries$", " century", term)


def mentions(text: str, term: str) -> bool:
    """Does `text` mention `term` (lower case; see the module's docstring for what counts)?

    >>> mentions("Bosnian police", "bosnia"), mentions("in 2017", "2018")
    (True, False)
    >>> mentions("Australia and the UN", "austria"), mentions("unemployment", "un")
    (False, False)
    >>> mentions("invaded in 1072, riding north", "1072"), mentions("5,000 people", "5")
    (True, False)
    >>> mentions("the Anglo-Norman forces", "anglo"), mentions("Bosnia-Herzegovina", "herzegovina")
    (True, True)
    >>> mentions("trains between Lyon and Turin", "lyon-turin"), mentions("trains to Turin", "lyon-turin")
    (True, False)

    And the other way: a demonym is mentioned by its place ("Croatian" by "Croatia's",
    "Taiwanese" by "Taiwan"), never by a longer word ("Roman" is not in "Romania").

    >>> mentions("Croatia’s coast guard", "croatian"), mentions("ferries to Taiwan", "taiwanese")
    (True, True)
    >>> mentions("Romania and Moldova", "roman")
    False
    >>> mentions("Minister Nešić", "nesic"), mentions("Minister Nesic", "nešić")  # accents or not
    (True, True)
    >>> mentions("About 5,000 came", "5000"), mentions("About 5000 came", "5,000")  # commas or not
    (True, True)

    Places in -y make their demonyms otherwise: Hungary -> Hungarian, Germany -> German,
    Turkey -> Turkish, and back.

    >>> mentions("Hungarian police", "hungary"), mentions("two Germans", "germany"), mentions("Turkish ports", "turkey")
    (True, True, True)
    >>> mentions("Italy's coast", "italian"), mentions("in Germany", "german"), mentions("the parts", "party")
    (True, True, False)

    Spans of years, ranks and abbreviations, and a year told by one it precedes:

    >>> mentions("96 million in 2025, from 61 million a year earlier", "2024")
    True
    >>> mentions("In 2019 it moved; two years later it closed.", "2017"), mentions("in 2025 and a year earlier", "2023")
    (False, False)

    >>> mentions("the 17th-century empire", "17th century"), mentions("in the '80s", "80s")
    (True, True)
    >>> mentions("from 1601 to 1650", "1600s"), mentions("in 1701", "1600s"), mentions("in 1985", "80s")
    (True, False, True)
    >>> mentions("his third son", "3rd"), mentions("on October 16", "16th"), mentions("in 2016", "16th")
    (True, True, False)
    >>> mentions("the U.S. Navy", "us"), mentions("the European Union", "eu"), mentions("Eastern Union", "un")
    (True, True, False)
    """
    low, term = _normal(text), fold(term).lower()
    if FIGURE.fullmatch(term):  # a figure is not part of a longer one: 5 is not in 5,000 or 1.5
        term = ungrouped(term)
        if _whole_figure(term, low) or (len(term) == 4 and term in _years_before(low)):
            return True
        return term.isdigit() and 2 <= int(term) < len(_WORDS) and re.search(rf"(?<![\w-]){_WORDS[int(term)]}(?![\w-])", low) is not None
    years = period(term)
    if years is not None:
        return _literal(term, low) or any(years.fullmatch(f) for f in FIGURE.findall(low))
    rank = _ORDINAL.fullmatch(term)
    if rank:
        n = int(rank.group(1))
        word = _ORDINAL_WORDS[n] if n < len(_ORDINAL_WORDS) else None
        return (_whole_figure(rank.group(1), low, suffix=r"(?:st|nd|rd|th)?(?!\s*(?:%|per ?cent))")
                or (word is not None and re.search(rf"(?<![\w-]){word}(?![\w-])", low) is not None))
    forms = "|".join(re.escape(f) for f in (term, *_places_of(term), *_y_forms(term)))
    if re.search(rf"(?<!\w)(?:{forms}){_INFLECTION}(?!\w)", low):
        return True
    parts = [p for p in term.split("-") if p]
    if len(parts) > 1:  # "the Graz-Maribor line" is the line between Graz and Maribor
        return all(mentions(text, p) for p in parts)
    return term.isalpha() and 2 <= len(term) <= 6 and abbreviation(term).search(_cased(text)) is not None


# A year, then in the same sentence one before it told by its distance: "in 2025, from 61 million
# a year earlier", "in 2019 ... the previous year", "in 2020, up from two years before".
_YEARS_BEFORE = re.compile(r"(?<![\d,.])(1\d{3}|2\d{3})(?![\d,.]\d)[^.;!?]{0,80}?\b(?:(a|one|two|three|four|five)\s+years?\s+"
                           r"(?:earlier|before)|the\s+(previous|preceding|prior)\s+year|the\s+year\s+(before))\b")
_DISTANCE = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def _years_before(low: str) -> set[str]:
    """The years `low` (lower-cased text) tells as a distance before one it names."""
    out = set()
    for m in _YEARS_BEFORE.finditer(low):
        back = _DISTANCE[m.group(2)] if m.group(2) else 1
        out.add(str(int(m.group(1)) - back))
    return out


@lru_cache(maxsize=4096)
def period(term: str) -> re.Pattern | None:
    """The years a decade or century spans, as a pattern a year matches; None for anything else.

    >>> [period(t).pattern for t in ("1990s", "1600s", "80s", "17th century", "9th century")]
    ['199\\\\d', '16\\\\d\\\\d', '\\\\d\\\\d8\\\\d', '16\\\\d\\\\d', '8\\\\d\\\\d']
    >>> period("1990"), period("3rd"), period("1st century")
    (None, None, None)
    """
    decade = _DECADE.fullmatch(term)
    if decade:
        digits = decade.group(1)
        if len(digits) == 2:  # "the '80s": any century's
            return re.compile(rf"\d\d{digits[0]}\d")
        if digits.endswith("00"):  # "the 1600s" is the century that starts then
            return re.compile(rf"{digits[:-2]}\d\d")
        return re.compile(rf"{digits[:-1]}\d")
    rank = _ORDINAL.fullmatch(term)
    if rank and rank.group(2) and int(rank.group(1)) >= 2:
        return re.compile(rf"{int(rank.group(1)) - 1}\d\d")
    return None


def _literal(term: str, low: str) -> bool:
    return re.search(r"(?<!\w)" + "[ -]".join(map(re.escape, term.split())), low) is not None


def _whole_figure(figure: str, low: str, suffix: str = "") -> bool:
    return re.search(rf"(?<!\d)(?<!\d[,.]){re.escape(figure)}{suffix}(?![,.]?\d)", low) is not None


@lru_cache(maxsize=4096)
def abbreviation(term: str) -> re.Pattern:
    """Capitalised words whose initials spell `term`, small words between them skipped, or the
    letters with stops ("U.S.")."""
    words = rf"(?:\s+{_SKIPPED})*\s+".join(rf"{c.upper()}[\w'’-]*" for c in term)
    dotted = r"\.\s?".join(c.upper() for c in term) + r"\."
    return re.compile(rf"\b(?:{words}|{dotted})(?!\w)")


@lru_cache(maxsize=65536)
def _normal(text: str) -> str:
    """`text` as `mentions` compares it: lower case, no accents, no thousands' commas (cached:
    the same paragraphs are read for every name of every question)."""
    return ungrouped(fold(text)).lower()


@lru_cache(maxsize=16384)
def _cased(text: str) -> str:
    return fold(text)


def _places_of(word: str) -> tuple[str, ...]:
    """The place a demonym may be formed from: Croatian -> Croatia, Korean -> Korea,
    Japanese -> Japan (a stem of at least four letters, so short words stay themselves)."""
    if word.endswith("an") and len(word) >= 6:
        return (word[:-1],)
    if word.endswith("ese") and len(word) >= 7:
        return (word[:-3],)
    return ()


def _y_forms(word: str) -> tuple[str, ...]:
    """A place in -y and its demonym, either way: Hungary <-> Hungarian, Italy <-> Italian,
    Germany <-> German, Turkey <-> Turkish (at least five letters; a stem alone only in -an,
    so that "party" is never "part")."""
    if len(word) < 5:
        return ()
    if word.endswith("y"):
        stem = word[:-1]
        return (stem + "ian", *((stem,) if stem.endswith("an") else ()), *((word[:-2] + "ish",) if word.endswith("ey") else ()))
    if word.endswith("ian") and len(word) >= 7:
        return (word[:-3] + "y",)
    if word.endswith("an") and len(word) >= 6:
        return (word + "y",)
    if word.endswith("ish") and len(word) >= 7:
        return (word[:-3] + "ey",)
    return ()


# A run of capitalised words (with what it is "of": "Museum of Maritime Cartography"), its
# possessive, and the word after it: "Environment Agency's", "Ellisford scheme".
_NAME_RUN = regex.compile(r"(?<![\w’'-])((?:\p{Lu}[\w’'-]*\s+)*\p{Lu}[\w’'-]*?"
                          r"(?:\s+of\s+(?:the\s+)?(?:\p{Lu}[\w’'-]*\s+)*\p{Lu}[\w’'-]*?)?)(['’]s)?(?:\s+(\p{Ll}[\w-]*))?(?![\w’'-])")


def later_mentions(span: str, names: set[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each name of `span` (its lower-cased words among `names`, the question's names: not "Who"
    opening it) with the common nouns news refers to it by once it has named it in full: a body
    by its last word ("the Environment Agency" -> "the agency"), or by its first where it is of
    something ("the Museum of Maritime Cartography" -> "the museum", "the Bank of England" -> "the
    bank"), and a thing a name qualifies by its own noun ("the Ellisford scheme" -> "the scheme").

    >>> later_mentions("Who is the Environment Agency's project manager for the Ellisford scheme",
    ...                {"environment", "agency", "ellisford"})
    [(('environment', 'agency'), ('agency',)), (('ellisford',), ('scheme',))]
    >>> later_mentions("Who runs the Museum of Maritime Cartography", {"museum", "maritime", "cartography"})
    [(('museum', 'maritime', 'cartography'), ('museum',))]
    """
    out = []
    for m in _NAME_RUN.finditer(span):
        run = [re.sub(r"['’]s$", "", w.lower()) for w in m.group(1).split()]
        words = tuple(w for w in run if w in names)
        if not words:
            continue
        nouns = [run[0]] if "of" in run and run[0] in names else [words[-1]] if len(words) > 1 else []
        if m.group(3) and not m.group(2) and m.group(3).lower() not in _FUNCTION_WORDS:
            nouns.append(m.group(3).lower())
        out.append((words, tuple(nouns)))
    return out


_FUNCTION_WORDS = {"and", "or", "of", "in", "at", "for", "from", "on", "by", "with", "to", "the", "a", "an", "who", "that",
                   "which", "is", "was", "were", "are", "did", "does", "do", "has", "have", "had"}
