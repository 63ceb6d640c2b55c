"""A question -> what a sentence must hold to answer it: the kind of answer, key terms, names.

Classic extractive QA (the TREC QA track's answer typing): "How many ..." wants a figure,
"When ..." a date, "Who ..." a person. The patterns are general English question forms; which
entities a sentence holds comes from spaCy's recognizer (`rag.entities`), not from word lists.

>>> q = analyze("How many migrants did Bosnia register in 2019?")
>>> q.kind, q.salient
('number', ('bosnia', '2019'))
>>> analyze("According to Cerar, which leader said Greece was not doing enough?").kind
'person'
>>> analyze("When was that? (Merkel, Vienna)").salient  # a follow-up's carried context
()
>>> analyze("What is the capital of Slovenia?").settlement  # a city: a country does not answer
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from .byrole import PERSON_NOUNS, heading, role_asked
from .definition import target
from .discourse import REPORTING
from .lexical import tokenize
from .mentions import SPECIFIC_FIGURE, mentions, specific

_W = r"(?:which|what)"
# Nouns that name an amount of money, at the head of what is asked: "What is the club's annual
# budget?", "What was the net profit in May?" (not "the profit margin").
_MONEY_NOUNS = ("cost|costs|price|prices|budget|salary|wage|wages|fee|fees|fine|fines|revenue|revenues|profit|profits|"
                "income|earnings|turnover|fare|fares|rent|debt|deficit|bonus|dividend|tax|spending|compensation|damages|"
                "payment|payout|pension|subsidy|subsidies|grant|loan|ransom|reward|refund|royalties|fortune")
_AUX = r"(?:did|does|do|is|was|were|are|will|would|could|can|might|should|has|have|had|the|a|an)"
# Verbs whose "how much" is an amount of money: "How much did she spend?", "... fetch at auction?"
_MONEY_VERBS = "spend|spent|pay|paid|earn|earned|charge|charged|invest|invested|owe|owed|fetch|fetched|cost"
# The ways a question asks for an amount of money, each an alternative of `_MONEY_ASKED`.
_MONEY_FORMS = (
    # "How much (development) aid ...?", "How much did she spend?", "How much is the house worth?":
    # a word or two may qualify the thing measured
    rf"\bhow much (?:(?!{_AUX}\b)[\w-]+ ){{0,2}}?(?:money|funding|aid|{_MONEY_NOUNS}|"
    rf"(?:did|does|do|will|would|could|can|might|should|has|have|had|is|are|was|were) .+ (?:{_MONEY_VERBS})|is .+ worth)\b",
    # "How much is the coach's annual salary?"
    rf"\bhow much (?:is|was|are|were|will be|would be) (?:the |(?:[\w.-]+ ){{0,3}}?[\w-]+['’]s )(?:[\w-]+ ){{0,2}}?(?:{_MONEY_NOUNS})\b",
    # "What fee did the club pay?"
    rf"\b{_W} (?:[\w-]+ )?(?:{_MONEY_NOUNS}) (?:did|does|do|was|were|is|are|will|would|has|have|had)\b",
    # "What is the painting worth?", "What was the start-up valued at?"
    r"\bwhat(?:['’]s|\s+(?:is|was|are|were|will \w+))\s+(?:[\w'’-]+\s+){1,6}?(?:worth|valued at)\b",
    # "What was the net profit in May?", not "What was the profit margin?"
    rf"\b{_W} (?:was|is|were|are) (?:the |(?:the )?(?:[\w.-]+ ){{0,3}}[\w-]+['’]s )(?:[\w-]+ ){{0,2}}?(?:{_MONEY_NOUNS})"
    r"(?=\s*(?:\?|$|,|(?:of|in|for|at|from|on|during|under|per|to|by|did|does|do|was|were|is|are|will|would|has|have|had)\b))",
)
_MONEY_ASKED = re.compile("|".join(_MONEY_FORMS), re.I)
# Checked in order; the first match decides.
KINDS = [
    ("money", _MONEY_ASKED),
    ("number", re.compile(rf"\bhow (?:many|much|large|big|high|long|far|often|old|tall|wide|deep|fast)\b|\b{_W} (?:number|percentage|percent|share|amount|figure|proportion|fraction|population|size|rate)\b|\b{_W} (?:was|is|were|are) the (?:[\w-]+ ){{0,2}}?(?:number|population|size|rate|percentage)\b", re.I)),
    ("date", re.compile(rf"^\W*when\b|\b(?:and|but|so) when\b|\b{_W} (?:date|day|year|years|month|time|decade|century|period|era)\b|\bsince when\b|\bhow long ago\b", re.I)),
    ("place", re.compile(rf"^\W*where\b|\b(?:and|but|so) where\b|\b{_W} (?:city|cities|town|country(?!['’]s)|countries|place|capital|venue|region|state|province|continent|island|river|area|nation|village|location|port|border)\b|\b{_W} (?:is|was|are|were) the (?:capital|city|town|village|venue|location|birthplace)\b", re.I)),
    ("group", re.compile(rf"\b{_W} (?:nationality|nationalities|ethnicity|ethnic group|religion|language|people)\b|\b{_W} country's\b", re.I)),
    # "who" asks for a person unless it opens a relative clause of a "which"/"what" question
    # ("Which shop did the people who fell ill use?")
    ("person", re.compile(rf"^(?:(?!\b{_W}\b).)*?\b(?:who|whom|whose)\b|\b{_W}(?: \w+)? (?:{PERSON_NOUNS})\b", re.I)),
]
# The entity kinds (`rag.entities`) that can answer each kind of question.
ACCEPTS = {
    "person": {"person", "organization", "group"},
    "place": {"place"},
    "date": {"date"},
    "number": {"number", "money"},
    "money": {"money"},  # "two countries" holds a number, not an amount of money
    "group": {"group", "place"},
}
# A place that is a town, not a country: "Which city ...", "What is the capital of ...".
_SETTLEMENT = re.compile(rf"\b{_W} (?:city|cities|town|towns|capital|village|port)\b|\b{_W} (?:is|was|are|were) the (?:capital|city|town|village)\b", re.I)
# "What year ...", "On what date ...": a point in the calendar, which "today" or "this weekend"
# does not give ("When ...?" may be answered by them, "What day ...?" by "Thursday").
_CALENDAR = re.compile(rf"\b{_W} (?:date|year|month|decade|century)\b", re.I)
# "What time ...", "At what time ...": a time of day, which "on Friday" does not give.
# Read only when a verb follows "time": "What time frame ..." asks for a period.
_CLOCK = re.compile(rf"\b{_W} time\s+(?:did|does|do|is|was|were|are|will|would|should|can|could|has|have|had)\b", re.I)
# "How old ...?", "At what age ...?": an age, which any other figure in the sentence is not. News
# writes one as "a 44-year-old teacher", "aged 44", "at the age of 44" or "Raman, 41, said".
_AGE_ASKED = re.compile(r"\bhow old\b|\bwhat age\b", re.I)
# "What is the name of the X ..." asks what "What X ..." asks: a person only if X is one.
_NAME_OF = re.compile(rf"\b{_W} (?:is|was|are|were) the names? of (?:the |a |an )?", re.I)
_MEASURED = re.compile(rf"\b{_W}(?:['’]s| is| was| are| were) the (?:[\w-]+ ){{0,2}}?([\w-]+) (?:of|for|in)\b", re.I)
_COUNT_WORDS = {"number", "numbers", "amount", "figure", "total", "share", "percentage", "percent", "proportion",
                "fraction", "rate", "sum", "value", "level", "count"}
# "When he arrived, what did Cerar say?": a clause of time before the question asks nothing of when.
_WHEN_CLAUSE = re.compile(r"^\W*when\b[^,?]*,\s*(?=(?:[\w’'-]+\s+){0,2}?(?:what|which|who|whom|whose|how|where|why)\b)", re.I)
_ELSE = re.compile(r"\b(?:who|whom|what|where|which \w+)\s+else\b", re.I)
_SPEAKER = re.compile(rf"^\W*(?:and\s+)?who\s+(?:{REPORTING})\b", re.I)  # "Who said ...?"
_DURATION = re.compile(r"\bhow (?:long|old)\b", re.I)  # "three years": a date entity, a figure answer
_CONTEXT = re.compile(r"\s*\([^()]*\)\s*$")  # "... ? (Merkel, Vienna)": see rag.followup
# The words between "which"/"what" and the verb: the kind of thing asked for ("which day of the week did").
_FOCUS = re.compile(r"\b(?:which|what)\s+((?:[\w'’-]+\s+){1,5}?)(?:did|does|do|is|was|were|are|has|have|had|will|would|can|could)\b", re.I)
_APOSTROPHE_S = re.compile(r"['’]s$")  # "Croatia's": see `unpossessed`
_NEGATION = re.compile(r"\b(?:not|never|no|none|nor|without)\b|n't\b", re.I)
# Capitals of any script with cases ("Šefic", "Östberg"): `regex` knows Unicode letter classes.
_CAPITALIZED = regex.compile(r"(?<![.!?\"“] )(?<!^)\b\p{Lu}[\w’'-]*\p{Ll}[\w’'-]*|\b\p{Lu}{2,}\b")


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    kind: str  # money | number | date | place | group | person | other
    terms: tuple[str, ...]  # stemmed content terms (BM25 tokenizer)
    salient: tuple[str, ...]  # lower-cased names and figures the answer must be about
    negated: bool = False  # "Which country did not ...": a sentence without a negation misleads
    settlement: bool = False  # the place asked for is a city or town: a country does not answer
    calendar: bool = False  # a date asked for as a point in the calendar: a relative one ("today") does not answer
    by_role: bool = False  # a person asked for by their role ("Who is the mayor?"): only a person's name answers
    defines: str = ""  # "Who is X?": the X asked about (rag.definition)
    measure: str = ""  # "What is the population of Lyon?": the attribute a figure is asked of (`measured`)
    more: bool = False  # "Who else ...?": someone or something besides what the conversation named
    given: frozenset[str] = frozenset()  # terms and names the conversation already said (see `given_by`)
    clock: bool = False  # a time of day asked for ("What time ...?"): a day alone does not answer
    age: bool = False  # an age asked for ("How old ...?"): another figure does not answer
    heads: bool = False  # "Who runs the creamery?": a sentence that says a head's role and names them is quoted first

    @property
    def new_terms(self) -> tuple[str, ...]:
        """The terms the conversation had not said (all of them when it had said every one)."""
        return tuple(t for t in self.terms if t not in self.given) or self.terms

    @property
    def new_salient(self) -> tuple[str, ...]:
        """The names and figures the conversation had not said (none left: nothing to check)."""
        return tuple(t for t in self.salient if t not in self.given)

    @property
    def accepts(self) -> set[str]:
        """Entity kinds that answer this question (empty: any sentence may)."""
        if self.by_role:
            return {"person"}
        kinds = set(ACCEPTS.get(self.kind, ()))
        if self.kind == "number" and _DURATION.search(self.text):
            kinds.add("date")
        if self.kind == "place" and _PUBLISHED.search(self.text):  # "in The Lancet", "on BBC Radio 4"
            kinds |= {"organization", "work"}
        return kinds


# "Where were the results published?": in a journal, a paper or a programme, not only a place.
_PUBLISHED = re.compile(r"\b(?:published|printed|reported|broadcast|aired|appeared?|appears)\b", re.I)


def analyze(question: str, stemmer: str = "english") -> QuestionInfo:
    """`stemmer` must be the index's BM25 stemmer, so the terms match its vocabulary."""
    typed = _WHEN_CLAUSE.sub("", _NAME_OF.sub("what ", question))
    kind = next((name for name, pattern in KINDS if pattern.search(typed)), "other")
    terms = tuple(dict.fromkeys(tokenize([question], stemmer)[0]))
    asked = asked_part(question)
    heads = heading(asked)  # "Who runs the creamery?": quoted by the head's role
    by_role = not heads and role_asked(asked) is not None  # "What is the name of the city's mayor?" asks for a person
    defines = "" if by_role else target(asked)
    kind = "person" if by_role else "other" if defines else kind  # "Who is Cerar?" asks what he is, not for a name
    settlement = kind == "place" and bool(_SETTLEMENT.search(_NAME_OF.sub("what ", asked)))
    calendar = kind == "date" and bool(_CALENDAR.search(asked))
    clock = kind == "date" and bool(_CLOCK.search(asked))
    age = kind == "number" and bool(_AGE_ASKED.search(asked))
    measure = measured(asked) if kind in ("number", "money") else ""
    from .entities import entities

    # News names a person in full once, by surname after: "Thomas Breuer" is mentioned by "Breuer said".
    first = {w for k, t in entities(asked) if k == "person" for w in t.split()[:-1]}
    salient = tuple(t for t in salient_terms(asked) if t not in first)
    return QuestionInfo(question, kind, terms, salient, bool(_NEGATION.search(asked)), settlement,
                        calendar, by_role, defines, measure, bool(_ELSE.search(asked)), clock=clock, age=age,
                        heads=heads)


