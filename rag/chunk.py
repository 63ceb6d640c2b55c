"""Documents -> Chunks: whole sentences packed up to a token budget, with sentence overlap.

Two budgets hold at once: `chunk_tokens` cl100k_base tokens (the configured size), and the
embedding model's own maximum sequence length for headline + chunk, counted with the model's
tokenizer, because the model silently truncates anything longer. WordPiece splits on white
space and punctuation, so token counts of sentences add up exactly when joined.

Overlap repeats the last sentences of a chunk (up to `chunk_overlap` tokens) at the start of
the next, so a fact straddling a boundary is whole in at least one chunk. A sentence too long
for any chunk is cut at word boundaries.

>>> from rag.types import Document
>>> doc = Document("a.txt", "T", "One two. Three four. Five six.")
>>> [c.text for c in chunk_documents([doc], chunk_tokens=6, overlap=2)]
['One two. Three four.', 'Three four. Five six.']
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .sentences import split_sentences
from .types import Chunk, Document

Counter = Callable[[str], int]


def chunk_documents(
    docs: Iterable[Document],
    *,
    chunk_tokens: int = 200,
    overlap: int = 40,
    encoding: str = "cl100k_base",
    model: str | None = None,
) -> list[Chunk]:
    """Chunk every document; chunk ids run 0..n-1 over the whole corpus."""
    from .tokens import get_encoding, model_token_counter

    enc = get_encoding(encoding)
    count = lambda s: len(enc.encode(s, disallowed_special=()))  # noqa: E731
    if model:
        model_count, max_len = model_token_counter(model)
    else:
        model_count, max_len = (lambda s: 0), 1 << 30
    chunks: list[Chunk] = []
    for doc in docs:
        for start, end, spans, n in _pack(doc, chunk_tokens, overlap, count, model_count, max_len):
            chunks.append(
                Chunk(len(chunks), doc.doc_id, doc.title, doc.text[start:end], start, end, n, spans)
            )
    return chunks


def _pack(doc: Document, budget: int, overlap: int, count: Counter, mcount: Counter, max_len: int):
    """Yield (start, end, sentence spans, tokens) for each chunk of one document."""
    # Room for the model's [CLS] + headline + [SEP]; each piece's count excludes the 2 specials.
    room = max_len - (mcount(doc.title) if doc.title else 2)
    pieces = []  # (start, end, tokens, model tokens)
    for s, e in split_sentences(doc.text):
        for ps, pe in _fit(doc.text, s, e, budget, room, count, mcount):
            seg = doc.text[ps:pe]
            pieces.append((ps, pe, count(seg), max(mcount(seg) - 2, 0)))
    i = 0
    while i < len(pieces):
        j, tokens, mtokens = i, 0, 0
        while j < len(pieces) and tokens + pieces[j][2] <= budget and mtokens + pieces[j][3] <= room:
            tokens, mtokens = tokens + pieces[j][2], mtokens + pieces[j][3]
            j += 1
        part = pieces[i:j]
        yield part[0][0], part[-1][1], tuple((p[0], p[1]) for p in part), count(
            doc.text[part[0][0] : part[-1][1]]
        )
        if j >= len(pieces):
            break
        # Step back over trailing sentences that fit in the overlap, but always move forward.
        k, back = j, 0
        while k - 1 > i and back + pieces[k - 1][2] <= overlap:
            back += pieces[k - 1][2]
            k -= 1
        i = k


_WORD = re.compile(r"\S+")


def _fit(text: str, s: int, e: int, budget: int, room: int, count: Counter, mcount: Counter):
    """Split one over-long sentence at word boundaries so each piece fits both budgets."""
    if count(text[s:e]) <= budget and mcount(text[s:e]) - 2 <= room:
        return [(s, e)]
    pieces, start, last_end = [], None, None
    for w in _WORD.finditer(text, s, e):
        if start is None:
            start = w.start()
        elif count(text[start : w.end()]) > budget or mcount(text[start : w.end()]) - 2 > room:
            pieces.append((start, last_end))
            start = w.start()
        last_end = w.end()
    if start is not None:
        pieces.append((start, last_end))
    return pieces
