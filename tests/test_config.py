"""Tests for rag.config: defaults, then RAG_* environment variables, then explicit overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.config import INDEX_FIELDS, MODES, PIPELINE_VERSION, ROOT, Config
from rag.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)


def test_defaults() -> None:
    cfg = Config.load()
    assert cfg == Config()
    assert cfg.corpus == ROOT / "seeds" and cfg.index_dir == ROOT / "index"
    assert (cfg.model, cfg.encoding) == ("sentence-transformers/all-MiniLM-L6-v2", "cl100k_base")
    assert (cfg.chunk_tokens, cfg.chunk_overlap) == (200, 40)
    assert (cfg.mode, cfg.top_k, cfg.fusion, cfg.rrf_k) == ("hybrid+rerank", 5, "zscore", 60)
    assert (cfg.bm25_k1, cfg.bm25_b, cfg.bm25_stemmer) == (0.9, 0.4, "english")
    assert (cfg.max_citations, cfg.min_confidence, cfg.answer_ratio) == (3, -1.0, -1.0)  # -1: the fitted threshold and ratio
    assert cfg.mode in MODES


def test_env_beats_default(monkeypatch) -> None:
    monkeypatch.setenv("RAG_TOP_K", "7")
    monkeypatch.setenv("RAG_MODE", "bm25")
    monkeypatch.setenv("RAG_BM25_K1", "1.5")
    cfg = Config.load()
    assert (cfg.top_k, cfg.mode, cfg.bm25_k1) == (7, "bm25", 1.5)
    assert isinstance(cfg.top_k, int)


def test_override_beats_env_and_none_means_unset(monkeypatch) -> None:
    monkeypatch.setenv("RAG_TOP_K", "7")
    assert Config.load(top_k=2).top_k == 2
    assert Config.load(top_k=None).top_k == 7


def test_answering_settings_from_env(monkeypatch) -> None:
    monkeypatch.setenv("RAG_MIN_CONFIDENCE", "0.3")
    monkeypatch.setenv("RAG_ANSWER_RATIO", "0.8")
    cfg = Config.load()
    assert (cfg.min_confidence, cfg.answer_ratio) == (0.3, 0.8)


def test_empty_env_value_is_unset(monkeypatch) -> None:
    monkeypatch.setenv("RAG_TOP_K", "")
    assert Config.load().top_k == 5


@pytest.mark.parametrize("raw, expected", [("0", False), ("false", False), ("no", False), ("1", True), ("Yes", True), ("on", True)])
def test_bool_from_env(monkeypatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("RAG_PROGRESS", raw)
    assert Config.load().progress is expected


def test_path_from_env_and_override(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "idx"))
    cfg = Config.load(corpus=str(tmp_path / "docs"))
    assert cfg.index_dir == tmp_path / "idx" and isinstance(cfg.index_dir, Path)
    assert cfg.corpus == tmp_path / "docs" and isinstance(cfg.corpus, Path)


def test_home_in_paths_is_expanded(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAG_INDEX_DIR", "~/idx")
    cfg = Config.load(corpus="~/docs")
    assert (cfg.index_dir, cfg.corpus) == (tmp_path / "idx", tmp_path / "docs")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"mode": "fast"}, "mode must be one of"),
        ({"top_k": 0}, "top_k must be at least 1"),
        ({"chunk_tokens": 8}, "chunk_tokens must be at least 16"),
        ({"chunk_overlap": -1}, "chunk_overlap"),
        ({"chunk_overlap": 101}, "chunk_overlap"),  # more than half of 200
        ({"chunk_tokens": 64, "chunk_overlap": 33}, "chunk_overlap"),
        ({"fusion": "max"}, "fusion must be zscore or rrf"),
        ({"mmr_lambda": 1.5}, "mmr_lambda"),
        ({"min_confidence": 1.5}, "min_confidence must be between 0 and 1"),
        ({"min_confidence": -0.5}, "min_confidence must be between 0 and 1"),
        ({"answer_ratio": 0.0}, "answer_ratio must be above 0"),
        ({"answer_ratio": 1.01}, "answer_ratio must be above 0"),
        ({"answer_margin": 1.0}, "unknown setting"),  # removed with the fitted judge
        ({"overlap_weight": 0.5}, "unknown setting"),  # removed with the fitted judge
        ({"top_k": "many"}, "top_k expects int"),
        ({"no_such_setting": 1}, "unknown setting"),
    ],
)
def test_invalid_overrides(overrides: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.load(**overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        {"chunk_overlap": 100},
        {"chunk_overlap": 0},
        {"chunk_tokens": 16, "chunk_overlap": 8},
        {"mode": "dense", "fusion": "rrf"},
        {"min_confidence": -1.0},
        {"min_confidence": 0.0},
        {"min_confidence": 1.0},
        {"answer_ratio": 1.0},
        {"answer_ratio": 0.01},
    ],
)
def test_boundary_values_are_valid(overrides: dict) -> None:
    cfg = Config.load(**overrides)
    assert all(getattr(cfg, k) == v for k, v in overrides.items())


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("RAG_TOP_K", "seven", "RAG_TOP_K must be an int, not 'seven'"),
        ("RAG_BM25_B", "high", "RAG_BM25_B must be a float"),
        ("RAG_PROGRESS", "maybe", "RAG_PROGRESS must be true or false"),
        ("RAG_W_DENSE", "nan", "w_dense must be a finite number"),
        ("RAG_W_BM25", "inf", "w_bm25 must be a finite number"),
        ("RAG_BM25_K1", "nan", "bm25_k1 must be a finite number"),
        ("RAG_BM25_B", "-7", "bm25_b between 0 and 1"),
        ("RAG_MAX_FILE_MB", "nan", "max_file_mb must be a finite number"),
        ("RAG_MODE", "fast", "mode must be one of"),
        ("RAG_TOP_K", "0", "top_k must be at least 1"),
        ("RAG_MIN_CONFIDENCE", "2", "min_confidence must be between 0 and 1"),
    ],
)
def test_bad_env_value(monkeypatch, name: str, raw: str, message: str) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError, match=message):
        Config.load()


def test_lock_wait_may_be_infinite_but_no_setting_may_be_nan() -> None:
    assert Config.load(lock_wait=float("inf")).lock_wait == float("inf")  # --wait
    with pytest.raises(ConfigError, match="lock_wait must be a finite number"):
        Config().with_(lock_wait=float("nan"))


def test_with_changes_and_validates() -> None:
    cfg = Config.load()
    assert cfg.with_(top_k=9, mode=None).top_k == 9
    assert cfg.with_(top_k=9).mode == cfg.mode
    with pytest.raises(ConfigError, match="mode must be one of"):
        cfg.with_(mode="x")


def test_index_settings() -> None:
    cfg = Config.load()
    assert cfg.index_settings() == {
        "pipeline": PIPELINE_VERSION,
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "embed_backend": Config.embed_backend,
        "sentence_vectors": Config.sentence_vectors,
        "chunk_vectors": Config.chunk_vectors,
        "encoding": "cl100k_base",
        "chunk_tokens": 200,
        "chunk_overlap": 40,
        "bm25_k1": 0.9,
        "bm25_b": 0.4,
        "bm25_stemmer": "english",
        "store": "faiss",
        "vectors": cfg.vectors,  # the default is int8: which export made the vectors
    }
    assert set(cfg.index_settings()) == {"pipeline", "vectors", *INDEX_FIELDS}
    # Retrieval settings do not shape the index; chunking settings do.
    assert cfg.with_(top_k=9, mode="bm25", fusion="rrf").index_settings() == cfg.index_settings()
    assert cfg.with_(chunk_tokens=300).index_settings()["chunk_tokens"] == 300


def test_an_int8_index_records_the_export_that_made_its_vectors(monkeypatch) -> None:
    import rag.onnx_embed

    assert "vectors" not in Config.load(embed_backend="onnx").index_settings()  # fp32: the model's own vectors
    int8 = Config.load(embed_backend="onnx-int8")
    assert int8.index_settings()["vectors"] == f"{int8.embedder}#{rag.onnx_embed.EXPORTER}-{rag.onnx_embed.INT8_RUN}"
    monkeypatch.setattr(rag.onnx_embed, "EXPORTER", "another recipe")
    assert "#another recipe-" in int8.vectors and int8.vectors != int8.embedder
