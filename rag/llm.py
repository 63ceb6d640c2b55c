"""Language models behind one small interface: stream the assistant's reply as text deltas.

Two backends, one protocol (`ChatModel.stream`):

- `OpenAIChat` (`rag.openai_chat`) talks to any OpenAI-compatible `/v1/chat/completions` endpoint
  (llama.cpp's server, Ollama, vLLM, a hosted API) with server-sent events, through httpx.
- `LocalChat` (`rag.llama`) runs a GGUF file in this process with the `xllamacpp` binding (MIT;
  llama.cpp built into a wheel). By default that is the bundled Qwen2.5-Coder-0.5B (see `rag.models`).

`chat_model(cfg)` picks one from the settings; `start_server` serves a GGUF file over HTTP on
127.0.0.1 (the same OpenAI-compatible endpoint, for tests and for anyone who wants one):

    python -m rag.llm --port 8080          # then: RAG_GENERATOR=openai RAG_LLM_BASE_URL=http://127.0.0.1:8080/v1

Every failure (endpoint down, timeout, HTTP error, broken stream, missing or bad model file)
raises `rag.errors.LLMError` with a one-line message; settings that cannot work (no endpoint URL,
the bundled model's packages missing) raise `rag.errors.ConfigError`. A stream gives up once
`timeout` seconds pass without new text (silence trips it at once; a server that keeps sending
bytes without text is caught at its next byte).

>>> from rag.config import Config
>>> chat_model(Config(generator="extractive"))
Traceback (most recent call last):
...
rag.errors.ConfigError: generator 'extractive' uses no language model (choose 'local' or 'openai')
"""

from __future__ import annotations

import os
from typing import Iterator, Protocol, runtime_checkable

from .errors import ConfigError
from .llama import LocalChat
from .llama_server import start_server
from .openai_chat import OpenAIChat

__all__ = ["ChatModel", "chat_model", "start_server"]


@runtime_checkable
class ChatModel(Protocol):
    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float = 0.0) -> Iterator[str]:
        """Yield text deltas of the assistant's reply to OpenAI-style messages."""
        ...


def chat_model(cfg) -> ChatModel:
    """The chat model that `cfg` (a rag.config.Config) asks for.

    "openai": OpenAIChat(cfg.llm_base_url or $OPENAI_BASE_URL, cfg.llm_model or $OPENAI_MODEL,
    cfg.llm_api_key or $OPENAI_API_KEY, cfg.llm_timeout). "local": LocalChat(the file cfg.llm_model_path
    names: a path, a bundled model's name such as "qwen2.5-coder-1.5b", or "" for the default 0.5B;
    cfg.llm_threads, timeout=cfg.llm_timeout), its model loaded once per process.
    """
    if cfg.generator == "openai":
        base_url = cfg.llm_base_url or os.environ.get("OPENAI_BASE_URL", "")
        if not base_url:
            raise ConfigError("generator 'openai' needs an endpoint: set RAG_LLM_BASE_URL (or OPENAI_BASE_URL), e.g. http://127.0.0.1:8080/v1")
        return OpenAIChat(
            base_url,
            cfg.llm_model or os.environ.get("OPENAI_MODEL", ""),
            cfg.llm_api_key or os.environ.get("OPENAI_API_KEY", ""),
            timeout=cfg.llm_timeout,
        )
    if cfg.generator == "local":
        from .models import model_file  # a bundled model's name, a path, or "" for the default

        return LocalChat(model_file(cfg.llm_model_path), cfg.llm_threads, timeout=cfg.llm_timeout)
    raise ConfigError(f"generator {cfg.generator!r} uses no language model (choose 'local' or 'openai')")


if __name__ == "__main__":  # python -m rag.llm: serve the bundled model (see rag.llama_server.main)
    from .llama_server import main

    raise SystemExit(main())
