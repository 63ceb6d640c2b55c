"""A follow-up question + the conversation so far -> a standalone question.

"And what did they say about the EU?" cannot be searched alone. Its pronouns are replaced by
the people, places and dates of the previous turn (from spaCy's recognizer), "it" by the
thing the previous question was about (a noun phrase, from spaCy's parser), and the previous
question's names and subject words it lacks are added, so that retrieval and the answer judge
see the whole question. A language model, when one is configured, can do better; this is the
rule-based rewrite that needs none.

>>> history = [{"role": "user", "content": "Who did Angela Merkel meet in Vienna?"},
...            {"role": "assistant", "content": "Merkel met Viktor Orban in Vienna [1]."}]
>>> rewrite("What did he say about migration?", history)  # doctest: +SKIP
'What did Viktor Orban say about migration? (Angela Merkel, Vienna)'
"""

from __future__ import annotations

import re
from typing import Callable

from .entities import entities
from .question import analyze, asked_part, unpossessed
from .referents import HE, SHE, counted, named_in, plural_subject, pronoun_of, said, subject, swapped, thing

# "her" is a person where it ends a phrase ("thank her", "tell her about"), a possessive before a
# noun ("her job"), which _POSSESSIVE reads.
_PERSON = re.compile(r"\b(?:he|she|him)\b|\bher\b(?!\s+(?!(?:to|for|about|with|in|on|at|from|by|and|or|as|than|"
                     r"that|if|when|after|before|again|too|also|now|then|there|here|the|a|an|this|these|those)\b)[a-z])",
                     re.I)
_POSSESSIVE = re.compile(r"\b(his|her|their)\b", re.I)
_PLURAL = re.compile(r"\b(they|them)\b", re.I)
_THERE = re.compile(r"\bthere\b", re.I)
# "its", or "it" as a subject or object, not the "it" of "it was essential to ..." or "was it hard ...".
# "it" that ends the question is never that empty one ("Where on the asteroid is it?").
_IT = re.compile(r"\bits\b|(?<!\bis )(?<!\bwas )\bit\b(?!\s+(?:is|was|will|would|has|had|seems|seemed|takes|took)\b)"
                 r"|\bit(?=[\s?]*$)", re.I)
_BESIDES = re.compile(r"\b(else|other|others)\b", re.I)  # "Who else ...?", "What other ...?"
_WHO_SAID_THAT = re.compile(r"^\W*(?:and\s+|but\s+)?who\s+(?:said|says|stated|claimed)\s+(?:that|so|this|it)\W*$", re.I)
# "then", or "by then" (a date after its own preposition: "by March 3", not "by in March 3")
_THEN = re.compile(r"\b(?:(?P<prep>by|until|till|since|from|before|after)\s+)?(?:then|that time)\b|\bat that time\b", re.I)
_ANAPHOR = re.compile(r"\b(he|she|him|her|his|hers|they|them|their|it|its|this|that|these|those|there|then|else|other|others|same)\b", re.I)
_ELLIPSIS = re.compile(r"^\W*(and|but|so|also|what about|how about)\b", re.I)
_MARKER = re.compile(r"\s*\[\d+\]")
_WORD = re.compile(r"[A-Za-z][\w’'-]+")
_STOP = set(
    "what which who whom whose when where why how did does do is was were are be been the a an of in on at to for by "
    "with from and or as that this it its their his her they them he she there then about say said tell told".split()
)
NOT_FOUND_PREFIX = "The articles do not contain"


def is_follow_up(question: str, history: list[dict] | None) -> bool:
    """A question leaning on the conversation: a pronoun, an "And ...", or very few words."""
    if not any(m["role"] == "user" for m in history or []):
        return False
    return bool(_ANAPHOR.search(question) or _ELLIPSIS.search(question) or len(question.split()) <= 4)


