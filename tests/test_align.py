"""Tests for rag.align: how closely a sentence's words meet a question's, with the real MiniLM."""

from __future__ import annotations

import numpy as np
import pytest

import rag
from rag.align import ALIGNED, features, question_words, token_vectors
from rag.question import analyze

# One article, one sentence a paragraph, from no corpus of this project.
ARTICLE = """Prison news

Two inmates fled the jail in Ohio on Monday.

The prison in Ohio held two inmates on Monday.

Two inmates escaped from a prison in Texas.

The weather in Paris was mild.
"""
QUESTION = "Who escaped from the prison in Ohio?"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("align")
    (folder / "news.txt").write_text(ARTICLE)
    cfg = rag.Config.load(index_dir=folder / "index", progress=False)
    rag.index(folder, config=cfg)
    idx = rag.load_index(cfg, build_if_missing=False)
    ids = {s.text: s.sentence_id for s in idx.sentences}
    return idx, cfg, ids


def aligned(small, question=QUESTION):
    idx, cfg, ids = small
    rows = np.array([ids[t] for t in ARTICLE.splitlines()[2::2]])
    qi = analyze(question, cfg.bm25_stemmer)
    return dict(zip(ARTICLE.splitlines()[2::2], features(idx, qi, rows, cfg.embedder, cfg.bm25_stemmer)))


def test_a_paraphrase_meets_the_question_better_than_a_sentence_sharing_its_nouns(small):
    f = aligned(small)
    fled, held = f["Two inmates fled the jail in Ohio on Monday."], f["The prison in Ohio held two inmates on Monday."]
    at = ALIGNED.index
    # "fled the jail" meets "escaped from the prison"; "held" leaves "escaped" unmet
    assert fled[at("aligned")] > held[at("aligned")]
    assert fled[at("weakest")] > held[at("weakest")]
    assert fled[at("gap")] < held[at("gap")]


def test_a_near_miss_leaves_its_one_wrong_detail_unmet(small):
    f = aligned(small)
    texas, fled = f["Two inmates escaped from a prison in Texas."], f["Two inmates fled the jail in Ohio on Monday."]
    held = f["The prison in Ohio held two inmates on Monday."]
    assert texas[ALIGNED.index("weakest")] < min(fled[ALIGNED.index("weakest")], held[ALIGNED.index("weakest")])  # not Ohio
    unrelated = f["The weather in Paris was mild."]
    assert unrelated[ALIGNED.index("aligned")] < min(v[ALIGNED.index("aligned")] for v in f.values() if v is not unrelated)


def test_a_one_sentence_paragraph_is_its_own_context(small):
    for v in aligned(small).values():
        assert v[ALIGNED.index("context_aligned")] == pytest.approx(v[ALIGNED.index("aligned")], abs=1e-6)
        assert v[ALIGNED.index("context_weakest")] == pytest.approx(v[ALIGNED.index("weakest")], abs=1e-6)


def test_only_the_questions_content_words_count(small):
    idx, cfg, _ = small
    words, vecs = question_words(idx, analyze(QUESTION, cfg.bm25_stemmer), cfg.embedder, cfg.bm25_stemmer)
    # BM25's terms: who, escaped, from, prison, ohio; not the stop words "the" and "in", nor "?"
    assert [vecs.shape[1], len(words)] == [384, 5]
    assert all(w > 0 for w, _ in words)


def test_a_question_of_stop_words_only_gives_zeros(small):
    assert all(not v.any() for v in aligned(small, "Was it there?").values())


def test_token_vectors_are_unit_rows_without_the_special_tokens_and_cached():
    cfg = rag.Config.load()
    first, again = token_vectors(["Inmates fled."], cfg.embedder)[0], token_vectors(["Inmates fled."], cfg.embedder)[0]
    assert np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-2)
    from rag.embed import load_model

    encs, _ = load_model(cfg.embedder).states(["Inmates fled."])
    assert len(first) == len(encs[0].tokens) - 2  # no [CLS], no [SEP]
    assert np.array_equal(first, again)
