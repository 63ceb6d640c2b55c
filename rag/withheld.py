"""A sentence + the kind of thing a question asks for -> does the sentence say it is not known?

News says plainly what it does not know: "It did not name a successor.", "She did not say when
the ambulance would be in place.", "The seller, whose name has not been made public, ...". Asked
"Who will succeed him?" or "When will the ambulance arrive?", such a sentence is the articles'
answer: they do not say. Without this, the sentence that shares the most words with the
question (often that very one) is quoted as if it answered.

What is withheld is read from general English news idioms: a negated verb of saying, naming or
deciding ("did not say", "declined to disclose", "has not named", "has not decided") and what
follows it ("when", "how much", "who", "whether", "which company", "the price"); a name, sum or
date that "has not been made public" or "was not disclosed"; "an undisclosed sum"; "it is
unclear why", "it is not yet known whether". Each gives the kinds of question it leaves
unanswered (`rag.question` kinds, with "reason" for "Why ...?", "manner" for "How did ...?" and
"whether" for a question answered yes or no).

>>> sorted(withheld("It did not name a successor."))
['organization', 'person']
>>> withheld("She did not say when the ambulance would be in place.")
{'date'}
>>> withheld("The fee was not disclosed."), withheld("Police said the man, 34, was arrested.")
({'money'}, set())
>>> asked("Why did the wheel fail?", "other"), asked("How did it reach France?", "other")
('reason', 'manner')
>>> asked("Which manufacturer will supply the turbines?", "other"), asked("What did she say?", "other")
('which', 'other')
"""

from __future__ import annotations

import re

# A verb of saying, showing, naming or deciding, negated or refused: "did not say", "has not yet
# disclosed", "declined to name", "would not confirm", "has also not decided", "without saying".
_NOT = (r"(?:(?:did|does|do|has|have|had|would|could|will|was|were|is|are)(?:\s+(?:also|still))?(?:\s+not|\s+never|n['’]t)"
        r"|refused to|declined to|(?:was|were) unable to|would neither confirm nor deny|without)")
_TELL = (r"(?:say|said|disclose|disclosed|reveal|revealed|specify|specified|confirm|confirmed|give|given|explain|"
         r"explained|announce|announced|identify|identified|name|named|release|released|state|stated|indicate|"
         r"indicated|comment on|elaborate on|set out|put a (?:figure|date|number|price|timeline|timetable) on|decide|decided|"
         r"determine|determined|publish|published|saying|disclosing|revealing|specifying|naming|identifying|explaining|"
         r"stating|giving)")
_SAID_NOT = re.compile(rf"\b{_NOT}\s+(?:yet\s+|publicly\s+|immediately\s+|officially\s+|formally\s+)?{_TELL}\b", re.I)
# What the withheld clause goes on to leave open: a wh-word or the noun it withholds.
_WH = {
    "when": {"date"}, "how many": {"number"}, "how much": {"money", "number"}, "how long": {"number"},
    "who": {"person", "organization"}, "whom": {"person", "organization"}, "where": {"place"}, "why": {"reason"},
    "how": {"manner"}, "whether": {"whether"},
}
_NOUNS = {
    "date": {"date"}, "time": {"date"}, "timing": {"date"}, "timetable": {"date"}, "timeline": {"date"},
    "name": {"person", "organization"}, "names": {"person", "organization"}, "identity": {"person", "organization"},
    "identities": {"person", "organization"}, "price": {"money"}, "cost": {"money"}, "amount": {"money", "number"},
    "sum": {"money"}, "value": {"money"}, "valuation": {"money"}, "fee": {"money"}, "figure": {"money", "number"}, "terms": {"money"},
    "estimate": {"money", "number"}, "accounts": {"money"}, "finances": {"money"}, "earnings": {"money"}, "revenue": {"money"},
    "profit": {"money"}, "profits": {"money"}, "salary": {"money"}, "budget": {"money"},
    "number": {"number"}, "reason": {"reason"}, "reasons": {"reason"}, "cause": {"reason"},
    "location": {"place"}, "whereabouts": {"place"},
}
_WH_WORDS = r"how many|how much|how long|when|whom|who|where|why|how|whether"
_WHAT_FOLLOWS = re.compile(
    rf"\s+(?:(?:publicly|exactly|immediately|precisely)\s+)?(?:(?P<wh>{_WH_WORDS})\b"
    r"|(?:the|a|an|its|his|her|their|any)\s+(?:(?:[\w-]+)\s+){0,2}?(?P<noun>" + "|".join(_NOUNS) + r")s?\b"
    r"|(?P<any>(?:which|what)\s+\w+|a (?:successor|replacement|buyer|winner|suspect|culprit)))", re.I)