def measured(question: str) -> str:
    """The attribute a figure question asks the value of, when it names one: a question about an
    attribute no article ever mentions is about something they do not cover. Words that only say
    "a figure" (number, share, percentage, total) name none: "percent" may well give it.

    >>> measured("What is the current population of Lyon?"), measured("What was the price of oil in 1974?")
    ('population', 'price')
    >>> measured("What is the number of members?"), measured("How many people came?")
    ('', '')
    """
    m = _MEASURED.search(question)
    return "" if m is None or m.group(1).lower() in _COUNT_WORDS else m.group(1).lower()


def asks_speaker(question: str) -> bool:
    """Does the question ask who said something? Its answer is who speaks, which a quotation may
    say only in the sentence before it or after it (`rag.discourse.attribution`).

    >>> asks_speaker('Who said "We agree"?'), asks_speaker("Who told the ministers?"), asks_speaker("Who won?")
    (True, True, False)
    """
    return bool(_SPEAKER.search(asked_part(question)))


def asked_part(question: str) -> str:
    """The question without a follow-up's carried context, which is searched but not asked.

    >>> asked_part("When was that? (Merkel, Vienna)")
    'When was that?'
    """
    return _CONTEXT.sub("", question)


def focus_noun(question: str) -> str:
    """The noun a "Which/What <noun> ...?" question asks for ("" if none): what a sentence that
    says it will not tell that noun leaves unanswered (`rag.withheld.withholds_noun`).

    >>> focus_noun("What interest rate will the club pay?"), focus_noun("Who won?")
    ('rate', '')
    """
    m = _FOCUS.search(asked_part(question))
    return m.group(1).split()[-1].lower() if m else ""


