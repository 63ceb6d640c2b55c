"""Tests for rag.tokens: offline tiktoken encodings from the bundled files, and the model's counter."""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import socket

import pytest

from rag.errors import ConfigError
from rag.tokens import BPE_FILES, get_encoding, model_path, model_token_counter

MODEL = "all-MiniLM-L6-v2"


def _tiktoken_source_files(name: str) -> tuple[str, str]:
    """The (url, sha256) tiktoken's own constructor for `name` passes to load_tiktoken_bpe."""
    import tiktoken_ext.openai_public as public

    src = inspect.getsource(getattr(public, name))
    m = re.search(r'load_tiktoken_bpe\(\s*"([^"]+)",\s*expected_hash="([0-9a-f]{64})"', src)
    assert m, f"tiktoken_ext.openai_public.{name} no longer calls load_tiktoken_bpe as expected"
    return m.group(1), m.group(2)


@pytest.fixture
def fresh_encodings(monkeypatch):
    """Forget every loaded encoding (ours and tiktoken's registry) so the files are read again,
    and refuse any network connection, which proves the load is offline."""
    import tiktoken.registry

    def no_network(*args, **kwargs):
        raise AssertionError("tiktoken tried to use the network")

    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    get_encoding.cache_clear()
    yield
    get_encoding.cache_clear()


@pytest.mark.parametrize("name", sorted(BPE_FILES))
def test_bpe_files_match_tiktoken_source(name: str) -> None:
    assert BPE_FILES[name] == _tiktoken_source_files(name)


def test_get_encoding_fills_an_empty_cache_offline(tmp_path, monkeypatch, fresh_encodings) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    url, sha256 = BPE_FILES["cl100k_base"]
    enc = get_encoding("cl100k_base")
    assert enc.name == "cl100k_base"
    assert enc.encode("Balkan route") == [33, 1727, 276, 6149]
    assert enc.decode([33, 1727, 276, 6149]) == "Balkan route"
    # Exactly one file written, under tiktoken's cache key, holding the genuine bytes.
    target = tmp_path / hashlib.sha1(url.encode()).hexdigest()
    assert sorted(os.listdir(tmp_path)) == [target.name]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha256


def test_get_encoding_o200k(tmp_path, monkeypatch, fresh_encodings) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    enc = get_encoding("o200k_base")
    assert enc.name == "o200k_base"
    assert enc.decode(enc.encode("Balkan route")) == "Balkan route"


def test_corrupted_cache_file_is_replaced(tmp_path, monkeypatch, fresh_encodings) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    url, sha256 = BPE_FILES["cl100k_base"]
    target = tmp_path / hashlib.sha1(url.encode()).hexdigest()
    target.write_bytes(b"garbage that is not a BPE file\n")
    enc = get_encoding("cl100k_base")
    assert enc.encode("Balkan route") == [33, 1727, 276, 6149]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha256
    assert sorted(os.listdir(tmp_path)) == [target.name]  # no leftover .tmp file


def test_default_cache_is_under_home_and_env_is_not_leaked(tmp_path, monkeypatch, fresh_encodings) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    url, sha256 = BPE_FILES["cl100k_base"]
    assert get_encoding("cl100k_base").encode("Balkan route") == [33, 1727, 276, 6149]
    target = tmp_path / ".cache" / "rag" / "tiktoken" / hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha256
    assert "TIKTOKEN_CACHE_DIR" not in os.environ


def test_unknown_encoding_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="p50k_base"):
        get_encoding("p50k_base")


def test_model_token_counter_counts_specials() -> None:
    count, max_len = model_token_counter(MODEL)
    assert max_len == 256
    assert count("") == 2  # [CLS] [SEP]
    assert count("Balkan route") == 4  # [CLS] balkan route [SEP]
    assert count("Hello, world!") == 6  # [CLS] hello , world ! [SEP]


def test_model_token_counter_does_not_truncate() -> None:
    count, _ = model_token_counter(MODEL)
    assert count(" ".join(["migration"] * 600)) == 602


def test_model_path_accepts_prefixed_name_and_local_folder(tmp_path) -> None:
    folder = model_path(MODEL)
    assert model_path(f"sentence-transformers/{MODEL}") == folder
    assert model_path(folder) == folder
    assert model_path(str(tmp_path)) == str(tmp_path)


@pytest.mark.parametrize("name", ["bert-base-uncased", "sentence-transformers/all-mpnet-base-v2"])
def test_unknown_model_is_a_config_error(name: str) -> None:
    with pytest.raises(ConfigError, match="not available offline"):
        model_path(name)
    with pytest.raises(ConfigError):
        model_token_counter(name)
