"""Tests for rag.judge and rag/judge.json: the two fitted logistic models and their provenance."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from rag import judge as judge_mod
from rag.errors import ConfigError
from rag.evidence import FEATURES, Evidence
from rag.judge import QUESTION_FEATURES, SUMMARY, Judge, question_features

load = judge_mod.load.__wrapped__  # `load` is lru_cached; tests read their own files


@pytest.fixture
def data() -> dict:
    return json.loads(judge_mod.PATH.read_text(encoding="utf-8"))


def test_the_shipped_judge_loads_and_matches_the_features(data) -> None:
    j = judge_mod.load()
    assert data["features"] == list(FEATURES)
    assert data["question_features"] == list(QUESTION_FEATURES)
    assert len(j.sentence["coef"]) == len(FEATURES)
    assert len(j.answerable["coef"]) == len(j.answerable["mean"]) == len(j.answerable["scale"]) == len(QUESTION_FEATURES)
    assert all(s > 0 for s in j.answerable["scale"])
    assert 0 < j.threshold < 1
    assert data["threshold_rule"]


def test_provenance_names_the_fitting_and_the_held_out_articles(data) -> None:
    p = judge_mod.load().provenance
    fitted = set(p["fitted_on"]["articles"])
    held = set(p["held_out_articles"])
    assert fitted and held
    assert not fitted & held  # reported on articles it was not fitted on
    assert len(p["fitted_on"]["sha256"]) == 64 and p["command"].startswith("python -m eval.fit_judge")
    assert all(a in p["command"] for a in fitted)


def test_a_copy_of_the_shipped_file_loads(tmp_path, data) -> None:
    path = tmp_path / "judge.json"
    path.write_text(json.dumps(data))
    assert load(path) == judge_mod.load()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: "{ not json", "cannot read"),
        (lambda d: "[]", "cannot read"),
        (lambda d: {k: v for k, v in d.items() if k != "sentence"}, "cannot read"),
        (lambda d: {**d, "threshold": "high"}, "cannot read"),
        (lambda d: {**d, "features": d["features"][::-1]}, "other features"),
        (lambda d: {**d, "features": d["features"][:-1]}, "other features"),
        (lambda d: {**d, "answerable": {**d["answerable"], "coef": d["answerable"]["coef"][:-1]}}, "other features"),
    ],
)
def test_a_corrupt_or_mismatched_file_is_a_config_error(tmp_path, data, damage, message) -> None:
    path = tmp_path / "judge.json"
    out = damage(data)
    path.write_text(out if isinstance(out, str) else json.dumps(out))
    with pytest.raises(ConfigError, match=message):
        load(path)


def test_a_missing_file_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot read the answer judge"):
        load(tmp_path / "nope.json")


def test_a_sentence_model_of_the_wrong_length_is_a_config_error(tmp_path, data) -> None:
    path = tmp_path / "judge.json"
    path.write_text(json.dumps({**data, "sentence": {**data["sentence"], "coef": data["sentence"]["coef"][:-1]}}))
    with pytest.raises(ConfigError):
        load(path)


def _evidence(rows) -> Evidence:
    X = np.array(rows, dtype=np.float64)
    return Evidence(np.arange(len(X)), np.zeros(len(X), dtype=np.int64), X)


def test_scores_and_confidence_by_hand() -> None:
    n, m = len(FEATURES), len(QUESTION_FEATURES)
    dense = FEATURES.index("dense")
    coef = [0.0] * n
    coef[dense] = 2.0
    j = Judge({"coef": coef, "intercept": -1.0}, {"mean": [0.0] * m, "scale": [1.0] * m, "coef": [0.0] * m, "intercept": 0.0}, 0.5, {})
    low, high = [0.0] * n, [0.0] * n
    low[dense], high[dense] = 0.25, 0.75
    ev = _evidence([low, high])
    scores = j.sentence_scores(ev)
    assert scores == pytest.approx([-0.5, 0.5])  # 2 * dense - 1
    assert j.confidence(ev, scores) == pytest.approx(0.5)  # all-zero answerability model
    j2 = Judge(j.sentence, {**j.answerable, "intercept": math.log(3)}, 0.5, {})
    assert j2.confidence(ev, scores) == pytest.approx(0.75)  # odds 3


def test_question_features_are_the_best_sentence_then_the_best_of_each() -> None:
    n = len(FEATURES)
    a, b = [0.0] * n, [0.0] * n
    for name, va, vb in (("dense_z", 2.0, 1.0), ("missing_idf", 0.8, 0.3), ("salient", 0.5, 1.0)):
        a[FEATURES.index(name)], b[FEATURES.index(name)] = va, vb
    ev = _evidence([a, b])
    x = question_features(ev, np.array([1.0, 3.0]))  # the second sentence scores best
    assert len(x) == len(QUESTION_FEATURES)
    assert list(x[:n]) == b and x[n] == 3.0
    summary = dict(zip(SUMMARY, x[n + 1 :]))
    assert summary["dense_z"] == 2.0  # max over sentences
    assert summary["missing_idf"] == 0.3  # min: the best case is that nothing is missing
    assert summary["salient"] == 1.0
