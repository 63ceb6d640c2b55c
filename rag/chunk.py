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
>>> [c.text for c in chunk_documents([doc], chunk_tokens=6, overlap=3)]
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
        title = _short_title(doc.title, model_count, max_len // 2)
        for start, end, spans, n in _pack(doc.text, title, chunk_tokens, overlap, count, model_count, max_len):
            chunks.append(Chunk(len(chunks), doc.doc_id, title, doc.text[start:end], start, end, n, spans))
    return chunks


def _short_title(title: str, mcount: Counter, limit: int) -> str:
    """A headline may take at most half the model's window; longer ones are cut at a word."""
    if not title or mcount(title) <= limit:
        return title
    words = title.split()
    while words and mcount(" ".join(words)) > limit:
        words = words[: len(words) * 3 // 4]
    return " ".join(words)


def _pack(text: str, title: str, budget: int, overlap: int, count: Counter, mcount: Counter, max_len: int):
    """Yield (start, end, sentence spans, tokens) for each chunk of one document's text."""
    # Room for the model's [CLS] + headline + [SEP]; each piece's count excludes the 2 specials.
    room = max_len - (mcount(title) if title else 2)
    pieces = []  # (start, end, model tokens)
    for s, e in split_sentences(text):
        for ps, pe in _fit(text, s, e, budget, room, count, mcount):
            pieces.append((ps, pe, max(mcount(text[ps:pe]) - 2, 0)))
    i = 0
    while i < len(pieces):
        # WordPiece counts add up exactly across white space; BPE counts may not ("It works.
        # 123" costs a token more than its parts), so the cl100k budget is checked on the span.
        j, mtokens = i + 1, pieces[i][2]
        while (
            j < len(pieces)
            and mtokens + pieces[j][2] <= room
            and count(text[pieces[i][0] : pieces[j][1]]) <= budget
        ):
            mtokens += pieces[j][2]
            j += 1
        part = pieces[i:j]
        yield part[0][0], part[-1][1], tuple((p[0], p[1]) for p in part), count(text[part[0][0] : part[-1][1]])
        if j >= len(pieces):
            break
        # Step back over trailing sentences that fit in the overlap, but always move forward.
        k = j
        while k - 1 > i and count(text[pieces[k - 1][0] : pieces[j - 1][1]]) <= overlap:
            k -= 1
        i = k


_WORD = re.compile(r"\S+")


def _fit(text: str, s: int, e: int, budget: int, room: int, count: Counter, mcount: Counter):
    """Split one over-long sentence at word boundaries so each piece fits both budgets.

    Each piece is the longest run of words that fits. Token counts only grow as a run takes more
    words, so the run is found by doubling its length, then halving the difference: a few counts
    of chunk-sized text per piece, not one per word (which made a page-long run-on "sentence",
    as a scraped page without full stops is, cost the square of a chunk for every chunk).
    """
    fits = lambda a, b: count(text[a:b]) <= budget and mcount(text[a:b]) - 2 <= room  # noqa: E731
    if fits(s, e):
        return [(s, e)]
    words = [(w.start(), w.end()) for w in _WORD.finditer(text, s, e)]
    pieces, i = [], 0
    while i < len(words):
        start, end = words[i]
        if not fits(start, end):  # one "word" too long on its own: a URL, a run of dashes
            pieces += _bisect(start, end, fits)
            i += 1
            continue
        good, step = i, 1  # words[i..good] fit
        while good + step < len(words) and fits(start, words[good + step][1]):
            good, step = good + step, step * 2
        bad = min(good + step, len(words))  # words[i..bad] do not fit (or bad is past the end)
        while bad - good > 1:
            mid = (good + bad) // 2
            good, bad = (mid, bad) if fits(start, words[mid][1]) else (good, mid)
        pieces.append((start, words[good][1]))
        i = good + 1
    return pieces


def _bisect(s: int, e: int, fits) -> list[tuple[int, int]]:
    """Halve a span without white space until every part fits."""
    if fits(s, e) or e - s <= 1:
        return [(s, e)]
    mid = (s + e) // 2
    return _bisect(s, mid, fits) + _bisect(mid, e, fits)
