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


# --- Stable ids, add, delete, filters (the VectorStore contract) ---

def test_ids_are_the_callers_not_rows() -> None:
    s = FaissStore.flat(3)
    s.add(np.array([40, 10, 30, 20]), V)
    assert s.ids().tolist() == [10, 20, 30, 40] and s.ids().dtype == np.int64
    assert s.search(Q, 2)[1].tolist() == [10, 40]  # V[1] is stored under 10, V[0] under 40
    assert np.array_equal(s.vectors(np.array([30, 10])), V[[2, 1]])
    assert s.score(Q, np.array([20, 10])) == pytest.approx([0.0, 1.0], abs=1e-6)
    assert s.kind == "flat"


def test_delete_then_add_keeps_other_ids(store) -> None:
    store.delete(np.array([1, 99]))  # 99 is absent: ignored
    assert store.ids().tolist() == [0, 2, 3]
    assert store.search(Q, 2)[1].tolist() == [0, 2]
    store.add(np.array([7]), V[1:2])
    assert store.search(Q, 1)[1].tolist() == [7] and len(store) == 4
    store.delete(np.array([], dtype=np.int64))
    assert len(store) == 4


def test_add_refuses_an_id_already_stored_or_repeated(store) -> None:
    with pytest.raises(ValueError):
        store.add(np.array([2]), V[:1])
    with pytest.raises(ValueError):
        store.add(np.array([8, 8]), V[:2])
    with pytest.raises(ValueError):
        store.add(np.array([8, 9]), V[:1])
    assert len(store) == 4


@pytest.mark.parametrize("score_each", [True, False], ids=["scored-one-by-one", "faiss-id-selector"])
def test_search_allowed_restricts_to_those_ids(store, monkeypatch, score_each) -> None:
    import rag.store as store_mod

    monkeypatch.setattr(store_mod, "SCORE_ALLOWED_MAX", 10_000 if score_each else 0)
    scores, ids = store.search(Q, 3, allowed=np.array([3, 2]))
    assert ids.tolist() == [2, 3] and scores == pytest.approx([0.48, 0.0], abs=1e-6)
    assert store.search(Q, 3, allowed=np.array([], dtype=np.int64))[1].tolist() == []
    assert store.search(Q, 3, allowed=np.array([5, 0]))[1].tolist() == [0]  # 5 is absent
    assert store.search(Q, 1, allowed=np.array([0, 2, 0]))[1].tolist() == [0]  # repeated ids count once


def test_an_index_file_written_before_ids_opens_with_ids_as_rows(tmp_path) -> None:
    import faiss

    old = faiss.IndexFlatIP(3)
    old.add(V)
    faiss.write_index(old, str(tmp_path / "chunks.faiss"))
    s = FaissStore.open(tmp_path / "chunks.faiss")
    assert (s.kind, s.ids().tolist()) == ("flat", [0, 1, 2, 3])
    assert s.search(Q, 4)[1].tolist() == [1, 0, 2, 3]
    assert np.array_equal(s.vectors(np.arange(4)), V)


# --- Index type by size ---

def _cfg(**kw):
    from rag.config import Config

    return Config.load(**kw)


def test_new_store_is_exact_up_to_exact_max_then_ivf() -> None:
    from rag.store import new_store

    assert new_store(_cfg(exact_max=1000), 8, 1000).kind == "flat"
    ivf = new_store(_cfg(exact_max=1000), 8, 40_000)
    assert ivf.kind == "ivf-sq8" and ivf.index.nlist == 800  # 4 * sqrt(40,000)
    assert FaissStore.ivf(8, 1000).index.nlist == 25  # at least 39 training vectors per list


@pytest.fixture(scope="module")
def clustered_set():
    from eval.synthetic import clustered

    base, queries = clustered(4000, 32, seed=0, clusters=40), clustered(100, 32, seed=1, clusters=40)
    ids = np.arange(4000, dtype=np.int64) * 3 + 7  # not rows
    ivf = FaissStore.ivf(32, 4000)
    ivf.add(ids, base)
    return base, queries, ids, ivf


