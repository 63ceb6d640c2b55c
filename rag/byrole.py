"""A question -> the role a person is asked for by ("Who is the mayor?", "the name of the notary who
...", "Who runs the creamery?"), and the names a role stands beside in a sentence.

Only a person's name answers such a question, and news names the holder beside the role: "Mayor
Renata Okafor", "Tom Ellery, managing director", "Gus Petrakis, who has owned the diner". Roles
are the hand-made `PERSON_NOUNS`, any noun WordNet uses for a person (`rag.lexicon`), or a verb
of heading and the nouns that say its role.

>>> role_asked("Who is the mayor of Lyon?"), heading("Who runs the creamery?")
((0, 16, 'mayor'), True)
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

from .lexicon import person_noun

# Nouns that name a person's role: "which leader", "which king" or "which author" ask for a person
# in any corpus (and "it" never stands for one, `rag.followup`).
PERSON_NOUNS = (
    "person|man|woman|leader|coach|manager|captain|son|daughter|wife|husband|father|mother|brother|"
    "sister|nephew|niece|uncle|aunt|successor|predecessor|king|queen|emperor|empress|prince|princess|"
    "president|minister|official|author|writer|poet|scientist|inventor|general|commander|ruler|"
    "founder|pope|bishop|chancellor|commissioner|secretary|politician|player|artist|composer|"
    "architect|philosopher|explorer|senator|governor|mayor|ambassador|spokesman|spokeswoman|"
    "spokesperson|director|chairman|chairwoman|chairperson|chief executive|chief|ceo|cfo|coo|cto|owner|editor|treasurer|"
    "lawyer|goalkeeper|striker|referee|judge|prime minister|analyst|economist|expert|researcher|engineer|"
    "teacher|doctor|nurse|professor|journalist|reporter|prosecutor|candidate|officer"
)
# "Who is the Romanian minister?", "What is the name of the city's mayor?": a person's name is
# asked for by the role they hold, so an organization or a nationality does not answer.
_ROLE = rf"(?:the|a|an|this|that|his|her|its|their|\w+['’]s) (?:[\w’'-]+ ){{0,3}}?(?:{PERSON_NOUNS})\b"
_NAME_BY_ROLE = re.compile(
    rf"^\W*(?:who|whom) (?:is|was|are|were) {_ROLE}|\bnames? of {_ROLE}"
    rf"|^\W*what(?:['’]s| is| was| are| were) {_ROLE}['’]s (?:full |first |last )?names?\W*$",  # "What is the mayor's name?"
    re.I,
)
# The same for any noun for a person (`rag.lexicon`, from WordNet): "What is the name of the notary
# who ...", "the outside microbiologist the creamery brought in", "Who was the pilot on board?". The
# role is the word before a preposition, a relative clause, a reduced one ("the creamery", "they hired") or the end.
_DET = r"(?:the|a|an|this|that|his|her|its|their|\w+['’]s)"
_ROLE_END = r"(?=\s+(?:of|at|in|on|for|from|with|to|who|whom|whose|that|which|the|a|an|his|her|its|their|they|he|she|it|we|you)\b|\W*$)"
_ROLE_HEADS = [
    re.compile(rf"^\W*(?:who|whom) (?:is|was|are|were) {_DET} (?:[\w’'-]+ ){{0,3}}?([\w-]+){_ROLE_END}", re.I),
    re.compile(rf"\bnames? of {_DET} (?:[\w’'-]+ ){{0,3}}?([\w-]+){_ROLE_END}", re.I),
]
# "Who runs the creamery?", "Who leads the union?": a person asked for by a verb of heading, whom
# news names beside the role's noun ("its managing director, Tom Ellery") or the verb ("Gus Petrakis,
# who has owned the diner"). The present tense only: who holds the role now ("Who led the army at
# Hastings?" asks of an event). Each verb: the nouns and the verb's forms that say its role.
# "chief" as a head's title ("the chief", "police chief Adams", "chief executive", "chief of police"),
# not the first word of another officer's ("chief technology officer", "chief investigator").
_CHIEF = r"chief(?:\s+(?:executive|of)\b|(?!\s+(?-i:[a-z])))"
_HEADS = f"head|{_CHIEF}|ceo|president|chairman|chairwoman|chairperson|chair|director|leader|boss"
_HEADING = {
    "runs": f"{_HEADS}|manager|run|runs|ran|running", "leads": f"{_HEADS}|lead|leads|led|leading",
    "heads": f"{_HEADS}|heads|headed|heading", "chairs": "chair|chairman|chairwoman|chairperson|chairs|chaired",
    "manages": f"manager|managing director|director|head|{_CHIEF}|manages|managed|managing",
    "directs": f"director|head|{_CHIEF}|directs|directed", "owns": "owner|proprietor|own|owns|owned|owning",
    "coaches": "coach|head coach|manager|coaches|coached", "edits": "editor|edits|edited",
    "commands": f"commander|{_CHIEF}|commands|commanded", "governs": "governor|governs|governed",
}
_LEADS = re.compile(rf"^\W*(?:and\s+|but\s+)?who\s+(?:now\s+|currently\s+)?({'|'.join(_HEADING)})\s+(?=\S)", re.I)
# A name of two or three capitalised words its role stands beside: "president Amara Okafor", "the
# current mayor, Isabel Crespo,", "Amara Okafor, president of the union".
# After the role, one word may be the whole name ("14-year-old mother Nyala", "President Obama"),
# unless it is a day or a month ("the mayor Monday"); before it, a single capitalised word is too
# often a sentence's first.
_NAME = r"(\p{Lu}[\w’'-]+(?:\s+\p{Lu}[\w’'-]+){1,2})"
_DAY_OR_MONTH = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
             r"July|August|September|October|November|December)\b")
_NAMED = rf"(?!{_DAY_OR_MONTH})(\p{{Lu}}[\w’'-]+(?:\s+\p{{Lu}}[\w’'-]+){{0,2}})"
# One capitalised word is a person's surname where "who" says so: "Wolters, who became chief executive".
_SURNAME = r"(?<![\w’'-])(?!(?:The|A|An|In|On|At|For|But|And|It|Its|This|That)\b)(\p{Lu}[\w’'-]+)"
_TITLED = regex.compile(rf"\b(?i:{PERSON_NOUNS}),?\s+{_NAMED}|{_NAME},\s+(?:(?:the|a|an)\s+)?(?:[\w’'-]+\s+){{0,2}}?(?i:{PERSON_NOUNS})\b")


@lru_cache(maxsize=256)
def _titled_as(role: str) -> regex.Pattern:
    """`_TITLED` for one role (a regular expression, `role_asked`), any noun for a person: "Mohawk Chief
    Hendrick, Speaker of their council", "Gus Petrakis, who has owned the diner"."""
    return regex.compile(rf"\b(?i:{role}),?\s+{_NAMED}|{_NAME},\s+(?:(?:the|a|an|their|its|his|her)\s+)?"
                         rf"(?:[\w’'-]+\s+){{0,2}}?(?i:{role})\b|{_SURNAME},\s+who\s+(?:[\w’'-]+\s+){{1,3}}?(?i:{role})\b")