def carried_names(question: str) -> tuple[str, ...]:
    """The names in a follow-up's carried context (lower case): whom or what the conversation was
    about, where the follow-up itself names nothing ("Who runs it?" after a question on a company).

    >>> carried_names("Who runs it? (Prairie, Pulse, Genetics, based)"), carried_names("Who runs Veltrix?")
    (('prairie', 'pulse', 'genetics'), ())
    """
    m = _CONTEXT.search(question)
    return tuple(w.lower() for w in re.findall(r"\b[A-Z][\w’'-]*", m.group())) if m else ()


def given_by(qi: QuestionInfo, history: list[dict] | None, stemmer: str = "english") -> QuestionInfo:
    """`qi` with what the earlier turns already said marked as given.

    In a conversation a follow-up's words are of two kinds: what the user adds now (the new), and
    what the conversation already said (the given: the names a pronoun stood for, the subject
    carried over). The given words say where to look; the new ones say which sentence answers.
    A sentence that merely repeats the previous turn's names answers nothing new.

    >>> qi = analyze("What did Angela Merkel say about Greece?")
    >>> history = [{"role": "user", "content": "Which leader did Cerar quote?"},
    ...            {"role": "assistant", "content": "Angela Merkel."}]
    >>> given_by(qi, history).new_salient
    ('greece',)
    >>> given_by(analyze("How many were registered in all of 2017?"),
    ...          [{"role": "assistant", "content": "2,600 were registered over 2017."}]).given
    frozenset()
    >>> given_by(analyze("On which day of the week did the mayors meet in Lyon?"),
    ...          [{"role": "assistant", "content": "The mayors will meet in Lyon [1]."}]).given
    frozenset()
    """
    said = " ".join(m["content"] for m in history or [] if isinstance(m, dict) and isinstance(m.get("content"), str))
    if not said.strip() or asks_speaker(qi.text):  # 'Who said "..."?' quotes the answer to find it again
        return qi
    given = set(tokenize([said], stemmer)[0]) | {n for n in qi.salient if mentions(said, n)}
    # The words that name the kind of answer ("which day of the week did ...") pick no sentence
    # either: the answer says "Thursday", not "day".
    focus = _FOCUS.search(asked_part(qi.text))
    given |= set(tokenize([focus.group(1)], stemmer)[0]) if focus else set()
    if given >= set(qi.salient) and given >= set(qi.terms) - function_terms(stemmer):
        return qi  # it adds nothing but function words ("How many were there in all?"): asked whole
    return replace(qi, given=frozenset(given & {*qi.terms, *qi.salient}))


