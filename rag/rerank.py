"""Candidate chunks' fused scores -> re-scored candidates, using evidence finer than a whole chunk.

No cross-encoder can be had offline here, so `SentenceReranker` uses what the index already
holds: a MiniLM vector for every sentence. A chunk's sentence score is its best sentence's
cosine with the question (a chunk that *contains* the answer sentence beats one that is merely
about the topic). It is standardized like the other signals, against the same calibration sample
of the corpus, and added, weighted, to the fused hybrid score, so it complements rather than
replaces the lexical and dense evidence.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .calibrate import calibration, max_per_group
from .config import Config
from .fuse import standardize
from .storage import Index


class Reranker(Protocol):
    def rescore(self, idx: Index, q_vec: np.ndarray, chunk_ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, dict]:
        """Candidates' fused scores -> (new scores, {signal name: each candidate's value})."""


class SentenceReranker:
    def __init__(self, cfg: Config):
        self.weight = cfg.w_sentence
        self.fusion = cfg.fusion

    def rescore(self, idx: Index, q_vec: np.ndarray, chunk_ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, dict]:
        """Arrays in, arrays out: rag.retrieve makes the Passages once, with the final scores."""
        best = best_sentence_scores(idx, q_vec, [int(c) for c in chunk_ids])
        if self.fusion == "zscore":
            # The sentence signal joins the sum as a third z-score, on the corpus sample's scale.
            fused = scores + self.weight * standardize(best, calibration(idx).best_sentence(q_vec))
        else:
            # Rank fusion scores live on another scale: both are standardized over the candidates.
            fused = standardize(scores) + self.weight * standardize(best)
        return fused, {"sentence": best}


def best_sentence_scores(idx: Index, q_vec: np.ndarray, chunk_ids: list[int]) -> np.ndarray:
    """For each chunk, the highest cosine between the question and one of its sentences (-1: none)."""
    groups = [idx.chunk_sentences[c] for c in chunk_ids]
    ids = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
    return max_per_group(idx.sentence_store.score(q_vec, ids), [len(g) for g in groups])
