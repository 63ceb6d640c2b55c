"""A question + candidate sentences -> how closely their words meet the question's, word by word.

Shared terms (`rag.evidence`) see "fled" and "escaped", or "Genghis Khan's grandson" and "the
grandson of Genghis", as different. Here every word piece of the question and of a sentence is
MiniLM's contextual token vector (the model the index already runs), and each question word is
as covered as its pieces' best cosines to any piece of the sentence (the recall half of
BERTScore, Zhang et al. 2020), weighted by the corpus's IDF of its BM25 term:

- `aligned`: the weighted mean coverage of the question's words by the sentence;
- `weakest`: the least-covered question word's coverage (the detail a near-miss gets wrong);
- `gap`: the largest IDF-weighted shortfall, as a share of the rarest possible term's IDF;
- `context_aligned`, `context_weakest`: the same against the sentence's whole paragraph.

They help pick which of a few candidates answers (`rag.judge`'s choice model): reading a
sentence's tokens costs about 3 ms, so only the shortlist the cheaper features leave is read.

>>> ALIGNED
('aligned', 'weakest', 'gap', 'context_aligned', 'context_weakest')
>>> coverage(np.eye(3)[:2], np.eye(3)[1:], [(1.0, [0]), (3.0, [1])])  # word 0 unmatched, word 1 exact
(0.75, 0.0, 0.25)
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from .evidence import max_idf, new_term_weights, paragraph_sentences
from .lexical import tokenize
from .question import QuestionInfo
from .storage import Index

ALIGNED = ("aligned", "weakest", "gap", "context_aligned", "context_weakest")
CACHED = 2048  # sentences whose token vectors are kept (float16, about 25 KB each)


def features(idx: Index, qi: QuestionInfo, sentence_ids: np.ndarray, embedder: str, stemmer: str) -> np.ndarray:
    """(len(sentence_ids), len(ALIGNED)) for the candidates; zeros when the question has no term."""
    out = np.zeros((len(sentence_ids), len(ALIGNED)))
    words, q = question_words(idx, qi, embedder, stemmer)
    if not words or not len(sentence_ids):
        return out
    paragraphs = [paragraph_sentences(idx, int(s)) for s in sentence_ids.tolist()]
    ids = sorted({int(s) for s in sentence_ids.tolist()} | {s for p in paragraphs for s in p})
    vecs = dict(zip(ids, token_vectors([idx.sentences[s].text for s in ids], embedder)))
    top = max_idf(idx)
    for row, (sid, para) in enumerate(zip(sentence_ids.tolist(), paragraphs)):
        own = coverage(q, vecs[int(sid)], words, top)
        context = coverage(q, np.concatenate([vecs[s] for s in para]), words, top)
        out[row] = (*own, *context[:2])
    return out


def coverage(q: np.ndarray, s: np.ndarray, words: list[tuple[float, list[int]]], top: float = 4.0) -> tuple[float, float, float]:
    """(aligned, weakest, gap) of question token vectors `q` against text token vectors `s`,
    for `words`: (IDF weight, the rows of q that are its pieces)."""
    best = (q @ s.T).max(axis=1) if len(s) else np.zeros(len(q))
    covered = np.array([float(best[rows].mean()) for _, rows in words])
    w = np.array([weight for weight, _ in words])
    return float(w @ covered / w.sum()), float(covered.min()), float(min((w * (1 - covered)).max() / top, 1.0))


def question_words(idx: Index, qi: QuestionInfo, embedder: str, stemmer: str) -> tuple[list, np.ndarray]:
    """The question's weighted words ([(IDF, rows of its pieces)]) and its token vectors.

    A word counts when its BM25 term is one the conversation had not said (`new_terms`), as in
    `rag.evidence`: stop words, punctuation and what an earlier turn named place nothing."""
    from .embed import load_model

    encs, hidden = load_model(embedder).states([qi.text])
    enc, vecs = encs[0], _unit(hidden[0])
    weight = new_term_weights(idx, qi)
    pieces: dict[int, list[int]] = {}
    for row, word in enumerate(enc.word_ids):
        if word is not None and enc.tokens[row] not in ("[CLS]", "[SEP]"):
            pieces.setdefault(word, []).append(row)
    words = []
    for rows in pieces.values():
        terms = tokenize([qi.text[enc.offsets[rows[0]][0] : enc.offsets[rows[-1]][1]]], stemmer)[0]
        if terms and terms[0] in weight:
            words.append((weight[terms[0]], rows))
    return words, vecs


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def token_vectors(texts: list[str], embedder: str) -> list[np.ndarray]:
    """Each text's unit-length token vectors (no [CLS] or [SEP]), the last CACHED kept: a
    question's candidates come back in the next question about the same story."""
    from .embed import load_model

    with _lock:
        found = {t: _cache[(embedder, t)] for t in texts if (embedder, t) in _cache}
    missing = list(dict.fromkeys(t for t in texts if t not in found))
    if missing:
        _, hidden = load_model(embedder).states(missing)
        made = {t: _unit(h[1:-1]).astype(np.float16) for t, h in zip(missing, hidden)}
        found |= made
        with _lock:
            _cache.update({(embedder, t): v for t, v in made.items()})
            while len(_cache) > CACHED:
                _cache.popitem(last=False)
    with _lock:
        for t in found:
            if (embedder, t) in _cache:
                _cache.move_to_end((embedder, t))
    return [found[t].astype(np.float32) for t in texts]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
