"""The calibration sample: fixed, and scoring exactly as the stores and the reranker do."""

from __future__ import annotations

import numpy as np
import pytest

from rag.calibrate import Calibration, calibration, sample_ids
from rag.embed import embed_query
from rag.rerank import best_sentence_scores

Q = "How many migrants crossed into Bosnia this year?"


def test_sample_ids_are_fixed_distinct_and_sorted():
    assert sample_ids(3).tolist() == [0, 1, 2]
    a, b = sample_ids(1000, 10), sample_ids(1000, 10)
    assert a.tolist() == b.tolist()  # the same in every process: a fixed seed
    assert len(set(a.tolist())) == 10 and a.tolist() == sorted(a.tolist()) and a.max() < 1000
    assert len(sample_ids(10_000)) == 4096


def test_a_small_corpus_is_its_own_sample(seed_index):
    assert calibration(seed_index).ids.tolist() == list(range(len(seed_index.chunks)))


def test_calibration_is_built_once_per_index(seed_index):
    assert calibration(seed_index) is calibration(seed_index)


@pytest.mark.parametrize("size", [7, 4096])
def test_sample_scores_equal_the_stores_scores(seed_index, seed_config, size):
    cal = Calibration.of(seed_index, size)
    q = embed_query(Q, seed_config.embedder)
    assert len(cal.ids) == min(size, len(seed_index.chunks))
    assert np.allclose(cal.dense(q), seed_index.dense.score(q, cal.ids), atol=1e-6)
    assert np.allclose(cal.best_sentence(q), best_sentence_scores(seed_index, q, cal.ids.tolist()), atol=1e-6)


def test_the_last_questions_best_sentences_are_reused_and_never_another_questions(seed_index, seed_config):
    cal = Calibration.of(seed_index, 7)
    q, other = embed_query(Q, seed_config.embedder), embed_query("Who won the 1998 World Cup?", seed_config.embedder)
    first = cal.best_sentence(q)
    assert cal.best_sentence(q.copy()) is first  # the same question's, not computed again
    assert not first.flags.writeable  # callers share it
    assert np.allclose(cal.best_sentence(other), best_sentence_scores(seed_index, other, cal.ids.tolist()), atol=1e-6)
    assert np.array_equal(cal.best_sentence(q), first)
