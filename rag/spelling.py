"""A question's name + the words of the articles -> the name as the articles spell it.

People misspell names in questions ("Parisien Protestants", "ARPNET"), and a name the articles
never write looks like something they never mention: the figure rule then refuses ("no number
found is said of parisien"). A name no article writes is read as the one word of the articles
it is one edit away from (a letter added, dropped or changed), when there is exactly one; a
name the articles write is never changed ("Russia" stays Russia beside "Prussia").

>>> words = frozenset({"parisian", "protestants", "arpanet", "prussia", "russia"})
>>> respelled("parisien", words), respelled("arpnet", words), respelled("russia", words)
('parisian', 'arpanet', 'russia')
>>> respelled("paris", words), respelled("berlin", words)  # too short to guess; nothing near
('paris', 'berlin')
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+")
_SHORTEST = 5  # shorter names are too often another name one letter away ("Iran", "Iraq")


def corpus_words(idx) -> frozenset[str]:
    """Every word of the articles and their headlines, lower-cased; cached on the index."""
    words = idx.cache.get("words")
    if words is None:
        text = " ".join(f"{d.title}\n{d.text}" for d in idx.documents.values()).lower()
        words = idx.cache["words"] = frozenset(_WORD.findall(text))
    return words


def respelled(term: str, words: frozenset[str]) -> str:
    """`term` (lower case), or the one word of `words` one edit away when `words` lacks it."""
    if term in words or len(term) < _SHORTEST or not term.isalpha():
        return term
    near = {w for w in _edits(term) if w in words}
    return near.pop() if len(near) == 1 else term


def _edits(word: str) -> set[str]:
    """Every string one deletion, substitution or insertion of a letter away from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})
