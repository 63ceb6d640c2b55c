"""Chunks and their sentences' spans -> chunk vectors and sentence vectors from one model pass ("late chunking").

`sentence_vectors = "pooled"` (rag.config): the model reads each chunk (headline + text) once.
The chunk's vector is the mean of all its token vectors, [CLS] and [SEP] included, at unit
length: what sentence-transformers' mean pooling gives, so chunk vectors are a separate pass's
(float rounding apart). A sentence's vector is the mean of the token vectors whose characters lie
inside it, at unit length: the sentence read in its chunk's context, where `"separate"` embeds
each sentence alone in a second pass (late chunking: Günther et al., 2024, arXiv:2409.04701).
A pooled vector depends on its chunk, so the vector cache keys it on the chunk's text and the
span (`pooled_key`), never on the sentence alone: the two kinds never meet.

>>> hidden = np.array([[9., 9], [2, 0], [0, 2], [0, 3], [9, 9]], dtype=np.float32)  # [CLS] a b c [SEP]
>>> offsets, special = [(0, 0), (0, 1), (2, 3), (4, 5), (0, 0)], [1, 0, 0, 0, 1]
>>> chunk, sents = pool(hidden, offsets, special, [(0, 3), (4, 5)])  # "a b" and "c"
>>> sents.astype(float).round(2).tolist()
[[0.71, 0.71], [0.0, 1.0]]
"""

from __future__ import annotations

import hashlib

import numpy as np


def pooled_key(chunk_text: str, span: tuple[int, int]) -> bytes:
    """The cache key of the pooled vector of `chunk_text[span[0]:span[1]]` (in its chunk's context)."""
    data = f"pooled\0{span[0]}:{span[1]}\0{chunk_text}"
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).digest()


def pool(hidden: np.ndarray, offsets, special, spans) -> tuple[np.ndarray, np.ndarray]:
    """One chunk's token vectors (tokens, dim), their character offsets and special-token flags,
    and sentence spans (character offsets into the text the model read) -> (chunk vector,
    (len(spans), dim) sentence vectors), all at unit length. A span no token lies inside (cut off
    by truncation) takes the tokens it overlaps, and failing those, the chunk's vector."""
    chunk = _unit(hidden.mean(axis=0))
    off = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    word = ~np.asarray(special, dtype=bool)
    out = np.empty((len(spans), hidden.shape[1]), dtype=np.float32)
    for i, (s, e) in enumerate(spans):
        inside = word & (off[:, 0] >= s) & (off[:, 1] <= e) & (off[:, 1] > off[:, 0])
        if not inside.any():
            inside = word & (off[:, 0] < e) & (off[:, 1] > s)
        out[i] = _unit(hidden[inside].mean(axis=0)) if inside.any() else chunk
    return chunk, out


def _states(encoder, texts: list[str], rows: list[int], size: int = 32):
    """(row, encoding, token vectors) of each text, asked of the encoder `size` texts at a time, so
    no more than those texts' token vectors are held at once (a step's whole would be ~100 MB)."""
    for b in range(0, len(texts), size):
        encs, states = encoder.states(texts[b : b + size])
        yield from zip(rows[b : b + size], encs, states)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def embed_pooled(texts: list[str], chunk_rows: list[int], sentences: list[tuple[int, tuple[int, int]]], model: str,
                 cache, *, dim: int, step: int, on_step=None) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Vectors of the chunks `texts[r]` for r in `chunk_rows`, and of `sentences` given as (chunk row,
    span in that chunk's text), from the vector cache or one model pass over the chunks missing:
    (chunk vectors, sentence vectors, vectors found in the cache, chunks the model read).

    Chunks are read longest first, `step` at a time, each step saved to the cache (chunk vectors
    under the chunk's text key, as the separate pass keys them; sentence vectors under pooled_key)
    before the next, so a build killed half-way loses one step at most."""
    from .embed import load_model
    from .vcache import text_key

    keys = [text_key(texts[r]) for r in chunk_rows] + [pooled_key(texts[r], span) for r, span in sentences]
    out = np.empty((len(keys), dim), dtype=np.float32)
    vecs, found = cache.get(keys)
    if vecs is not None:
        out[found] = vecs
    wants: dict[int, list[int]] = {}  # chunk row -> indices into `out` it fills (-1: its own vector)
    for i in np.flatnonzero(~found).tolist():
        row = chunk_rows[i] if i < len(chunk_rows) else sentences[i - len(chunk_rows)][0]
        wants.setdefault(row, []).append(i)
    todo = sorted(wants, key=lambda r: len(texts[r]), reverse=True)
    if on_step and todo:
        on_step(0, len(todo))
    encoder = load_model(model)
    for b in range(0, len(todo), step):
        part = todo[b : b + step]
        put_keys, put_vecs = [], []
        for row, enc, hidden in _states(encoder, [texts[r] for r in part], part):
            idx = wants[row]
            spans = [sentences[i - len(chunk_rows)][1] for i in idx if i >= len(chunk_rows)]
            chunk, sents = pool(hidden, enc.offsets, enc.special_tokens_mask, spans)
            put_keys.append(text_key(texts[row]))
            put_vecs.append(chunk)
            k = 0
            for i in idx:
                if i < len(chunk_rows):
                    out[i] = chunk
                else:
                    out[i] = sents[k]
                    put_keys.append(keys[i])
                    put_vecs.append(sents[k])
                    k += 1
        cache.put(put_keys, np.stack(put_vecs))
        if on_step:
            on_step(min(b + step, len(todo)), len(todo))
    n = len(chunk_rows)
    return out[:n], out[n:], int(found.sum()), len(todo)