def rewrite(question: str, history: list[dict] | None, pronoun: Callable[[str], str | None] | None = None) -> str:
    """The standalone form of `question`: itself when it does not lean on the history.
    `pronoun(name)`: "he" or "she", what the articles call a person, asked when the answers so
    far do not say (`rag.api` reads the articles that name them)."""
    if not is_follow_up(question, history):
        return question
    users = [i for i, m in enumerate(history) if m["role"] == "user"]
    reply = next((m["content"] for m in reversed(history) if m["role"] == "assistant"), "")
    if _WHO_SAID_THAT.search(question) and reply and not reply.startswith(NOT_FOUND_PREFIX):
        # "Who said that?": who speaks what the answer quoted first (`rag.discourse.attribution`)
        first = _MARKER.split(reply, maxsplit=1)[0].strip().strip('"“”').strip()
        return f'Who said "{first}"?'
    previous = history[users[-1]]["content"]
    earlier = history[max(0, users[-1] - 6): users[-1]]  # the turns that can place the previous one
    prior = rewrite(previous, earlier, pronoun)  # the previous question as it was searched, its context carried
    kind = analyze(previous).kind
    again = swapped(question, prior, analyze(asked_part(prior)).kind)
    if again:
        return again
    reply = "" if reply.startswith(NOT_FOUND_PREFIX) else _MARKER.sub("", reply)
    asked = entities(prior)
    # The answer to a question asking for a person is who the next "he" means (not someone the
    # question itself named); otherwise whom the question asked about ("Where did Rollo settle?"),
    # then its other people, then the answer's. After "Where ...?" the answer's places come first.
    # not whom the question named, by full name or surname ("Greg Halloran" after "... before Halloran?")
    replied = [e for e in named_in(reply)
               if not said(previous, e[1]) and not (e[0] == "person" and said(previous, e[1].split()[-1]))]
    about = subject(asked_part(prior))
    if about is None and len(users) > 1 and is_follow_up(previous, history[: users[-1]]):
        about = subject(history[users[-2]]["content"])  # "Why?" after "What did Novak say?"
    if kind == "person":
        found = replied + list(asked)
    else:
        others = replied + list(asked) if kind == "place" else list(asked) + replied
        found = [("person", t) for t in [about] if t] + others
    # A pronoun never stands for someone the follow-up names itself ("What did Kern thank him for?").
    people = _unique(unpossessed(t) for k, t in found if k == "person" and not said(question, t.split()[-1]))
    # one surname, one person ("Boštjan Poklukar" and "Poklukar")
    people = [p for i, p in enumerate(people) if not any(said(q, p.split()[-1]) for q in people[:i])]
    places = _unique(t for k, t in found if k == "place")
    dates = _unique(t for k, t in found if k == "date")
    spoken = " ".join([reply, *(m["content"] for m in reversed(history[-6:]) if isinstance(m.get("content"), str))])
    wanted = "she" if SHE.search(question) else "he" if HE.search(question) else None
    if wanted:  # "she" is not someone the answers call "he" (what the user asked says nothing of it)
        answers = " ".join(m["content"] for m in history if m["role"] == "assistant" and isinstance(m.get("content"), str))
        called = {p: pronoun_of(p, answers) or (pronoun(p) if pronoun and len(people) > 1 else None) for p in people}
        people = [p for p in people if called[p] in (None, wanted)] or people
    out = question
    if people:
        out = _PERSON.sub(lambda m: _cased(people[0], spoken), out, count=1)
        out = _POSSESSIVE.sub(lambda m: _cased(people[0], spoken) + "'s", out, count=1)
    # "they": the people the previous question asked about ("What did the ministers agree?"), or
    # the things it counted ("How many lead service lines ...?"), else a people it named ("the Normans")
    peoples = (_cased(t, prior) for k, t in asked if k == "group" and t.endswith("s"))
    they = plural_subject(asked_part(prior)) or counted(asked_part(prior)) or next(peoples, None)
    pair = people[:2]
    if len(pair) == 1 and about and not said(pair[0], about.split()[-1]):
        pair.append(about)  # "they" after "Which chancellor did Cerar speak with?": Kern and Cerar
    if they or pair:
        group = they or " and ".join(_cased(p, spoken) for p in pair)
        out = _PLURAL.sub(group, out, count=1)
    named_places = [t for k, t in asked if k == "place"]
    if places and kind == "place":  # "there": the place asked about
        out = _THERE.sub("in " + _cased(places[0], spoken), out, count=1)
    elif len(named_places) == 1:  # or the one place the previous question named ("its Lisbon office")
        out = _THERE.sub("in " + _cased(named_places[0], prior), out, count=1)
    it = thing(previous) or next((_cased(t, previous) for t in named_places), None)
    if it:  # "it": the thing the previous question was about, else the place it named
        out = _IT.sub(lambda m: it + ("'s" if m.group().lower() == "its" else ""), out, count=1)
    if dates:
        date = _cased(dates[0], spoken)
        out = _THEN.sub(lambda m: f"{m.group('prep')} {date}" if m.group("prep") else f"in {date}", out, count=1)
    # What the rewritten question still lacks of the previous one: its names, and its subject
    # words when no pronoun could be resolved (then they are all that anchors the question).
    names = [_cased(unpossessed(t), prior) for k, t in asked]
    if _BESIDES.search(question):  # "Who else was there?": who the answer named is known, and not asked for again
        wanted = analyze(question).accepts  # of the kind asked for: not every date and figure it gave
        names += [_cased(unpossessed(t), reply) for k, t in replied if not wanted or k in wanted]
    carried = [n for n in _unique(names) if not said(out, n)]
    if out == question:
        carried += [w for w in _WORD.findall(prior) if w.lower() not in _STOP and not said(out, w)
                    and not any(said(n, unpossessed(w)) for n in names)]
    carried = _unique(carried)
    # The carried context goes in a trailing parenthesis: searched, but not asked about
    # (`rag.question.analyze` takes the question's names from before it).
    return f"{out} ({', '.join(carried)})" if carried else out


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _cased(term: str, source: str) -> str:
    """`term` as the conversation wrote it (entities are kept in lower case)."""
    m = re.search(re.escape(term), source, re.I)
    return m.group() if m else term


