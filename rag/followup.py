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

from .entities import entities
from .question import analyze, asked_part

_PERSON = re.compile(r"\b(he|she|him|her)\b", re.I)
_POSSESSIVE = re.compile(r"\b(his|her|their)\b", re.I)
_PLURAL = re.compile(r"\b(they|them)\b", re.I)
_THERE = re.compile(r"\bthere\b", re.I)
# "its", or "it" as a subject or object, not the "it" of "it was essential to ..." or "was it hard ...".
_IT = re.compile(r"\bits\b|(?<!\bis )(?<!\bwas )\bit\b(?!\s+(?:is|was|will|would|has|had|seems|seemed|takes|took)\b)", re.I)
_THEN = re.compile(r"\b(then|at that time)\b", re.I)
_ANAPHOR = re.compile(r"\b(he|she|him|her|his|hers|they|them|their|it|its|this|that|these|those|there|then|else|other|others|same)\b", re.I)
_ELLIPSIS = re.compile(r"^\W*(and|but|so|also|what about|how about)\b", re.I)
_MARKER = re.compile(r"\s*\[\d+\]")
_FRAGMENT = re.compile(r"^\W*(?:and|but|what about|how about)\s+(?P<rest>[^?]+?)\W*$", re.I)  # "And Norway?"
_LEADING = re.compile(r"^(?:(?:the|of|in|for|from|at|on|to|with|by)\s+)+", re.I)  # "And of Marseille?"
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


def rewrite(question: str, history: list[dict] | None) -> str:
    """The standalone form of `question`: itself when it does not lean on the history."""
    if not is_follow_up(question, history):
        return question
    users = [i for i, m in enumerate(history) if m["role"] == "user"]
    previous = history[users[-1]]["content"]
    earlier = history[max(0, users[-1] - 6): users[-1]]  # the turns that can place the previous one
    prior = rewrite(previous, earlier)  # the previous question as it was searched, its context carried
    kind = analyze(previous).kind
    swapped = _swapped(question, prior, analyze(asked_part(prior)).kind)
    if swapped:
        return swapped
    reply = next((m["content"] for m in reversed(history) if m["role"] == "assistant"), "")
    reply = "" if reply.startswith(NOT_FOUND_PREFIX) else _MARKER.sub("", reply)
    asked = entities(prior)
    # The answer to a question asking for a person is who the next "he" means (not someone the
    # question itself named); otherwise the question's own people come first.
    if kind in ("person", "place"):
        found = [e for e in entities(reply) if not _said(previous, e[1])] + list(asked)
    else:  # the one the previous question asked about, then its other people, then the answer's
        subject = _subject(previous)
        if subject is None and len(users) > 1 and is_follow_up(previous, history[: users[-1]]):
            subject = _subject(history[users[-2]]["content"])  # "Why?" after "What did Novak say?"
        found = [("person", t) for t in [subject] if t] + list(asked) + list(entities(reply))
    # A pronoun never stands for someone the follow-up names itself ("What did Kern thank him for?").
    people = _unique(t for k, t in found if k == "person" and not _said(question, t.split()[-1]))
    people = [p for i, p in enumerate(people) if not any(_said(q, p.split()[-1]) for q in people[:i])]  # one surname, one person
    places = _unique(t for k, t in found if k == "place")
    dates = _unique(t for k, t in found if k == "date")
    spoken = reply + " " + " ".join(m["content"] for m in reversed(history[-6:]) if isinstance(m.get("content"), str))
    out = question
    if people:
        out = _PERSON.sub(lambda m: _cased(people[0], spoken), out, count=1)
        out = _POSSESSIVE.sub(lambda m: _cased(people[0], spoken) + "'s", out, count=1)
        group = " and ".join(_cased(p, spoken) for p in people[:2])
        out = _PLURAL.sub(group, out, count=1)
    if places and kind == "place":  # "there": the place asked about
        out = _THERE.sub("in " + _cased(places[0], spoken), out, count=1)
    thing = _it(previous) or next((_cased(t, previous) for k, t in asked if k == "place"), None)
    if thing:  # "it": the thing the previous question was about, else the place it named
        out = _IT.sub(lambda m: thing + ("'s" if m.group().lower() == "its" else ""), out, count=1)
    if dates:
        out = _THEN.sub("in " + dates[0], out, count=1)
    # What the rewritten question still lacks of the previous one: its names, and its subject
    # words when no pronoun could be resolved (then they are all that anchors the question).
    names = [_cased(re.sub(r"['’]s$", "", t), prior) for k, t in asked]
    carried = [n for n in _unique(names) if not _said(out, n)]
    if out == question:
        carried += [w for w in _WORD.findall(prior) if w.lower() not in _STOP and not _said(out, w)
                    and not any(_said(n, re.sub(r"['’]s$", "", w)) for n in names)]
    carried = _unique(carried)
    # The carried context goes in a trailing parenthesis: searched, but not asked about
    # (`rag.question.analyze` takes the question's names from before it).
    return f"{out} ({', '.join(carried)})" if carried else out