_NAMING = re.compile(r"\bnam(?:e|ing)|identif", re.I)  # "did not name a successor": a person or a body was not named
# "whose name has not been made public", "The fee was not disclosed", "terms were not released",
# "The valuation at its last funding round, in 2024, has never been made public": the noun, what it
# is of (one phrase) and an aside between commas, then the verb. What an aside says the noun
# includes is withheld too: "Terms ..., including how royalties will be shared, were not disclosed."
_PASSIVE = re.compile(
    r"\b(?P<noun>" + "|".join(_NOUNS) + r")(?:\s+(?:of|at|in|for|from|on)\s+[^,.;]{1,60}?)?"
    rf"(?:\s*,(?:\s+including\s+(?P<wh>{_WH_WORDS})\b)?[^,.;]{{0,60}},)?\s+(?:that\s+|which\s+)?"  # "terms that were not disclosed"
    r"(?:has|have|had|was|were|is|are|will)\s+"
    r"(?:not|never|yet to be)\s+(?:been\s+|be\s+)?(?:made public|disclosed|released|revealed|given|announced|published|set)\b", re.I)
_NAMED_NOT = re.compile(r"\b(?:was|were|has|have)\s+not\s+(?:yet\s+)?(?:been\s+)?(?:named|identified)\b", re.I)
_UNDISCLOSED = re.compile(r"\bundisclosed\s+(?:[\w-]+\s+)?(?P<what>sum|amount|fee|price|figure|location|date)\b", re.I)
_UNCLEAR = re.compile(r"\b(?:(?:it|this)\s+(?:is|was|remains|remained)\s+(?:also\s+|still\s+)?"
                      r"(?:not\s+(?:yet\s+)?(?:clear|known)|unclear|unknown)"
                      r"|no one knows|nobody knows|too early to (?:say|tell|know|predict)"  # "it was too early to say when"
                      # "no decision had been taken on whether it would contribute"
                      r"|no decision (?:has |had |have |was )?(?:yet )?(?:been )?(?:taken|made|reached)(?:\s+(?:on|about|over))?)"
                      rf"\s+(?P<wh>{_WH_WORDS})\b", re.I)
# What else the same clause leaves open: "whether it would contribute, or how much".
_ALSO = re.compile(r"[^.;:]{0,60}?,?\s+(?:or|and)\s+(?P<wh>how many|how much|how long|when|whom|who|where|why)\b", re.I)
_NO_REASON = re.compile(r"\bgave no (?:reason|explanation)|\bno reason (?:was|has been|had been) given|"
                        r"\bwithout (?:(?:giving|offering|providing)\s+(?:a|any)\s+)?(?:reason|explanation)\b|\bno date "
                        r"(?:was|has been|had been|is) (?:set|given)|\bcause (?:is|was|remains|remained) (?:not yet |not |un)known",
                        re.I)


def withheld(sentence: str) -> set[str]:
    """The kinds of question (`rag.question` kinds, "reason", "manner") that the sentence says the
    articles cannot answer: empty when it withholds nothing."""
    kinds: set[str] = set()
    for m in _SAID_NOT.finditer(sentence):
        follow = _WHAT_FOLLOWS.match(sentence, m.end())
        if follow is not None and follow.group("wh"):
            kinds |= _WH[follow.group("wh").lower()]
        elif follow is not None and follow.group("noun"):
            kinds |= _NOUNS[follow.group("noun").lower()]
        elif _NAMING.search(m.group(0)):  # "did not name a successor", "have not identified the thieves"
            kinds |= {"person", "organization"}
        elif follow is not None:
            kinds |= {"which"}  # "did not say which company": what a "Which ...?" question asks
    for m in _PASSIVE.finditer(sentence):
        kinds |= _NOUNS[m.group("noun").lower()] | (_WH[m.group("wh").lower()] if m.group("wh") else set())
    if _NAMED_NOT.search(sentence):
        kinds |= {"person", "organization"}
    for m in _UNDISCLOSED.finditer(sentence):
        kinds |= _NOUNS[m.group("what").lower()]
    for m in _UNCLEAR.finditer(sentence):
        kinds |= _WH[m.group("wh").lower()]
        also = _ALSO.match(sentence, m.end())
        kinds |= _WH[also.group("wh").lower()] if also else set()
    for m in _NO_REASON.finditer(sentence):
        kinds |= {"date"} if "date" in m.group(0).lower() else {"reason"}
    return kinds


