"""Fitting the answer judge's choice model and quoting ratio (eval/choice.py)."""

from __future__ import annotations

import numpy as np

from eval.choice import answer_ratio, fit_choice


def _question(article: str, gold_row: int, rng) -> dict:
    """Four candidates; the gold one has the highest first feature, the second is noise."""
    X = rng.normal(size=(4, 2))
    X[gold_row, 0] = X[:, 0].max() + 1.0
    return {"ev": type("Ev", (), {"X": X})(), "gold": np.arange(4) == gold_row, "article": article}


def test_the_choice_model_learns_what_makes_the_gold_sentence_beat_the_others():
    rng = np.random.default_rng(0)
    questions = [_question(a, int(rng.integers(4)), rng) for a in ("a", "b", "c") for _ in range(30)]
    coef, _, l2 = fit_choice(questions)
    assert coef[0] > 0 and abs(coef[1]) < coef[0] / 3
    assert all(bool(q["gold"][int(np.argmax(q["ev"].X @ coef))]) for q in questions)
    assert l2 > 0


def test_answer_ratio_quotes_one_and_a_half_sentences_on_average():
    # Half the questions have a runner-up at odds 0.6 of the best, half one at 0.1.
    scores = [np.log([1.0, 0.6, 0.01])] * 5 + [np.log([1.0, 0.1, 0.01])] * 5
    ratio = answer_ratio(scores, quoted=1.5)
    assert ratio == 0.6  # the largest ratio that still quotes the 0.6 runners-up
    assert answer_ratio(scores, quoted=1.0) == 1.0 and answer_ratio(scores, quoted=2.0) == 0.1