@lru_cache(maxsize=4)
def function_terms(stemmer: str = "english") -> frozenset[str]:
    """The BM25 terms of English's function words (spaCy's stop list, 326 words): no sentence is
    picked by them, so a follow-up that adds only these adds nothing to pick one by.

    >>> sorted(function_terms() & {"all", "were", "mani", "migrant"})
    ['all', 'mani', 'were']
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(tokenize([" ".join(sorted(STOP_WORDS))], stemmer)[0])


def salient_terms(text: str) -> tuple[str, ...]:
    """Proper names (capitalized, not sentence-initial) and figures: the specifics of a question.

    >>> salient_terms("  When did Kublai defend Xiangyang?")  # a leading space: "When" still opens it
    ('kublai', 'xiangyang')
    >>> salient_terms("What did Šefic say?")  # `mentions` reads it without its accents too
    ('šefic',)
    """
    text = text.strip()
    names = [unpossessed(m.group().lower()) for m in _CAPITALIZED.finditer(text)]
    figures = [specific(m.group()) for m in SPECIFIC_FIGURE.finditer(text)]
    return tuple(dict.fromkeys(names + figures))


def unpossessed(name: str) -> str:
    """A name without its possessive: "Kublai Khan's" names Kublai Khan.

    >>> unpossessed("Kublai Khan's"), unpossessed("Croatia’s"), unpossessed("Brussels")
    ('Kublai Khan', 'Croatia', 'Brussels')
    """
    return _APOSTROPHE_S.sub("", name)


# Function words (universal parts of speech): pronouns, determiners, auxiliaries, prepositions,
# conjunctions, particles, interjections, punctuation.
_FUNCTION = {"PRON", "DET", "AUX", "ADP", "CCONJ", "SCONJ", "PART", "INTJ", "PUNCT", "SYM", "SPACE"}


def names_nothing(question: str) -> bool:
    """Is the question made of function words only ("Who?", "Why is that?"), so that it names
    nothing the articles could be searched for? A follow-up is asked after its rewrite, which
    carries the conversation's names (`rag.followup`).

    >>> names_nothing("Who is he?"), names_nothing("Who won?"), names_nothing("When was that? (Merkel)")
    (True, False, False)
    """
    if len(question.split()) > 8:  # a question this long names something: no need to tag it (~4 ms)
        return False
    from .entities import parts_of_speech

    return all(pos in _FUNCTION for pos in parts_of_speech(question))
