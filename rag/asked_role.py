"""A question asking for a person by role + the sentences to quote -> the one that names the role's holder.

"Who is the race director?" is answered by a sentence that says the role and names someone
("Race director Tom Hale cut the route."), not by the story's opening sentence, which names
other people and shares more of the question's words. A sentence that speaks of someone in the
role without a name ("A local pilot was on board.") is the article's word that it does not say.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .byrole import PERSON_NOUNS, holders, role_asked, titled_names
from .candidates import candidates, has_candidate
from .evidence import opening, paragraph
from .lexicon import person_noun
from .mentions import later_mentions, mentions
from .question import QuestionInfo, asked_part, carried_names, salient_terms
from .storage import Index

# What a role asked for by name is of: one prepositional phrase after it, up to the next
# preposition or clause ("the state secretary at Slovenia's interior ministry | quoted in ...").
_ROLE_OF = re.compile(r"\s+(?:of|at|in|for|from)\s+((?:(?!(?:of|at|in|on|for|from|by|with|who|whom|that|which|"
                      r"quoted|named|when|where|during|after|before|since)\b)[\w’'-]+\s*){1,5})", re.I)


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


@lru_cache(maxsize=256)  # asked of one question by weigh, the shortlist (for each candidate) and holding_role
def role_of(qi: QuestionInfo) -> tuple[int, int, str] | None:
    """The role a person is asked for by ("Who is the mayor?", "Who runs the museum?") or among
    ("Which judge ...?"), as `role_asked` gives it; None when the question asks by no role."""
    if qi.by_role or qi.heads:
        return role_asked(asked_part(qi.text))
    return which_role(qi.text) if qi.kind == "person" else None


def says_role(role: tuple[int, int, str], sentence: str) -> bool:
    """Does `sentence` say the role (`role_of`)?"""
    return re.search(rf"\b(?:{role[2]})", sentence, re.I) is not None


def names_holder(qi: QuestionInfo, sentence: str) -> bool:
    """Does `sentence` say the role the question asks by and name someone who may hold it?

    >>> from rag.question import analyze
    >>> qi = analyze("Who runs the Museum of Maritime Cartography?")
    >>> names_holder(qi, "The museum's director, Rui Ferraz, said it was coming home.")
    True
    >>> names_holder(qi, "The museum bid through a representative."), names_holder(analyze("Who won?"), "Ana won.")
    (False, False)
    """
    role = role_of(qi)
    return role is not None and says_role(role, sentence) and has_candidate(qi, sentence)


def holding_role(qi: QuestionInfo, sentences: list[str], scores, about=None) -> int | None:
    """For a person asked for by a role ("Who is the race director?"), the index of the sentence
    to quote first when the best-scored one does not say the role: the best-scored of the others
    that says it and names someone. The story's opening sentence names people and shares the
    question's words, and says nothing of who holds the role. None when there is no better one.
    A best sentence that says the role and names no one stays first: "a working meeting with the
    Romanian minister" is the article's word that it does not name him. `about(i)`, when given,
    says whether sentence i is about what the role is of: the head of an auction house's books
    department does not answer "Who runs the museum?".

    >>> from rag.question import analyze
    >>> qi = analyze("Who is the race director of the marathon?")
    >>> holding_role(qi, ["Grace Wanjiru won the marathon.", "Race director Tom Hale cut the route."], [2.0, 1.0])
    1
    """
    role = role_of(qi)
    if role is None:
        return None
    says = [says_role(role, s) for s in sentences]
    best = max(range(len(scores)), key=lambda i: scores[i])
    if says[best]:
        return None
    says = [said and (about is None or about(i)) for i, said in enumerate(says)]
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


_THE_BODYS = re.compile(r"\b(?:the\s+[a-z][\w-]*['’]s|its)\s", re.I)  # "the company's chief executive", "its captain"


def about_role(idx: Index, qi: QuestionInfo, sentence_id: int) -> bool:
    """Does the sentence's paragraph (with its headline, `rag.evidence.paragraph`) mention what
    the role a person is asked for by is of (`rag.asked_role.role_names`)? True when not asked by
    role. Asked who heads a body ("Who runs the Museum of Maritime Cartography?"), a paragraph
    that names any of it will do ("the museum's director"); one that names none of it speaks of
    another body's head ("head of books at the auction house").
    News names a body in full once and by a common noun after (`rag.mentions.later_mentions`):
    "the commission's chief investigator" is of the Transport Safety Commission, and "the
    agency's project manager for the scheme" of the Environment Agency's Ellisford scheme, where
    the article names them so."""
    if not (qi.by_role or qi.heads):
        return True
    names, context = role_names(qi.text), paragraph(idx, sentence_id)
    own = context.split("\n", 1)[-1]  # the paragraph without its headline, which names the body for every one
    if not names and carried_names(qi.text):  # "Who runs it? (Prairie, Pulse, Genetics)": what the conversation was about
        return any(mentions(own, n) for n in carried_names(qi.text))
    if all(mentions(context, n) for n in names):
        return True
    if _THE_BODYS.search(own) and all(mentions(opening(idx, sentence_id), n) for n in names):
        return True  # "The company's chief executive", "Its captain": of the body the opening paragraph names
    if qi.heads:  # "Who runs Halden Valley Creamery?": news calls it "Halden Valley" or "the creamery"
        return any(mentions(own, n) for n in names)
    article = idx.documents[idx.sentences[sentence_id].doc_id].text
    runs = later_mentions(role_span(qi.text), set(names))
    named = {w for words, _ in runs for w in words}
    return all(mentions(context, n) for n in names if n not in named) and all(
        all(mentions(context, w) for w in words)
        or (all(mentions(article, w) for w in words)
            and any(re.search(rf"\bthe {re.escape(noun)}\b", context, re.I) for noun in nouns))
        for words, nouns in runs)