def titled_names(sentence: str, role: tuple[int, int, str] | None = None) -> list[str]:
    """The names, lower-cased, that a role stands beside in `sentence`: any of `PERSON_NOUNS`, and the
    role a question asks by (`role_asked`), whatever the recognizer makes of them.

    >>> titled_names("Race director Colin Featherstone said 3,214 runners were diverted.")
    ['colin featherstone']
    >>> titled_names("Gus Petrakis, who has owned the diner for 31 years, said so.", role_asked("Who owns the diner?"))
    ['gus petrakis']
    """
    return _names(_TITLED, sentence) + (holders(sentence, role) if role else [])


# The officers news names both ways: "the CEO" is the "chief executive" of the next sentence.
_SPELLED_OUT = {"ceo": "chief executive", "cfo": "chief financial officer", "coo": "chief operating officer",
                "cto": "chief technology officer"}
_ABBREVIATED = {v: k for k, v in _SPELLED_OUT.items()}


def _either_way(role: str) -> str:
    """A role's regular expression that finds it abbreviated or spelled out.

    >>> print(_either_way("ceo"), _either_way("mayor"))
    ceo|chief\\ executive mayor
    """
    plain = role.replace("\\", "")
    other = _SPELLED_OUT.get(plain) or _ABBREVIATED.get(plain)
    return f"{role}|{re.escape(other)}" if other else role


def holders(sentence: str, role: tuple[int, int, str]) -> list[str]:
    """The names, lower-cased, that the role a question asks by (`role_asked`) stands beside in `sentence`.

    >>> holders("Managing director Tom Ellery said an outside microbiologist was hired.", role_asked("Who is the microbiologist?"))
    []
    """
    return _names(_titled_as(role[2]), sentence)


def _names(pattern: regex.Pattern, sentence: str) -> list[str]:
    """The name each match of a titled-name pattern holds (whichever of its groups matched), lower-cased."""
    return [next(g for g in m.groups() if g).lower() for m in pattern.finditer(sentence)]


@lru_cache(maxsize=1024)  # asked again for every candidate sentence of a by-role question (`rag.candidates.candidates`)
def role_asked(asked: str) -> tuple[int, int, str] | None:
    """Where a question asks for a person by their role, and the role: (start, end, a regular
    expression for the role) of "who is the mayor of" or "the name of the notary who" (the noun);
    for "Who runs the creamery?", the whole question and the nouns and verb forms that say its
    role; None when it asks by no role.

    >>> role_asked("Who is the mayor of Lyon?"), role_asked("What is the name of the notary who sold it?")
    ((0, 16, 'mayor'), (12, 30, 'notary'))
    >>> role_asked("What is the name of the river?"), role_asked("Who won?")
    (None, None)
    """
    role = _NAME_BY_ROLE.search(asked)
    if role is not None:
        noun = re.findall(rf"\b(?:{PERSON_NOUNS})\b", role.group(), re.I)[-1].lower()
        return role.start(), role.end(), _either_way(re.escape(noun))
    leads = _LEADS.search(asked)
    if leads is not None:  # the role is of what the verb governs: up to the end of the question
        return leads.start(), len(asked.rstrip("?!. ")), _HEADING[leads.group(1).lower()]
    for pattern in _ROLE_HEADS:
        m = pattern.search(asked)
        if m is not None and person_noun(m.group(1)):
            return m.start(), m.end(), re.escape(m.group(1).lower())
    return None


def heading(asked: str) -> bool:
    """Does the question ask for a person by a verb of heading ("Who leads the union?")?"""
    return _LEADS.search(asked) is not None
