"""Tests for rag.milvus_store on Milvus Lite (a real local Milvus): the same contract as FaissStore."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("pymilvus")

from rag.config import Config  # noqa: E402
from rag.errors import ConfigError, IndexMismatchError  # noqa: E402
from rag.milvus_store import MilvusStore, release  # noqa: E402
from rag.store import FaissStore, new_store, open_store  # noqa: E402

V = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8], [0.0, 0.0, 1.0]], dtype=np.float32)
Q = np.array([0.6, 0.8, 0.0], dtype=np.float32)


@pytest.fixture
def cfg(tmp_path):
    cfg = Config.load(index_dir=tmp_path / "index", store="milvus")
    yield cfg
    release(str(tmp_path / "index" / "milvus.db"))


@pytest.fixture
def store(cfg) -> MilvusStore:
    s = new_store(cfg, 3, 4)
    s.add(np.array([40, 10, 30, 20]), V)  # V[0] under 40, V[1] under 10, ...
    return s


def test_new_store_is_milvus_lite_beside_the_index(cfg, store) -> None:
    assert (store.kind, store.dim, len(store), store.index) == ("milvus", 3, 4, {"type": "FLAT"})
    assert (cfg.index_dir / "milvus.db").is_dir()


def test_search_ids_vectors_score(store) -> None:
    scores, ids = store.search(Q, 2)
    assert ids.tolist() == [10, 40] and scores == pytest.approx([1.0, 0.6], abs=1e-6)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    assert store.search(Q, 10)[1].tolist() == [10, 40, 30, 20]
    assert store.ids().tolist() == [10, 20, 30, 40]
    assert np.array_equal(store.vectors(np.array([30, 10])), V[[2, 1]])
    assert store.score(Q, np.array([20, 10])) == pytest.approx([0.0, 1.0], abs=1e-6)
    assert store.search(Q, 0)[1].tolist() == [] and store.vectors(np.array([], dtype=np.int64)).shape == (0, 3)
    with pytest.raises(KeyError):
        store.vectors(np.array([5]))


def test_search_allowed(store) -> None:
    scores, ids = store.search(Q, 3, allowed=np.array([20, 30]))
    assert ids.tolist() == [30, 20] and scores == pytest.approx([0.48, 0.0], abs=1e-6)
    assert store.search(Q, 3, allowed=np.array([], dtype=np.int64))[1].tolist() == []


def test_delete_add_and_refused_ids(store) -> None:
    store.delete(np.array([10, 99]))
    assert (len(store), store.ids().tolist()) == (3, [20, 30, 40])
    assert store.search(Q, 1)[1].tolist() == [40]
    store.add(np.array([7]), V[1:2])
    assert store.search(Q, 1)[1].tolist() == [7] and len(store) == 4
    with pytest.raises(ValueError):
        store.add(np.array([7]), V[:1])


def test_save_open_same_results_and_a_change_never_touches_the_saved_collection(cfg, store, tmp_path) -> None:
    ptr = tmp_path / "chunks.milvus.json"
    store.save(ptr)
    saved = json.loads(ptr.read_text())
    assert saved["count"] == 4 and saved["uri"] == "" and "token" not in json.dumps(saved)
    opened = open_store(ptr, "milvus", cfg)
    assert [a.tolist() for a in opened.search(Q, 4)] == [a.tolist() for a in store.search(Q, 4)]
    opened.delete(np.array([10]))  # an incremental build starting from the saved generation
    assert opened.collection != saved["collection"] and len(opened) == 3
    again = open_store(ptr, "milvus", cfg)  # what the live manifest names is unchanged
    assert len(again) == 4 and again.search(Q, 1)[1].tolist() == [10]


def test_open_refuses_a_missing_collection_or_a_bad_pointer(cfg, store, tmp_path) -> None:
    ptr = tmp_path / "chunks.milvus.json"
    store.save(ptr)
    store.drop()
    with pytest.raises(IndexMismatchError, match="not at"):
        open_store(ptr, "milvus", cfg)
    ptr.write_text("{}")
    with pytest.raises(IndexMismatchError, match="rebuild"):
        open_store(ptr, "milvus", cfg)


def test_a_lite_file_in_use_by_another_process_is_one_clear_error(cfg, store, tmp_path) -> None:
    store.save(tmp_path / "p.json")
    code = (
        "from pathlib import Path; from rag.config import Config; from rag.store import open_store\n"
        "from rag.errors import RagError\n"
        f"cfg = Config.load(index_dir=Path({str(cfg.index_dir)!r}), store='milvus')\n"
        "try:\n    open_store(Path(" + repr(str(tmp_path / "p.json")) + "), 'milvus', cfg)\n"
        "except RagError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "in use by another process" in out.stdout and "Traceback" not in out.stderr


def test_an_unreachable_server_is_one_clear_error(tmp_path) -> None:
    cfg = Config.load(index_dir=tmp_path, store="milvus", milvus_uri="http://127.0.0.1:9")
    with pytest.raises(ConfigError, match="cannot connect to Milvus at http://127.0.0.1:9"):
        new_store(cfg, 3, 4)
    with pytest.raises(ConfigError, match="milvus_uri must be"):
        new_store(cfg.with_(milvus_uri="/tmp/x/no-suffix"), 3, 4)


def test_ivf_sq8_on_milvus_against_exact(cfg) -> None:
    from eval.synthetic import clustered

    base, queries = clustered(3000, 32, seed=0, clusters=30), clustered(40, 32, seed=1, clusters=30)
    ids = np.arange(3000, dtype=np.int64) * 5
    s = new_store(cfg.with_(exact_max=1000), 32, 3000)
    s.add(ids, base)
    assert s.index["type"] == "IVF_SQ8" and s.nprobe >= 1
    exact = FaissStore.flat(32)
    exact.add(ids, base)
    hits = [len(set(exact.search(q, 10)[1]) & set(s.search(q, 10)[1])) for q in queries]
    assert np.mean(hits) / 10 >= 0.95
