"""Shared fixtures: one real index of seeds/, built once per test session under a temp folder.

Tests never touch the repository's own index/ folder.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# tiktoken's file cache goes to a temporary folder, not the developer's home, removed at exit.
if "TIKTOKEN_CACHE_DIR" not in os.environ:
    os.environ["TIKTOKEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="rag-tiktoken-")
    atexit.register(shutil.rmtree, os.environ["TIKTOKEN_CACHE_DIR"], ignore_errors=True)
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _no_rag_env(monkeypatch):
    """RAG_* variables on the developer's machine must not change what tests see."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def seed_config(tmp_path_factory):
    """A Config whose index (built here, with the real model) holds the five seed articles."""
    import rag

    cfg = rag.Config.load(index_dir=tmp_path_factory.mktemp("seed-index"), corpus=SEEDS, progress=False)
    rag.index(SEEDS, config=cfg)
    return cfg


@pytest.fixture(scope="session")
def seed_index(seed_config):
    import rag

    return rag.load_index(seed_config, build_if_missing=False)


@pytest.fixture
def one_article(tmp_path):
    """Index one article under tmp_path and return its config:
    `cfg = one_article("bridge.txt", TEXT, max_citations=1)`."""

    def make(name: str, text: str, **settings):
        import rag

        (tmp_path / "corpus").mkdir()
        (tmp_path / "corpus" / name).write_text(text, encoding="utf-8")
        cfg = rag.Config.load(index_dir=tmp_path / "index", corpus=tmp_path / "corpus", progress=False, **settings)
        rag.index(config=cfg)
        return cfg

    return make


@pytest.fixture
def corpus(tmp_path):
    """A writable copy of the seeds, to damage freely."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


class ScriptedChat:
    """A deterministic stand-in for a language model (`rag.llm.ChatModel`): replies with `reply`
    word by word, then raises `error` if one is given (a stream that breaks); records the messages it was sent. For unit tests of what is
    done with a reply; the real model is tested in tests/test_llm.py and tests/test_write.py."""

    def __init__(self, reply: str = "", error: Exception | None = None):
        self.reply, self.error, self.sent = reply, error, []

    def stream(self, messages, *, max_tokens, temperature=0.0):
        import re

        self.sent.append(messages)
        yield from re.findall(r"\s*\S+", self.reply)
        if self.error is not None:
            raise self.error


@pytest.fixture
def scripted_chat():
    return ScriptedChat