REWRITE = (
    "Rewrite the user's last question so that it can be understood without the conversation: "
    "replace pronouns and vague references with the people, places, dates and subject they refer to. "
    "Reply with the rewritten question only, on one line."
)


def rewrite_with_model(question: str, history: list[dict] | None, chat, max_tokens: int = 60) -> str:
    """The standalone question written by a language model (`rag.llm.ChatModel`), or the
    rule-based `rewrite` when the model fails or replies with something that is not a question."""
    if not is_follow_up(question, history):
        return question
    from .errors import LLMError

    turns = "\n".join(f"{m['role']}: {_MARKER.sub('', m['content'])}" for m in history[-4:])
    messages = [
        {"role": "system", "content": REWRITE},
        {"role": "user", "content": f"Conversation:\n{turns}\n\nLast question: {question}"},
    ]
    try:
        reply = "".join(chat.stream(messages, max_tokens=max_tokens)).strip().strip('"')
    except LLMError:
        return rewrite(question, history)
    line = reply.splitlines()[0].strip() if reply else ""
    if not line.endswith("?") or len(line) > 4 * len(question) + 200:
        return rewrite(question, history)
    return line


def quoted_before(history: list[dict] | None, texts: dict[str, str]) -> set[str]:
    """Which of the articles `texts` ({doc_id: text}) the conversation's last answer quoted: what a
    follow-up is about ("How big is it?" after an answer on a farm is not about another story's
    "big-ticket furniture"). Found by the answer's quoted snippets, which the extractive answer
    copies from its article word for word; none when it quoted nothing (a refusal, a written answer).

    >>> history = [{"role": "user", "content": "Where is the farm?"},
    ...            {"role": "assistant", "content": "The farm lies near Kimba. [1] Rain fell on Friday. [2]"}]
    >>> sorted(quoted_before(history, {"a": "Wheat. The farm lies near Kimba.", "b": "No rain fell."}))
    ['a']
    """
    last = next((m["content"] for m in reversed(history or []) if m["role"] == "assistant"), "")
    snippets = [s.strip() for s in _MARKER.split(last) if len(s.strip()) >= 20 and not s.strip().startswith(NOT_FOUND_PREFIX)]
    return {d for d, text in texts.items() if any(s in text for s in snippets)}
