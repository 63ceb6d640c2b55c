"""Question + retrieved Passages -> a streamed Answer whose [n] markers cite verbatim snippets.

`Generator` is the interface every answerer implements: `stream()` yields text deltas and ends
with the complete `Answer`, so a chat window can show the answer as it forms. An LLM-backed
generator (local or OpenAI-compatible) will implement the same interface.

`ExtractiveGenerator`, the default, needs no LLM: it scores every sentence of the passages
against the question (MiniLM cosine, shared terms, and whether the sentence holds the kind of
thing asked for: a figure, a date, a name) and quotes the best ones. It abstains, saying so
plainly, when the best evidence is weak, when the question's names or figures appear nowhere
in it, or when no sentence holds the type of answer asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Protocol

import numpy as np

from .config import Config
from .lexical import tokenize
from .question import QuestionInfo, analyze, has_candidate, mentions
from .storage import Index
from .types import Answer, Citation, Passage

NOT_FOUND = "The articles do not contain an answer to this question."


class Generator(Protocol):
    def stream(
        self, question: str, q_vec: np.ndarray, passages: list[Passage], history: list[dict] | None = None
    ) -> Iterator[str | Answer]:
        """Yield text deltas, then the final Answer (its text is the deltas joined)."""


@dataclass(frozen=True)
class Scored:
    sentence_id: int
    passage_rank: int
    dense: float
    overlap: float
    typed: bool
    score: float


class ExtractiveGenerator:
    def __init__(self, idx: Index, cfg: Config):
        self.idx, self.cfg = idx, cfg

    def stream(self, question, q_vec, passages, history=None):
        qi = analyze(question, self.cfg.bm25_stemmer)
        ranked = self.score_sentences(qi, q_vec, passages)
        confidence, reason = self.confidence(qi, ranked, passages)
        if reason:
            yield NOT_FOUND
            yield Answer(question, NOT_FOUND, [], True, passages, confidence, self.cfg.mode, reason=reason)
            return
        chosen = self.choose(ranked)
        citations, text = [], ""
        for n, s in enumerate(chosen, start=1):
            sent = self.idx.sentences[s.sentence_id]
            doc = self.idx.documents[sent.doc_id]
            citations.append(Citation(n, doc.doc_id, doc.title, sent.text, round(s.score, 4), doc.url, sent.start, sent.end, sent.chunk_id))
            piece = ("" if n == 1 else " ") + f"{sent.text} [{n}]"
            text += piece
            yield from re.findall(r"\s*\S+", piece)  # word by word, as a chat window shows it
        yield Answer(question, text, citations, False, passages, confidence, self.cfg.mode)

    def score_sentences(self, qi: QuestionInfo, q_vec: np.ndarray, passages: list[Passage]) -> list[Scored]:
        """Every sentence of the passages, best first."""
        rank_of: dict[int, int] = {}
        for r, p in enumerate(passages):
            if not self.about(qi, p.chunk.doc_id):
                continue
            for sid in self.idx.chunk_sentences[p.chunk.chunk_id].tolist():
                rank_of.setdefault(sid, r)
        if not rank_of:
            return []
        ids = np.array(list(rank_of), dtype=np.int64)
        dense = self.idx.sentence_store.score(q_vec, ids)
        texts = [self.idx.sentences[i].text for i in ids.tolist()]
        idf = self.idx.bm25.idf(list(qi.terms))
        # Unknown terms (idf 0) still count, as if rare: a question about something the
        # articles never name should not look well covered.
        weight = {t: (w if w > 0 else max(idf.values(), default=1.0) or 1.0) for t, w in idf.items()}
        total = sum(weight.values())
        out = []
        for i, sid in enumerate(ids.tolist()):
            words = set(tokenize([texts[i]], self.cfg.bm25_stemmer)[0])
            overlap = sum(w for t, w in weight.items() if t in words) / total if total else 0.0
            typed = has_candidate(qi.kind, texts[i], qi.text)
            score = float(dense[i]) + self.cfg.overlap_weight * overlap + (0.1 if typed else -0.2) - 0.02 * rank_of[sid]
            out.append(Scored(sid, rank_of[sid], float(dense[i]), overlap, typed, score))
        out.sort(key=lambda s: -s.score)
        return out

    def about(self, qi: QuestionInfo, doc_id: str) -> bool:
        """Does the article mention every name and figure of the question? Only then may it
        answer: a passage on Bosnia's figures does not answer a question about Croatia's."""
        doc = self.idx.documents[doc_id]
        return all(mentions(f"{doc.title}\n{doc.text}", t) for t in qi.salient)

    def confidence(self, qi: QuestionInfo, ranked: list[Scored], passages: list[Passage]) -> tuple[float, str]:
        """(confidence, reason to abstain or "")."""
        if not ranked:
            if passages and qi.salient:
                return 0.0, f"no retrieved article mentions all of {', '.join(qi.salient)}"
            return 0.0, "nothing relevant retrieved"
        best = ranked[0]
        confidence = float(np.clip(best.dense + self.cfg.overlap_weight * best.overlap, 0.0, 1.0))
        if confidence < self.cfg.min_confidence:
            return confidence, f"best evidence too weak ({confidence:.2f} < {self.cfg.min_confidence})"
        if not best.typed:
            return confidence, f"no sentence gives a {qi.kind}"
        if qi.kind != "other":  # a figure, date or name must stand near what it is about
            sent = self.idx.sentences[best.sentence_id]
            doc = self.idx.documents[sent.doc_id]
            start = doc.text.rfind("\n", 0, sent.start) + 1
            end = doc.text.find("\n", sent.end) % (len(doc.text) + 1)
            paragraph = f"{doc.title}\n{doc.text[start:end]}"
            missing = [t for t in qi.salient if not mentions(paragraph, t)]
            if missing:
                return confidence, f"the {qi.kind} found is not said of {', '.join(missing)}"
        return confidence, ""

    def choose(self, ranked: list[Scored]) -> list[Scored]:
        """The best sentence, plus close runners-up that hold the asked-for type."""
        best = ranked[0]
        chosen = [best]
        for s in ranked[1:]:
            if len(chosen) >= self.cfg.max_citations:
                break
            if s.typed and s.score >= best.score - self.cfg.answer_margin:
                chosen.append(s)
        return chosen
