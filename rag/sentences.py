"""Text -> sentence spans (start, end offsets), never crossing a paragraph (line) break.

pysbd does the hard part (abbreviations such as "Dr." or "U.S.", quotes, decimals); we only
map its sentences back to exact offsets so every snippet stays verbatim.

>>> text = 'Dr. Lobnikar spoke. "We agree. It works," he said.\\nNew paragraph.'
>>> [text[s:e] for s, e in split_sentences(text)]
['Dr. Lobnikar spoke.', '"We agree.', 'It works," he said.', 'New paragraph.']
"""

from __future__ import annotations

import re
from functools import lru_cache

_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    _keep_patterns(pysbd)
    segmenter = pysbd.Segmenter(language="en", clean=False)
    abbreviations = segmenter.language_module.Abbreviation  # Sainte, as in "Sault Ste. Marie", is missing
    if "ste" not in abbreviations.ABBREVIATIONS:
        abbreviations.ABBREVIATIONS.append("ste")
        abbreviations.PREPOSITIVE_ABBREVIATIONS.append("ste")
    return segmenter


def _segment(text: str) -> list[str]:
    """`pysbd.Segmenter.segment(text)`, each sentence found back in `text` by `str.find`.

    pysbd finds each of its sentences back with a regular expression of its own text, compiled
    anew and run from the start of the text (a quarter of its time); this is the same search,
    kept the same: the first occurrence, with the spaces after it, that ends past the one before.
    """
    if not text:
        return []
    out, prior = [], 0
    for sent in _segmenter().processor(text).process():
        start = 0
        while sent and (found := text.find(sent, start)) >= 0:
            end = found + len(sent)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior:
                out.append(text[found:end])
                prior = end
                break
            start = end
    return out


class _Patterns:
    """The `re` module as pysbd calls it (`re.sub(pattern, ...)`), with the compiled patterns
    kept. pysbd writes a pattern for each abbreviation it meets, hundreds of them, and Python's
    own cache holds 512 and is emptied in insertion order: text after text, every pattern was
    compiled anew, a third of pysbd's time. The same patterns, compiled once, split the same."""

    def __init__(self, module):
        self._re = module

    def __getattr__(self, name):  # flags, escape, ...: the real module's
        return getattr(self._re, name)

    def compile(self, pattern, flags=0):
        return _compiled(pattern, flags)

    def sub(self, pattern, repl, string, count=0, flags=0):
        return _compiled(pattern, flags).sub(repl, string, count)

    def findall(self, pattern, string, flags=0):
        return _compiled(pattern, flags).findall(string)

    def finditer(self, pattern, string, flags=0):
        return _compiled(pattern, flags).finditer(string)

    def search(self, pattern, string, flags=0):
        return _compiled(pattern, flags).search(string)

    def match(self, pattern, string, flags=0):
        return _compiled(pattern, flags).match(string)

    def split(self, pattern, string, maxsplit=0, flags=0):
        return _compiled(pattern, flags).split(string, maxsplit)


_compiled = lru_cache(maxsize=8192)(re.compile)


def _keep_patterns(pysbd) -> None:
    """Give each pysbd module that uses `re` the caching `_Patterns` in its place."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(pysbd.__path__, "pysbd."):
        module = importlib.import_module(info.name)
        if getattr(module, "re", None) is re:
            module.re = _Patterns(re)


# pysbd keeps a quotation whole, however many sentences it holds; a snippet should be one
# sentence, so split after a full stop that ends a lower-case word ("Mr." and "Dr." do not).
_INNER = re.compile(r"(?<=[a-z]{2}[.!?])\s+(?=[\"“‘]?[A-Z])")


def _split_quotes(sentences: list[str]) -> list[str]:
    return [part for s in sentences for part in _inner_split(s)]


def _inner_split(sentence: str) -> list[str]:
    """`sentence` split where `_INNER` matches, except after an abbreviation before a name
    ("Sault Ste. Marie", which `_INNER` alone would split: "Ste" ends in lower case)."""
    parts, start = [], 0
    for m in _INNER.finditer(sentence):
        word = re.search(r"(\w+)[.!?]$", sentence[: m.start()])
        if word and word.group(1).lower() in _abbreviations():
            continue
        parts.append(sentence[start : m.start()])
        start = m.end()
    return parts + [sentence[start:]]


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """The abbreviations pysbd knows come before a name ("Dr.", "Mt.", "St."; "Ste." added)."""
    return frozenset(_segmenter().language_module.Abbreviation.PREPOSITIVE_ABBREVIATIONS)


# pysbd's time grows with the square of the text it is given (1.5 s for a 50 KB paragraph, 17.6 s
# for 200 KB), so a long paragraph is given to it in pieces of at most _WINDOW characters, cut
# where _INNER would split anyway: the sentences are the same, the time stays linear.
_WINDOW = 5000
_FALLBACK_CUTS = (  # where no _INNER split is near, the next best places, best first
    re.compile(r"(?<=[a-z]{2}[.!?][\"”’'])\s+(?=[\"“‘]?[A-Z])"),  # 'he said.” The' (quote closed)
    re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’')\]]))\s+(?=[^\s\"”’')\]])"),  # any stop, not before a closing mark
    re.compile(r"\s+"),  # any space
)


def _pieces(para: str):
    """(offset, piece) of a paragraph, each piece at most _WINDOW characters long."""
    start = 0
    while len(para) - start > _WINDOW:
        lo, hi = start + _WINDOW // 2, start + _WINDOW
        cut = hi  # a run of _WINDOW // 2 characters without a space: cut anywhere (chunking cuts it too)
        for pattern in (_INNER, *_FALLBACK_CUTS):
            last = None
            for last in pattern.finditer(para, lo, hi):
                pass
            if last is not None:
                cut = last.end()
                break
        yield start, para[start:cut]
        start = cut
    yield start, para[start:]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`, in order, stripped of surrounding white space."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        for offset, para in _pieces(line.group()):
            if para.strip():
                spans += _spans(para, line.start() + offset)
    return spans


def _spans(para: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for sent in _split_quotes(_segment(para)):
        sent = sent.strip()
        if not sent:
            continue
        found = para.find(sent, pos)
        if found < 0:  # pysbd altered the text; fall back to the rest of the paragraph
            found = pos + len(para[pos:]) - len(para[pos:].lstrip())
            sent = para[found:].rstrip()
        spans.append((offset + found, offset + found + len(sent)))
        pos = found + len(sent)
    if pos < len(para.rstrip()):  # anything pysbd dropped is kept, never lost
        rest = para[pos:]
        lead = len(rest) - len(rest.lstrip())
        if rest.strip():
            spans.append((offset + pos + lead, offset + pos + lead + len(rest.strip())))
    return spans
