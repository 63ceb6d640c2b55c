"""A question + retrieved Passages -> the evidence of each of their sentences, as numbers.

Every feature means the same in any corpus: cosines are also standardized against the corpus
(`rag.calibrate`), term weights are the corpus's own IDF, and the rest are shares or yes/no.
`rag.answerability` turns them into which sentence answers and whether any does.

>>> FEATURES[:3]
('dense', 'dense_z', 'overlap')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .calibrate import calibration
from .candidates import has_candidate
from .discourse import REPORTING
from .lexical import tokenize
from .mentions import FIGURE, mentions
from .question import _NEGATION, QuestionInfo
from .spelling import corpus_words, respelled
from .storage import Index
from .types import Passage

FEATURES = (
    "dense",  # MiniLM cosine of question and sentence
    "dense_z",  # the same, standardized against the best sentences of a corpus sample
    "overlap",  # share of the question's terms (IDF-weighted) in the sentence
    "context_overlap",  # the same in the sentence's paragraph and the article's headline
    "missing_idf",  # rarest question term absent from that context (0: none; 1: never seen)
    "salient",  # share of the question's names and figures mentioned in that context
    "typed",  # holds an entity of the kind asked for that the question does not (1 if any kind)
    "typed_about",  # typed, and its context mentions all of the question's names and figures
    "kind_other",  # the question asks for no particular kind of entity
    "negation_mismatch",  # the question is negated and the sentence is not
    "passage_z",  # the fused retrieval score of its passage (a sum of corpus z-scores)
    "passage_rank",  # the rank of its passage among those retrieved (0 = first)
)


@dataclass(frozen=True)
class Evidence:
    """Candidate sentences of the passages, in first-seen order, with one feature row each."""

    sentence_ids: np.ndarray  # (n,) int64
    passage_ranks: np.ndarray  # (n,) int64
    X: np.ndarray  # (n, len(FEATURES)) float64

    def column(self, name: str) -> np.ndarray:
        return self.X[:, FEATURES.index(name)]

    def take(self, rows: np.ndarray, extra: np.ndarray | None = None) -> "Evidence":
        """These candidates only, in this order, with `extra` columns after the features."""
        X = self.X[rows] if extra is None else np.hstack([self.X[rows], extra])
        return Evidence(self.sentence_ids[rows], self.passage_ranks[rows], X)


def gather(idx: Index, qi: QuestionInfo, q_vec: np.ndarray, passages: list[Passage], stemmer: str) -> Evidence:
    """The features of every sentence of `passages` (a sentence in two passages counts once)."""
    rank_of: dict[int, int] = {}
    for r, p in enumerate(passages):
        for sid in idx.chunk_sentences[p.chunk.chunk_id].tolist():
            rank_of.setdefault(sid, r)
    ids = np.array(list(rank_of), dtype=np.int64)
    ranks = np.array(list(rank_of.values()), dtype=np.int64)
    if not len(ids):
        return Evidence(ids, ranks, np.zeros((0, len(FEATURES))))
    dense = idx.sentence_store.score(q_vec, ids).astype(np.float64)
    reference = calibration(idx).best_sentence(q_vec)
    dense_z = (dense - reference.mean()) / (reference.std() or 1.0)
    weight = new_term_weights(idx, qi)
    total = sum(weight.values()) or 1.0
    words = corpus_words(idx)
    salient = tuple(respelled(t, words) for t in qi.new_salient)  # "parisien": the articles' "parisian"
    top_idf = max_idf(idx)
    rows = []
    for sid, r, d, dz in zip(ids.tolist(), ranks.tolist(), dense.tolist(), dense_z.tolist()):
        sent = idx.sentences[sid]
        context = paragraph(idx, sid)
        words, context_words = terms(sent.text, stemmer), terms(context, stemmer)
        missing = [weight[t] for t in weight if t not in context_words]
        rows.append((
            d,
            dz,
            sum(w for t, w in weight.items() if t in words) / total,
            sum(w for t, w in weight.items() if t in context_words) / total,
            min(max(missing, default=0.0) / top_idf, 1.0),
            (share := sum(mentions(context, t) for t in salient) / len(salient) if salient else 1.0),
            (typed := float(has_candidate(qi, sent.text))),
            typed * (share == 1.0),
            float(not qi.accepts),
            float(qi.negated and not _NEGATION.search(sent.text)),
            passages[r].score,
            float(r),
        ))
    return Evidence(ids, ranks, np.array(rows, dtype=np.float64))


@lru_cache(maxsize=65536)
def terms(text: str, stemmer: str) -> frozenset[str]:
    """A text's BM25 terms; cached, since the same sentences come back question after question."""
    return frozenset(tokenize([text], stemmer)[0])


def term_weights(idx: Index, qi: QuestionInfo) -> dict[str, float]:
    """The question's terms weighted by IDF; a term the corpus never uses weighs as the rarest
    possible (a question about something the articles never name must not look covered)."""
    idf = idx.bm25.idf(list(qi.terms))
    return {t: (w if w > 0 else max_idf(idx)) for t, w in idf.items()}


def new_term_weights(idx: Index, qi: QuestionInfo) -> dict[str, float]:
    """`term_weights` of the terms the conversation had not said (`new_terms`): in a follow-up,
    what the conversation already said places the answer; it does not pick it."""
    new = set(qi.new_terms)
    return {t: w for t, w in term_weights(idx, qi).items() if t in new}


