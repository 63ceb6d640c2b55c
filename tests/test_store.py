"""Tests for rag.store.FaissStore: exact inner-product search on tiny vectors, and persistence."""

from __future__ import annotations

import os

import numpy as np
import pytest

from rag.store import FaissStore

# Four unit vectors in 3-D; the query is row 1.
V = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8], [0.0, 0.0, 1.0]], dtype=np.float32)
Q = np.array([0.6, 0.8, 0.0], dtype=np.float32)


@pytest.fixture
def store() -> FaissStore:
    return FaissStore(V)


def test_size_and_dim(store) -> None:
    assert (len(store), store.dim) == (4, 3)


def test_search_top_k_exact(store) -> None:
    scores, ids = store.search(Q, 2)
    assert ids.tolist() == [1, 0]
    assert scores == pytest.approx([1.0, 0.6])
    assert ids.dtype == np.int64 and scores.dtype == np.float32


def test_search_k_larger_than_store_returns_everything_ranked(store) -> None:
    scores, ids = store.search(Q, 10)
    assert ids.tolist() == [1, 0, 2, 3]
    assert scores == pytest.approx([1.0, 0.6, 0.48, 0.0], abs=1e-6)


def test_search_k_zero_and_empty_store() -> None:
    scores, ids = FaissStore(V).search(Q, 0)
    assert (scores.shape, ids.shape) == ((0,), (0,))
    scores, ids = FaissStore(np.zeros((0, 3), dtype=np.float32)).search(Q, 3)
    assert (scores.shape, ids.shape) == ((0,), (0,))


def test_score_given_ids_in_given_order(store) -> None:
    assert store.score(Q, np.array([3, 0, 2])) == pytest.approx([0.0, 0.6, 0.48], abs=1e-6)
    assert store.score(Q, np.array([], dtype=np.int64)).shape == (0,)


def test_vectors_round_trip(store) -> None:
    assert np.array_equal(store.vectors(np.array([2, 0])), V[[2, 0]])
    assert store.vectors(np.array([], dtype=np.int64)).shape == (0, 3)


def test_float64_input_is_accepted() -> None:
    s = FaissStore(V.astype(np.float64))
    assert s.search(Q.astype(np.float64), 1)[1].tolist() == [1]


def test_save_then_open_searches_identically(tmp_path, store) -> None:
    path = tmp_path / "chunks.faiss"
    store.save(path)
    assert os.listdir(tmp_path) == ["chunks.faiss"]  # no leftover .tmp file
    opened = FaissStore.open(path)
    assert (len(opened), opened.dim) == (4, 3)
    for k in (1, 2, 4):
        a, b = store.search(Q, k), opened.search(Q, k)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert np.array_equal(opened.vectors(np.arange(4)), V)


def test_save_replaces_an_existing_file(tmp_path, store) -> None:
    path = tmp_path / "chunks.faiss"
    FaissStore(V[:2]).save(path)
    store.save(path)
    assert len(FaissStore.open(path)) == 4
    assert os.listdir(tmp_path) == ["chunks.faiss"]
