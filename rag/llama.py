"""A GGUF file -> reply text deltas from llama.cpp in this process.

`LocalChat` runs the model with the `xllamacpp` binding (MIT; llama.cpp built into a wheel),
imported only when a model is loaded, and keeps one loaded model per file for the process.
`rag.llama_server` serves a file over the OpenAI-compatible HTTP API instead.
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import ConfigError, LLMError
from .openai_chat import _Chunks, _one_line, _request
from .threads import cores


def _threads(threads: int) -> int:
    """Never more threads than this process may run on cores."""
    return max(1, min(int(threads), cores()))


def _check_gguf(path: Path) -> None:
    """LLMError unless `path` is a readable file that starts like a GGUF model."""
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except FileNotFoundError:
        raise LLMError(f"the local model file {path} does not exist") from None
    except IsADirectoryError:
        raise LLMError(f"the local model path {path} is a folder, not a .gguf file") from None
    except OSError as exc:
        raise LLMError(f"cannot read the local model file {path}: {exc.strerror or exc}") from None
    if magic != b"GGUF":
        raise LLMError(f"the local model file {path} is not a GGUF model (corrupt or another format)")


def _xllamacpp():
    try:
        import xllamacpp
    except ImportError:
        raise LLMError("the local model needs the xllamacpp package: run pip install -e '.[llm]' (or: make setup)") from None
    return xllamacpp


def _params(path: Path, threads: int, context: int, port: int = 0, api_key: str = ""):
    xlc = _xllamacpp()
    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = int(context)
    params.n_parallel = 1  # one reply at a time: two cores have nothing to spare
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.port = int(port)
    params.ui = False
    params.verbosity = -1  # llama.cpp's log would flood stderr; failures come back as errors
    params.endpoint_metrics = True  # see _load: the metrics call tells when the server is live
    if api_key:
        params.api_keys = [api_key]
    return xlc, params


def _load(path: Path, threads: int, context: int, port: int = 0, api_key: str = ""):
    """An xllamacpp.Server for `path` (it also listens on 127.0.0.1:port; port 0 = any free one)."""
    _check_gguf(path)
    xlc, params = _params(path, threads, context, port, api_key)
    try:
        server = xlc.Server(params)
    except Exception:  # the binding says only "Failed to init server, please check the input params."
        raise LLMError(f"llama.cpp could not load the local model {path} (a corrupt or unsupported file)") from None
    # xllamacpp returns before the server's task loop runs; releasing the server in that window
    # makes its destructor wait forever (the loop starts after the stop and never sees it). A
    # metrics request goes through that loop, so its answer means the loop is live.
    server.handle_metrics()
    return server


class _Engine:
    """One loaded model and the lock that lets one reply be written at a time."""

    def __init__(self, path: Path, threads: int, context: int):
        self.path, self.threads, self.context = path, threads, context
        t0 = time.perf_counter()
        # The embedded server also listens on a free 127.0.0.1 port; a random key keeps other
        # local programs off it (this process calls the server's handlers directly).
        self.server = _load(path, threads, context, api_key=secrets.token_hex(16))
        self.load_seconds = time.perf_counter() - t0
        self.lock = threading.Lock()


_ENGINES: dict[tuple, _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _encode(build: Callable[[], dict]) -> str:
    """The request `build()` makes, as JSON; LLMError when the arguments cannot make one."""
    try:
        return json.dumps(build())
    except (TypeError, ValueError) as exc:
        raise LLMError(f"the messages cannot be sent to the local model: {_one_line(exc)}") from None


def _engine(path: Path, threads: int, context: int) -> _Engine:
    """The model loaded once per process for (file, its size and time, threads, context)."""
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns, threads, context)
    except OSError as exc:
        _check_gguf(path)  # the precise LLMError (missing, a folder, unreadable)
        raise LLMError(f"cannot read the local model file {path}: {exc.strerror or exc}") from None
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _Engine(path, threads, context)
        return engine


class LocalChat:
    """A GGUF chat model run in this process with llama.cpp (xllamacpp).

    The model is loaded once per process for each (file, threads, context): further LocalChat
    objects for the same file share it. Replies are written one at a time (a lock); a reply that
    waits longer than `timeout` seconds for its next token, including the wait for the lock,
    ends in LLMError.
    """

    def __init__(self, model_path: Path, threads: int = 2, context: int = 2048, timeout: float = 60.0):
        if timeout <= 0:
            raise ConfigError(f"the language model timeout must be above 0 seconds, not {timeout}")
        if context < 64:
            raise ConfigError(f"the local model's context must be at least 64 tokens, not {context}")
        self.model_path = Path(model_path).expanduser()
        self.threads = _threads(threads)
        self.context = int(context)
        self.timeout = float(timeout)
        self._engine = _engine(self.model_path, self.threads, self.context)
        self.last_timings: dict | None = None  # llama.cpp's timings of the last finished reply

    def __repr__(self) -> str:
        return f"LocalChat({str(self.model_path)!r}, threads={self.threads}, context={self.context}, timeout={self.timeout:g})"

    @property
    def _where(self) -> str:
        """How errors name this model."""
        return f"the local model {self.model_path.name}"

    @property
    def load_seconds(self) -> float:
        """How long loading the model took (once per process)."""
        return self._engine.load_seconds

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float = 0.0) -> Iterator[str]:
        return self._stream(_encode(lambda: _request(messages, max_tokens, temperature)))

    def first_token(self, messages: list[dict], *, top: int = 10) -> dict[str, float]:
        """The log-probabilities of the reply's `top` likeliest first tokens, as {token: logprob}:
        how sure the model is of a one-word reply, read in one pass over the prompt."""
        request = _encode(lambda: _request(messages, 1, 0.0) | {"stream": False, "logprobs": True, "top_logprobs": int(top)})
        payloads = list(self._payloads(request))
        try:
            choice = json.loads(payloads[-1])["choices"][0]
            top_logprobs = choice["logprobs"]["content"][0]["top_logprobs"]
            return {str(t["token"]): float(t["logprob"]) for t in top_logprobs}
        except (IndexError, KeyError, TypeError, ValueError):
            raise LLMError(f"{self._where} gave no token probabilities") from None

    def _stream(self, request: str) -> Iterator[str]:
        chunks = _Chunks(self._where)
        for data in self._payloads(request):
            text = chunks.text(data)
            if text:
                yield text
        if not chunks.finished:
            raise LLMError(f"{self._where} stopped before the reply was complete")
        self.last_timings = chunks.timings

    def _payloads(self, request: str) -> Iterator[str]:
        """The reply's raw JSON payloads, one reply at a time (the engine's lock); LLMError when
        `timeout` seconds pass without one, including the wait for the lock."""
        where = self._where
        engine = self._engine
        if not engine.lock.acquire(timeout=self.timeout):
            raise LLMError(f"{where} was busy with another reply for {self.timeout:g} s (timed out)")
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()

        def on_chunk(data: str) -> bool:
            pieces.put(("data", data))
            return stop.is_set()  # True asks llama.cpp to cancel the rest of the reply

        def work() -> None:
            try:
                engine.server.handle_chat_completions(request, on_chunk)
                pieces.put(("end", None))
            except BaseException as exc:  # reported to the reader, never lost in this thread
                pieces.put(("error", exc))
            finally:
                engine.lock.release()

        try:
            threading.Thread(target=work, name="rag-local-llm", daemon=True).start()
        except BaseException:
            engine.lock.release()
            raise
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                try:
                    kind, item = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise LLMError(f"{where} wrote nothing for {self.timeout:g} s (timed out)") from None
                if kind == "end":
                    return
                if kind == "error":
                    raise LLMError(f"{where} failed: {_one_line(item) or type(item).__name__}")
                deadline = time.monotonic() + self.timeout
                yield item
        finally:
            stop.set()
