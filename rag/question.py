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

from .byrole import PERSON_NOUNS, heading, holders, role_asked, titled_names
from .lexicon import person_noun
from .definition import target
from .discourse import REPORTING
from .lexical import tokenize
from .mentions import FIGURE, SPECIFIC_FIGURE, mentions, specific
from .shapes import YEAR, states_rate

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
    # "What is the painting worth?"
    r"\bwhat(?:['’]s|\s+(?:is|was|are|were|will \w+))\s+(?:[\w'’-]+\s+){1,6}?worth\b",
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
_CALENDAR_WORDS = re.compile(r"\d|\b(?:january|february|march|april|may|june|july|august|september|october|"
                             r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|century|centuries)\b", re.I)
# "What percentage of the vote ...?": a share stated as one, which "14 seats" is not.
_PERCENT_ASKED = re.compile(rf"\b{_W} (?:percentage|percent|per cent)\b|\bhow many percent\b", re.I)
_PERCENT = re.compile(r"(\d(?:[\d,.]*\d)?)\s*(?:%|per\s?cent\b|percentage points?\b)", re.I)
# "In what year ...?": a year, which "December 8" does not give ("the 1720s", "'98" do).
_YEAR_ASKED = re.compile(rf"\b{_W} year\b", re.I)
# "What time ...", "At what time ...": a time of day, which "on Friday" does not give.
# Read only when a verb follows "time": "What time frame ..." asks for a period.
_CLOCK = re.compile(rf"\b{_W} time\s+(?:did|does|do|is|was|were|are|will|would|should|can|could|has|have|had)\b", re.I)
_CLOCK_WORDS = re.compile(r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2}\s*(?:a\.?m\b\.?|p\.?m\b\.?|o['’]clock\b)|\b(?:noon|midday|"
                          r"midnight|dawn|dusk|morning|afternoon|evening|night)\b", re.I)
# "How old ...?", "At what age ...?": an age, which any other figure in the sentence is not. News
# writes one as "a 44-year-old teacher", "aged 44", "at the age of 44" or "Raman, 41, said".
_AGE_ASKED = re.compile(r"\bhow old\b|\bwhat age\b", re.I)
_AGE = re.compile(r"(?P<age>\b\d{1,3}[- ]years?[- ]old\b|\baged\s+\d{1,3}\b|\bage of\s+\d{1,3}\b)"
                  r"|\b[A-Z][\w'’-]+,\s+(?P<beside>\d{1,3}),")
# "What is the name of the X ..." asks what "What X ..." asks: a person only if X is one.
_NAME_OF = re.compile(rf"\b{_W} (?:is|was|are|were) the names? of (?:the |a |an )?", re.I)
# What a role asked for by name is of: one prepositional phrase after it, up to the next
# preposition or clause ("the state secretary at Slovenia's interior ministry | quoted in ...").
_ROLE_OF = re.compile(r"\s+(?:of|at|in|for|from)\s+((?:(?!(?:of|at|in|on|for|from|by|with|who|whom|that|which|"
                      r"quoted|named|when|where|during|after|before|since)\b)[\w’'-]+\s*){1,5})", re.I)
_MEASURED = re.compile(rf"\b{_W}(?:['’]s| is| was| are| were) the (?:[\w-]+ ){{0,2}}?([\w-]+) (?:of|for|in)\b", re.I)
_COUNT_WORDS = {"number", "numbers", "amount", "figure", "total", "share", "percentage", "percent", "proportion",
                "fraction", "rate", "sum", "value", "level", "count"}
# "When he arrived, what did Cerar say?": a clause of time before the question asks nothing of when.
_WHEN_CLAUSE = re.compile(r"^\W*when\b[^,?]*,\s*(?=(?:[\w’'-]+\s+){0,2}?(?:what|which|who|whom|whose|how|where|why)\b)", re.I)
_ELSE = re.compile(r"\b(?:who|whom|what|where|which \w+)\s+else\b", re.I)
_SPEAKER = re.compile(rf"^\W*(?:and\s+)?who\s+(?:{REPORTING})\b", re.I)  # "Who said ...?"
_QUOTATION = re.compile(r'"[^"]*"|“[^“”]*”')
# "How many ...?" counts things, which the figures of a date do not ("How many years ...?" may be told by them).
_COUNT_ASKED = re.compile(r"\bhow many (?!(?:\w+ )?(?:years|months|weeks|days|hours|minutes|seconds|decades|centuries|"
                          r"times)\b)", re.I)
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d\d\b")  # "14:22": a time of day, which the recognizer may call a number
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
        return kinds


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


def role_names(question: str) -> tuple[str, ...]:
    """The names and figures of the role a question asks a person for by (`by_role`): what a
    sentence naming someone must be about to answer it.

    >>> role_names("Who is the president of Serbia?")
    ('serbia',)
    >>> role_names("Who is the state secretary at Slovenia's interior ministry quoted in the Sarajevo article?")
    ('slovenia',)
    >>> role_names("Who was Genghis's 4th son?"), role_names("Who was the leader of Russia in the 1960s?")
    (('genghis', '4th'), ('russia',))
    >>> role_names("Who is the CEO of Veltrix?")
    ('veltrix',)
    >>> role_names("Who signed the treaty in Paris?")  # not asked by role
    ()
    """
    role = role_asked(asked_part(question))  # "Who is the CEO of Veltrix?": "CEO" is the role, not a name
    return tuple(t for t in salient_terms(role_span(question)) if not re.fullmatch(f"(?:{role[2]})", t, re.I))


def role_span(question: str) -> str:
    """The question up to the role it asks a person for by and what that role is of ("" if it
    asks by none): "Who is the Environment Agency's project manager for the Ellisford scheme?
    (Wend)" -> "Who is the Environment Agency's project manager for the Ellisford scheme"."""
    asked = asked_part(question)
    role = role_asked(asked)
    if role is None:
        return ""
    start, end, _ = role
    complement = _ROLE_OF.match(asked, end)
    return asked[start : complement.end() if complement else end]


def holding_role(qi: QuestionInfo, sentences: list[str], scores) -> int | None:
    """For a person asked for by a role ("Who is the race director?"), the index of the sentence
    to quote first when the best-scored one does not say the role: the best-scored of the others
    that says it and names someone. The story's opening sentence names people and shares the
    question's words, and says nothing of who holds the role. None when there is no better one.
    A best sentence that says the role and names no one stays first: "a working meeting with the
    Romanian minister" is the article's word that it does not name him.

    >>> qi = analyze("Who is the race director of the marathon?")
    >>> holding_role(qi, ["Grace Wanjiru won the marathon.", "Race director Tom Hale cut the route."], [2.0, 1.0])
    1
    """
    role = role_asked(asked_part(qi.text)) if qi.by_role or qi.heads else which_role(qi.text)
    if role is None:
        return None
    says = [re.search(rf"\b(?:{role[2]})", s, re.I) is not None for s in sentences]
    best = max(range(len(scores)), key=lambda i: scores[i])
    if says[best]:
        return None
    better = [i for i in range(len(scores)) if says[i] and has_candidate(qi, sentences[i])]
    # else one that speaks of someone in the role unnamed ("A local pilot was on board."): the article's word
    better = better or [i for i in range(len(scores)) if says[i] and leaves_unnamed(qi, sentences[i])]
    return max(better, key=lambda i: scores[i]) if better else None


# "Which judge led the panel?", "Which analyst said ...?": a person asked for among holders of a role.
_WHICH_ROLE = re.compile(r"^\W*(?:which|what)\s+([\w’'-]+)(?:\s+([a-z]+)\b)?", re.I)


def which_role(question: str) -> tuple[int, int, str] | None:
    """The role a "Which <role> ...?" question asks among, as `role_asked` gives one, or None.

    >>> which_role("Which judge led the panel?")[2], which_role("Which Norman leader ruled?")[2], which_role("Which city won?")
    ('judge', 'leader', None)
    """
    m = _WHICH_ROLE.search(asked_part(question))
    # the role's noun, or the word after one that qualifies it ("Which Norman leader ...?")
    noun = next((w for w in (m.group(1, 2) if m else ()) if w and (re.fullmatch(PERSON_NOUNS, w, re.I) or person_noun(w))), None)
    return None if noun is None else (m.start(), m.end(), re.escape(noun.lower()))


def leaves_unnamed(qi: QuestionInfo, sentence: str) -> bool:
    """For a person asked for by a role, does `sentence` speak of someone in that role without
    naming them ("They brought in an outside microbiologist.", "A local pilot was on board."),
    and name no one else who could be them (a name beside another role is someone else's)?

    >>> leaves_unnamed(analyze("What is the name of the microbiologist they hired?"),
    ...                "Managing director Tom Ellery said they had hired an outside microbiologist.")  # doctest: +SKIP
    True
    """
    role = role_asked(asked_part(qi.text)) if qi.by_role else None
    if role is None or not re.search(rf"\b(?:a|an|another)\s+(?:[\w’'-]+\s+){{0,2}}?(?:{role[2]})\b", sentence, re.I):
        return False
    if holders(sentence, role):
        return False
    titled = set(titled_names(sentence))  # "managing director Tom Ellery": someone with a role of their own
    return all(text in titled for _, text in candidates(qi, sentence))


def asked_part(question: str) -> str:
    """The question without a follow-up's carried context, which is searched but not asked.

    >>> asked_part("When was that? (Merkel, Vienna)")
    'When was that?'
    """
    return _CONTEXT.sub("", question)


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


def has_candidate(qi: QuestionInfo, sentence: str) -> bool:
    """Does `sentence` hold something of the kind asked for that the question does not say?

    >>> has_candidate(analyze("Which leader said Greece was not doing enough?"),
    ...               "Merkel explicitly underscored that Greece was not doing enough.")  # doctest: +SKIP
    True
    """
    return not qi.accepts or bool(candidates(qi, sentence))


# The kind of entity that answers each kind of question most directly: "Who ...?" is answered by
# a person where the evidence names one, though an organization may answer it where none is named.
FIRST_CHOICE = {"person": {"person"}, "place": {"place"}, "date": {"date"}, "number": {"number", "money"},
                "money": {"money"}, "group": {"group"}}


def candidates(qi: QuestionInfo, sentence: str, first_choice: bool = False) -> list[tuple[str, str]]:
    """(kind, lower-cased text) of what `sentence` holds of the kind asked for, that the question
    does not say; `first_choice`: of the kind that answers most directly (`FIRST_CHOICE`).

    >>> candidates(analyze("Who forced Ethelred out?"), "Ethelred was forced out by Sweyn Forkbeard.")  # doctest: +SKIP
    [('person', 'sweyn forkbeard')]
    """
    accepts = {"person"} if qi.by_role else FIRST_CHOICE.get(qi.kind, set()) if first_choice else qi.accepts
    if not accepts:
        return []
    from .entities import entities, measures, settlements

    if qi.settlement:  # a city or town: not a country, a continent, a region or a building
        found = [("place", text) for text in settlements(sentence)]
    else:
        found = [(kind, text) for kind, text in entities(sentence) if kind in accepts]
    if qi.calendar:  # "this weekend" is a date to the recognizer, not an answer to "On what date?"
        found = [(kind, text) for kind, text in found if kind != "date" or _CALENDAR_WORDS.search(text)]
        if _YEAR_ASKED.search(qi.text):  # nor "December 8" to "In what year ...?"
            found = [(kind, text) for kind, text in found if kind != "date" or YEAR.search(text)]
    if qi.clock:  # "at 14:22" is a figure to the recognizer, "on Monday" a date: a time of day answers
        found = [(kind, text) for kind, text in found if kind != "date" or _CLOCK_WORDS.search(text)]
        found += [("date", m.group().lower()) for m in _CLOCK_WORDS.finditer(sentence)
                  if not any(m.group().lower() in text for _, text in found)]
    if qi.age:  # "a 44-year-old teacher", "Raman, 41,": an age, not any figure
        found = [("number", (m["age"] or m["beside"]).lower()) for m in _AGE.finditer(sentence)]
    elif _PERCENT_ASKED.search(qi.text):  # "27.1 percent", "40%": a share, not any figure
        found = [("number", m.group(1)) for m in _PERCENT.finditer(sentence)]
    elif "number" in accepts:
        figures = FIGURE.findall(sentence)
        counts = _COUNT_ASKED.search(qi.text)
        if counts:  # "How many councillors ...?" is not answered by "January 1, 2027"
            dated = {f for kind, text in entities(sentence) if kind == "date" and _CALENDAR_WORDS.search(text)
                     for f in FIGURE.findall(text)}
            # nor by "31 minutes", "14:22" or "5 million euros", unless it counts their unit ("How many euros ...?")
            asked_units = {w[:4] for w in re.findall(r"[a-z]{3,}", qi.text[counts.end():].lower())[:3]}
            units = [m for m in measures(sentence) if not asked_units & {w[:4] for w in re.findall(r"[a-z]{3,}", m)}]
            units += [m.group() for m in _CLOCK_TIME.finditer(sentence)]
            measured = {f for text in units for f in FIGURE.findall(text)}
            found = [(kind, text) for kind, text in found if text not in units and not set(FIGURE.findall(text)) & measured]
            figures = [f for f in figures if f not in dated and f not in measured]
        found += [("number", f) for f in figures]
    if found and qi.kind in ("number", "money") and not states_rate(qi.text, sentence):  # "per week": not a fee
        found = [(kind, text) for kind, text in found if kind not in ("number", "money")]
    if qi.by_role or qi.heads:  # a name its role stands beside is a person's, whatever the recognizer makes of it
        titled = [("person", name) for name in titled_names(sentence, role_asked(asked_part(qi.text)))]
        found += [c for c in dict.fromkeys(titled) if c not in found]
    # Asked who said a quotation, the names inside it are what was said, not who said it.
    asked = _QUOTATION.sub(" ", qi.text) if asks_speaker(qi.text) else qi.text
    return [(kind, text) for kind, text in found if not _said(asked, text, kind)]


def keeps(sentence: str, candidate: tuple[str, str]) -> bool:
    """Does `sentence` name `candidate` (a person by their surname at least)?

    >>> keeps("Forkbeard forced him out.", ("person", "sweyn forkbeard")), keeps("He fled.", ("person", "sweyn forkbeard"))
    (True, False)
    """
    kind, text = candidate
    words = [w for w in re.findall(r"[\w’'-]+", text) if w not in ("the", "a", "an", "of")]
    if kind == "person" and len(words) > 1:
        words = words[-1:]
    return bool(words) and all(mentions(sentence, w) for w in words)


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


def _said(question: str, entity: str, kind: str = "") -> bool:
    """Is the entity already in the question (then it cannot be the answer)? A person is named
    by their surname: "Angela Merkel" is said by a question that names Merkel."""
    return keeps(question, (kind, entity))