def max_idf(idx: Index) -> float:
    """BM25's IDF of a term found in a single chunk: the rarest a known term can be."""
    n = len(idx.chunks)
    return float(np.log(1 + (n - 0.5) / 1.5))


def paragraph(idx: Index, sentence_id: int) -> str:
    """The headline and the paragraph (the lines between line breaks) holding the sentence; and,
    when the paragraph names its speaker only as "he" or "she" ('"...," he added.') or opens with
    a pronoun for its subject ("It had grounded at 3:40 a.m."), the sentence before it, which says
    who or what that is (news gives a quotation, or one more fact, a paragraph of its own)."""
    sent = idx.sentences[sentence_id]
    doc = idx.documents[sent.doc_id]
    start = doc.text.rfind("\n", 0, sent.start) + 1
    end = doc.text.find("\n", sent.end)
    text = doc.text[start:end if end >= 0 else len(doc.text)]
    if start > 1 and (_PRONOUN_SPEAKER.search(text) or _PRONOUN_SUBJECT.match(text)):
        before = [idx.sentences[i] for i in doc_sentences(idx)[sent.doc_id] if idx.sentences[i].end < start]
        if before:  # the sentence as the index splits it: "6:15 a.m. on the morning tide" is one
            text = before[-1].text + "\n" + text
    return f"{doc.title}\n{text}"


# '"...," he added.', 'he said', 'she told reporters': a speaker named by a pronoun only.
_PRONOUN_SPEAKER = re.compile(rf"[”\"],?\s+(?:he|she)\s+(?:{REPORTING})\b")
# A paragraph whose first word is a pronoun for what it is about: "He said ...", "They left ...",
# "Its director ...", "It had grounded ...". "It" is left alone where it may stand for nothing ("It is unclear whether ...",
# "It seems ...", "It will take weeks ..."): before a form of "be", a verb of seeming, or a modal.
_PRONOUN_SUBJECT = re.compile(r"(?:he|she|they|his|her|its|their|it(?!\s+(?:is|was|'s|’s|seems?|seemed|appears?|appeared|remains?|"
                              r"remained|takes?|took|will|would|may|might|could|can|must|should)\b))\s", re.I)


def doc_sentences(idx: Index) -> dict[str, list[int]]:
    """Each document's sentence ids in reading order (by span); cached on the index."""
    by_doc = idx.cache.get("doc_sentences")
    if by_doc is None:
        by_doc = {}
        for i, s in enumerate(idx.sentences):
            by_doc.setdefault(s.doc_id, []).append(i)
        for ids in by_doc.values():
            ids.sort(key=lambda i: (idx.sentences[i].start, idx.sentences[i].end))
        idx.cache["doc_sentences"] = by_doc
    return by_doc


def opening(idx: Index, sentence_id: int) -> str:
    """The first paragraph of the sentence's article: where news names what the rest is about."""
    body = idx.documents[idx.sentences[sentence_id].doc_id].text.lstrip()
    return body[: body.find("\n")] if "\n" in body else body


def opens(idx: Index, sentence_id: int) -> bool:
    """Is this the first sentence of its article's text (the headline aside)?"""
    return doc_sentences(idx)[idx.sentences[sentence_id].doc_id][0] == sentence_id


def paragraph_sentences(idx: Index, sentence_id: int) -> list[int]:
    """The ids of the sentences of the paragraph (see `paragraph`) that holds this one, in order."""
    sent = idx.sentences[sentence_id]
    text = idx.documents[sent.doc_id].text
    start, end = text.rfind("\n", 0, sent.start) + 1, text.find("\n", sent.end)
    end = len(text) if end < 0 else end
    ids = doc_sentences(idx)[sent.doc_id]
    return [i for i in ids if idx.sentences[i].start >= start and idx.sentences[i].end <= end] or [sentence_id]


def corpus_figures(idx: Index) -> frozenset[str]:
    """Every figure the articles, their headlines and their dates state, commas dropped ("5,000" is
    5000): a question that names a figure none of them states asks about something they do not cover.

    >>> from types import SimpleNamespace
    >>> from rag.types import Document
    >>> doc = Document("a.txt", "The vote of 2019", "About 5,000 came.", date="2021-03-04")
    >>> sorted(corpus_figures(SimpleNamespace(cache={}, documents={"a.txt": doc})))
    ['03', '04', '2019', '2021', '5000']
    """
    figures = idx.cache.get("figures")
    if figures is None:
        text = (f"{d.title}\n{d.text}\n{d.date or ''}" for d in idx.documents.values())
        figures = idx.cache["figures"] = frozenset(f.replace(",", "") for t in text for f in FIGURE.findall(t))
    return figures


class Terms(frozenset):
    """A corpus's BM25 terms, with the stemmer that made them (to stem a word the same way)."""

    def __new__(cls, terms=(), stemmer: str = "english"):
        made = super().__new__(cls, terms)
        made.stemmer = stemmer
        return made


def corpus_terms(idx: Index) -> Terms:
    """Every BM25 term of the articles (`rag.lexical`): a figure question about an attribute none of
    them names ("the population of ...") asks about something they do not cover."""
    terms = idx.cache.get("terms")
    if terms is None:
        terms = idx.cache["terms"] = Terms(idx.bm25.retriever.vocab_dict, idx.bm25.stemmer)
    return terms
