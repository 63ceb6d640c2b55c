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

    return pysbd.Segmenter(language="en", clean=False)


# pysbd keeps a quotation whole, however many sentences it holds; a snippet should be one
# sentence, so split after a full stop that ends a lower-case word ("Mr." and "Dr." do not).
_INNER = re.compile(r"(?<=[a-z]{2}[.!?])\s+(?=[\"“‘]?[A-Z])")


def _split_quotes(sentences: list[str]) -> list[str]:
    return [part for s in sentences for part in _INNER.split(s)]


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
    for sent in _split_quotes(_segmenter().segment(para)):
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
