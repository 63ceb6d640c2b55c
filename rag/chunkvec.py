"""Sentence and headline vectors -> chunk vectors: each chunk pooled from the texts it holds, no chunk pass.

`chunk_vectors = "sentences"` (rag.config). A chunk is its document's headline and whole sentences:
rag.chunk packs whole sentences, and a sentence too long for any chunk is cut into pieces that
are the index's sentences, so no sentence straddles a chunk boundary, and a sentence the overlap
repeats counts in both chunks. Each of those texts is embedded alone: the sentences are the
vectors `sentence_vectors = "separate"` stores anyway (the same text keys in the vector cache, so
the answer judge reads the same sentence vectors), the headline once per document. A chunk's
vector is their mean weighted by each text's word pieces, at unit length: the model's mean pooling
of a chunk is the token-weighted mean of its parts' token means, so each part weighs what its
tokens would (read alone rather than in the chunk's context, and each part's mean at unit length).

>>> pool_chunk(np.array([[1, 0], [0, 1]]), [3, 1]).astype(float).round(3).tolist()
[0.949, 0.316]

Chunk vectors made so are never put in the vector cache: they are a sum away from the vectors it
holds, and under the chunk's text key they would pass for the embedded chunk's vector.
"""

from __future__ import annotations

import numpy as np


def pool_chunk(vectors: np.ndarray, weights) -> np.ndarray:
    """Rows of unit vectors and their weights -> the weighted mean, at unit length."""
    v = np.asarray(weights, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32)
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def parts(p) -> list[tuple[str, list[int]]]:
    """Each new chunk of plan `p` (rag.changes.Plan) as (its headline, its sentences' rows)."""
    rows = {(s.doc_id, s.start, s.end): s.sentence_id for s in p.sentences}
    out = []
    for r in p.new_chunks.tolist():
        c = p.chunks[r]
        out.append((c.title, [rows[(c.doc_id, s, e)] for s, e in c.sentences]))
    return out


def live_texts(p) -> set[str]:
    """The texts whose vectors an index of plan `p` is made of: every sentence and headline."""
    return {s.text for s in p.sentences} | {c.title for c in p.chunks if c.title}


def embed_from_sentences(p, model: str, cache, *, dim: int, batch_size: int, step: int, on_step=None):
    """The new chunks' and new sentences' vectors of plan `p`, embedding only sentences and
    headlines (each missing text once, through the vector cache, `rag.vcache.embed_cached`):
    (chunk vectors, sentence vectors, vectors found in the cache, texts embedded)."""
    from .embed import parse_embedder
    from .tokens import model_token_counter
    from .vcache import embed_cached

    chunk_parts = parts(p)
    need = sorted({*p.new_sentences.tolist(), *(r for _, rows in chunk_parts for r in rows)})
    titles = sorted({t for t, _ in chunk_parts if t})
    texts = [p.sentences[r].text for r in need] + titles
    vecs, cached, embedded = embed_cached(texts, model, cache, dim=dim, batch_size=batch_size, step=step,
                                          on_step=on_step)
    at = {r: i for i, r in enumerate(need)}
    title_at = {t: len(need) + i for i, t in enumerate(titles)}
    count, _ = model_token_counter(parse_embedder(model)[0])
    pieces = [max(count(t) - 2, 1) for t in texts]  # word pieces, without [CLS] and [SEP]
    chunks = np.empty((len(chunk_parts), dim), dtype=np.float32)
    for k, (title, rows) in enumerate(chunk_parts):
        idx = ([title_at[title]] if title else []) + [at[r] for r in rows]
        chunks[k] = pool_chunk(vecs[idx], [pieces[i] for i in idx])
    sentences = vecs[[at[r] for r in p.new_sentences.tolist()]].reshape(-1, dim)
    return chunks, sentences, cached, embedded