def _swapped(question: str, previous: str, kind: str = "other") -> str | None:
    """`previous` asked again of the name a bare follow-up gives, in place of the name of its kind
    there: "And Norway?" after "How many refugees did Sweden take in?" is "How many refugees did
    Norway take in?"; "What about Ivanov?" after "What did Novak say?" is "What did Ivanov say?" (a
    name the recognizer cannot place stands for whom `previous` asked about). None when the
    follow-up is more than a name, or `previous` names nothing of its kind, or the name is of the
    `kind` `previous` asks for: "What about Italy?" after "Which countries attended?" asks whether
    Italy is one of them.

    >>> _swapped("And of Marseille?", "Who is the mayor of Lyon?")  # doctest: +SKIP
    'Who is the mayor of Marseille?'
    """
    m = _FRAGMENT.match(question)
    name = re.sub(r"['’]s$", "", _LEADING.sub("", m["rest"].strip())) if m else ""  # "And Croatia's?"
    if not name or not name[0].isupper() or not name.split()[-1][0].isupper():
        return None
    kinds = [k for k, t in entities(name) if t == name.lower()]
    if kinds and kinds[0] == kind:
        return None
    named = [(k, t) for k, t in entities(previous) if k not in ("date", "number", "money")]
    # the recognizer's kinds for a name alone are a guess ("Lyon" a person): a name of the same
    # kind, else whom the question asked about, else the one name it has
    olds = [t for k, t in named if kinds and k == kinds[0]] + [t for t in [_subject(previous)] if t]
    olds += [named[0][1]] if len(named) == 1 else []
    for old in olds:
        span = re.search(rf"(?<!\w){re.escape(old)}(?!\w)", previous, re.I)
        if span and old != name.lower():
            return previous[: span.start()] + name + previous[span.end():]
    return None


def _it(previous: str) -> str | None:
    """What "it" stands for after `previous`: its first singular noun phrase that is neither what
    it asked for ("which agency"), a person's role ("the Austrian chancellor") nor a pronoun, and
    if a name, a place's (the recognizer takes a surname for an organization too often to trust
    it with others). None when it has none.

    >>> _it("What was the informal meeting of EU leaders in Lisbon about?")  # doctest: +SKIP
    'the informal meeting'
    >>> _it("From which countries does Portugal accept refugees?"), _it("Who did the mayor thank?")  # doctest: +SKIP
    ('Portugal', None)
    """
    from .entities import _lock, pipeline
    from .question import PERSON_NOUNS

    places = {t for k, t in entities(previous) if k == "place"}
    with _lock:  # spaCy's pipeline is not documented as thread-safe; the chat serves threads
        doc = pipeline(("ner", "lemmatizer"))(previous)
    if any(t.dep_ == "ROOT" and t.lower_ in ("do", "does", "did") for t in doc):
        return None  # "Which agency did the chancellor praise?" read with "the chancellor praise" as a noun
    for chunk in doc.noun_chunks:
        root = chunk.root
        if (root.tag_ not in ("NN", "NNP") or chunk[0].tag_ in ("WDT", "WP", "WP$", "WRB", "PRP", "PRP$")
                or re.fullmatch(PERSON_NOUNS, root.text.lower())
                or (root.tag_ == "NNP" and not any(_said(p, root.text) for p in places))):
            continue
        return chunk.text
    return None


def _subject(previous: str) -> str | None:
    """The name the previous question asks about, read from spaCy's parser: the subject of its
    verb when that is a proper noun and not a place ("What did Cerar say about Orban's plan?":
    'cerar'), in lower case like `entities`. The small model's recognizer takes many a surname
    for an organization, so this does not ask it who is a person; None when there is no such subject.

    >>> _subject("What did Novak say about Ivanov's plan?"), _subject("Who did the mayor thank?")  # doctest: +SKIP
    ('novak', None)
    """
    from .entities import _lock, pipeline
    from .question import PERSON_NOUNS

    places = {t for k, t in entities(previous) if k == "place"}
    with _lock:
        doc = pipeline(("ner", "lemmatizer"))(previous)
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


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _said(text: str, term: str) -> bool:
    """Is `term` in `text` as whole words? A plural name is said by its singular ("the Balkans"
    by "Balkan ministers")."""
    forms = [term, term[:-1]] if len(term) >= 6 and term.endswith("s") else [term]
    return re.search(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)", text, re.I) is not None


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
