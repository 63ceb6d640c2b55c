"""Tests for rag.fuse: hand-computed z-score and reciprocal-rank fusion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rag.fuse import fuse, rrf_fuse, standardize, zscore_fuse

R = math.sqrt(1.5)  # z-score of the extremes of three evenly spaced values: 1 / sqrt(2/3)


def test_standardize_exact() -> None:
    # mean 5, population std 2
    assert standardize([2, 4, 4, 4, 5, 5, 7, 9]).tolist() == [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0]
    assert standardize([0.0, 2.0]).tolist() == [-1.0, 1.0]


@pytest.mark.parametrize("values", [[5.0, 5.0, 5.0], [0.0], [-3.0, -3.0]])
def test_standardize_constant_signal_is_zeros(values) -> None:
    out = standardize(values)
    assert out.dtype == np.float64 and out.tolist() == [0.0] * len(values)


def test_standardize_against_a_reference() -> None:
    # reference [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, std 2
    ref = [2, 4, 4, 4, 5, 5, 7, 9]
    assert standardize([5.0, 9.0, 1.0], reference=ref).tolist() == [0.0, 2.0, -2.0]
    assert standardize([1.0, 2.0], reference=[3.0, 3.0]).tolist() == [0.0, 0.0]  # flat reference: no vote


def test_zscore_fuse_with_references_scores_each_candidate_alone() -> None:
    # Against fixed references, a candidate's fused score is the same whatever the others are.
    refs = {"a": [0.0, 2.0], "b": [0.0, 4.0]}  # means 1 and 2, stds 1 and 2
    two = zscore_fuse({"a": [3.0, 1.0], "b": [6.0, 0.0]}, {}, refs)
    one = zscore_fuse({"a": [3.0], "b": [6.0]}, {}, refs)
    assert two.tolist() == [4.0, -1.0] and one.tolist() == [4.0]
    assert fuse({"a": [3.0], "b": [6.0]}, {"b": 0.5}, "zscore", references=refs).tolist() == [3.0]


def test_zscore_fuse_exact() -> None:
    signals = {"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}
    assert zscore_fuse(signals, {"a": 1.0, "b": 1.0}) == pytest.approx([0.0, -R, R])
    assert zscore_fuse(signals, {"a": 2.0, "b": 1.0}) == pytest.approx([R, -2 * R, R])
    assert zscore_fuse(signals, {"a": 2.0}) == pytest.approx([R, -2 * R, R])  # missing weight = 1
    assert zscore_fuse(signals, {"a": 0.0, "b": 1.0}) == pytest.approx([-R, 0.0, R])


def test_zscore_fuse_ignores_a_constant_signal() -> None:
    fused = zscore_fuse({"a": [1.0, 2.0, 3.0], "flat": [7.0, 7.0, 7.0]}, {"a": 1.0, "flat": 5.0})
    assert fused == pytest.approx([-R, 0.0, R])


def test_zscore_fuse_is_scale_free() -> None:
    a = zscore_fuse({"a": [1.0, 2.0, 4.0], "b": [3.0, 0.0, 1.0]}, {})
    b = zscore_fuse({"a": [10.0, 20.0, 40.0], "b": [300.0, 0.0, 100.0]}, {})
    assert a == pytest.approx(b)


def test_rrf_fuse_exact() -> None:
    signals = {"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}
    # ranks: a -> 1, 3, 2; b -> 3, 2, 1
    assert rrf_fuse(signals, {"a": 1.0, "b": 1.0}, k=0) == pytest.approx([1 + 1 / 3, 1 / 3 + 1 / 2, 1 / 2 + 1])
    assert rrf_fuse(signals, {"a": 2.0, "b": 1.0}, k=60) == pytest.approx(
        [2 / 61 + 1 / 63, 2 / 63 + 1 / 62, 2 / 62 + 1 / 61]
    )


def test_rrf_ties_share_a_rank() -> None:
    assert rrf_fuse({"a": [1.0, 1.0, 0.0]}, {}, k=0) == pytest.approx([1.0, 1.0, 1 / 3])


def test_rrf_without_signals_is_empty() -> None:
    assert rrf_fuse({}, {}).shape == (0,)


def test_fuse_dispatches_on_method() -> None:
    signals = {"a": [3.0, 1.0, 2.0], "b": [0.0, 1.0, 2.0]}
    w = {"a": 1.0, "b": 1.0}
    assert fuse(signals, w, "rrf", rrf_k=0) == pytest.approx([4 / 3, 5 / 6, 3 / 2])
    assert fuse(signals, w, "zscore") == pytest.approx([0.0, -R, R])