def _recall(store, base, ids, queries, allowed=None) -> float:
    exact = FaissStore.flat(base.shape[1])
    exact.add(ids, base)
    hits = [len(set(exact.search(q, 10, allowed)[1]) & set(store.search(q, 10, allowed)[1])) for q in queries]
    return float(np.mean(hits)) / 10


def test_ivf_recall_at_10_against_exact_search(clustered_set) -> None:
    base, queries, ids, ivf = clustered_set
    assert ivf.kind == "ivf-sq8" and 1 <= ivf.nprobe < ivf.index.nlist  # tuned, not exhaustive
    assert _recall(ivf, base, ids, queries) >= 0.95
    assert ivf.ids().tolist() == ids.tolist()


def test_ivf_search_allowed_small_and_large(clustered_set, monkeypatch) -> None:
    import rag.store as store_mod

    base, queries, ids, ivf = clustered_set
    few = ids[::97]  # scored one by one
    assert _recall(ivf, base, ids, queries[:20], few) >= 0.95
    assert set(ivf.search(queries[0], 10, few)[1]) <= set(few)
    monkeypatch.setattr(store_mod, "SCORE_ALLOWED_MAX", 100)  # the IVF filter path, more lists probed
    for allowed in (ids[::2], ids[::20]):
        assert _recall(ivf, base, ids, queries[:20], allowed) >= 0.95
        assert set(ivf.search(queries[0], 10, allowed)[1]) <= set(allowed)


def test_ivf_vectors_are_decoded_within_8_bit_error(clustered_set) -> None:
    base, _, ids, ivf = clustered_set
    assert np.abs(ivf.vectors(ids[[5, 0]]) - base[[5, 0]]).max() < 0.02


def test_ivf_save_open_keeps_nlist_nprobe_and_results(tmp_path, clustered_set) -> None:
    from rag.store import open_store

    base, queries, ids, ivf = clustered_set
    ivf.save(tmp_path / "chunks.faiss")
    opened = open_store(tmp_path / "chunks.faiss", "ivf-sq8", _cfg())
    assert (opened.kind, opened.index.nlist, opened.nprobe) == ("ivf-sq8", ivf.index.nlist, ivf.nprobe)
    for q in queries[:5]:
        assert [a.tolist() for a in opened.search(q, 10)] == [a.tolist() for a in ivf.search(q, 10)]
    with pytest.raises(ValueError):
        open_store(tmp_path / "chunks.faiss", "flat", _cfg())


def test_ivf_delete_and_add_after_training(tmp_path) -> None:
    from eval.synthetic import clustered

    base = clustered(2000, 16, seed=2, clusters=20)
    s = FaissStore.ivf(16, 2000)
    s.add(np.arange(1500), base[:1500])
    s.add(np.arange(1500, 2000), base[1500:])  # trained already: just added
    s.delete(np.array([3, 1999, 123456]))
    assert len(s) == 1998 and 3 not in s.ids() and 1999 not in s.ids()
    assert s.search(base[4], 1)[1].tolist() == [4]
    assert s.search(base[3], 1)[1].tolist() != [3]
    s.save(tmp_path / "x.faiss")
    assert FaissStore.open(tmp_path / "x.faiss").ids().tolist() == s.ids().tolist()


def test_a_store_that_cannot_be_written_is_an_os_error_not_a_faiss_crash(tmp_path):
    # FAISS raises RuntimeError for a full disk or a missing folder; the CLI turns OSError into one line
    store = FaissStore(np.eye(3, dtype=np.float32))
    with pytest.raises(OSError) as err:
        store.save(tmp_path / "no-such-folder" / "dense.faiss")
    assert "no-such-folder" in str(err.value.filename)