def withheld_clauses(sentence: str) -> list[tuple[set[str], str]]:
    """(kinds, what it leaves open) of each clause of `sentence` that says, with a question word,
    what is not known: "Officials did not say when residents would be allowed home." gives
    ({"date"}, "when residents would be allowed home."). Names, sums and reasons a sentence says
    are undisclosed without one ("whose name was not released") are left out: what they are of
    is not spelled out.

    >>> withheld_clauses("Officials did not say when residents could return. They left.")
    [({'date'}, 'when residents could return. They left.')]
    >>> withheld_clauses("The fee was not disclosed.")
    []
    """
    out = []
    for m in [*_SAID_NOT.finditer(sentence), *_UNCLEAR.finditer(sentence)]:
        if m.re is _UNCLEAR:
            out.append((_WH[m.group("wh").lower()], sentence[m.start("wh"):]))
            continue
        follow = _WHAT_FOLLOWS.match(sentence, m.end())
        if follow is not None and follow.group("wh"):
            out.append((_WH[follow.group("wh").lower()], sentence[follow.start("wh"):]))
        elif follow is not None and follow.group("any"):  # "did not say which company"
            out.append(({"which"}, sentence[follow.start("any"):]))
    return out


_WHICH = re.compile(r"^\W*(?:(?:in|on|at|to|from|by|with|for)\s+)?(?:which|what)\s+(?!(?:did|does|do|is|was|were|are|has|have|"
                    r"had|will|would|can|could|should|might|may)\b)[\w-]+", re.I)
_REASON = re.compile(r"^\W*(?:why|how come|for what reason)\b", re.I)
# "Will the trainees get the bonus?": a yes or no, which "It is not known whether ..." leaves open.
_YES_NO = re.compile(r"^\W*(?:will|would|is|are|was|were|does|do|did|has|have|had|can|could|should|may|might|must)\b", re.I)
_MANNER = re.compile(r"^\W*how\s+(?:did|does|do|was|were|is|are|had|has|have|will|would|could|can)\b", re.I)


def asked(question: str, kind: str) -> str:
    """The kind a question asks for, as `withheld` names it: its `rag.question` kind, or "reason"
    ("Why ...?"), "manner" ("How did ...?"), "whether" ("Will she stand again?") or "which"
    ("Which company ...?") for a question that asks for no kind of entity."""
    if kind != "other":
        return kind
    if _REASON.search(question):
        return "reason"
    if _MANNER.search(question):
        return "manner"
    if _YES_NO.search(question):
        return "whether"
    return "which" if _WHICH.search(question) else "other"


def leaves_open(kinds: set[str], kind: str) -> bool:
    """Do the kinds a sentence withholds (`withheld`) include what a question asks for (`asked`)?
    A "Which ...?" question ("Which supermarket sold it?", "Which firm built it?") asks for a
    thing, a place, a person or a body: "did not say where" or "who" leaves it open too.

    >>> leaves_open({"place"}, "which"), leaves_open({"place"}, "date")
    (True, False)
    """
    if kind == "which":
        return bool(kinds & {"which", "place", "person", "organization"})
    return kind in kinds


# The noun a withheld clause names ("declined to disclose the interest rate on the loan": rate).
_NOUN_WITHHELD = re.compile(r"\s+(?:the|its|his|her|their|any)\s+(?:[\w-]+\s+){0,3}?(?P<noun>[a-z][\w-]*?)s?"
                            r"(?=\s+(?:of|on|for|in|at|to|from|with|and|or|but|until|because)\b|\s*[,.;:]|$)")


def withholds_noun(sentence: str, noun: str) -> bool:
    """Does `sentence` say it will not tell the very thing a "What <noun> ...?" question asks for?
    "It declined to disclose the interest rate on the loan." withholds the rate asked for by
    "What interest rate will the club pay?", whatever kind the question's noun is.

    >>> withholds_noun("It declined to disclose the interest rate on the loan.", "rate")
    True
    >>> withholds_noun("The council declined to name the bidders.", "company")
    False
    """
    noun = noun.lower().removesuffix("s")
    for m in _SAID_NOT.finditer(sentence):
        follow = _NOUN_WITHHELD.match(sentence, m.end())
        if follow is not None and follow.group("noun").lower() == noun:
            return True
    return False


def withholds_count_of(sentence: str, noun: str) -> bool:
    """Does `sentence` say it is not known how many of `noun` (a plural, "homes") there are,
    whatever else it counts? "At least 23 buildings were destroyed, but officials did not say how
    many of them were homes." answers "How many homes has the fire destroyed?" with that.

    >>> withholds_count_of("At least 23 buildings burned, but officials did not say how many were homes.", "homes")
    True
    >>> withholds_count_of("Officials did not say how many people were hurt; 12 homes burned.", "homes")
    False
    """
    for m in [*_SAID_NOT.finditer(sentence), *_UNCLEAR.finditer(sentence)]:
        follow = sentence[m.end():] if m.re is _SAID_NOT else sentence[m.start("wh"):]
        clause = re.match(r"\s*how many\b((?:\s+[\w'’-]+){1,6})", follow, re.I)
        if clause and re.search(rf"\b{re.escape(noun)}\b", clause.group(1), re.I):
            return True
    return False
