"""A GGUF file -> llama.cpp's OpenAI-compatible HTTP server on 127.0.0.1, and its measurements.

`LocalServer` / `start_server` serve a file (what `OpenAIChat` and any other client can talk to);
`bench` times loading, the first token and both speeds; `main` is `python -m rag.llm` (serve
until Ctrl-C, or --bench).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from .errors import ConfigError, LLMError
from .llama import LocalChat, _load, _threads


class LocalServer:
    """llama.cpp's OpenAI-compatible HTTP server for one GGUF file, on 127.0.0.1:port.

    Use as a context manager, or call stop(). `base_url` is what OpenAIChat wants.
    """

    def __init__(self, model_path: Path, port: int, threads: int = 2, context: int = 2048):
        self.model_path = Path(model_path).expanduser()
        self.port = int(port)
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be between 1 and 65535, not {port}")
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        _check_port(self.port)
        self._server = _load(self.model_path, _threads(threads), int(context), port=self.port)

    def __repr__(self) -> str:
        return f"LocalServer({self.base_url!r}, {str(self.model_path)!r})"

    def stop(self) -> None:
        """Stop serving and free the model (the binding's server stops when released)."""
        self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _check_port(port: int) -> None:
    """LLMError when 127.0.0.1:port is taken (llama.cpp would only say that it failed)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise LLMError(f"port {port} on 127.0.0.1 is already in use: choose another") from None


def start_server(model_path: Path, port: int, threads: int = 2) -> LocalServer:
    """Serve `model_path` at http://127.0.0.1:port/v1 until .stop() (or the end of a `with` block)."""
    return LocalServer(model_path, port, threads)


_BENCH_TEXT = (
    "The foreign ministers of the Balkan countries met in the capital on Tuesday to discuss trade, "
    "border crossings and the new railway line that will link the ports of the Adriatic with the "
    "cities of the interior. The talks, which lasted for most of the day, ended with a joint "
    "statement promising closer cooperation on customs and a study of the costs of the project. "
)


def bench(model_path: Path, threads: int = 2, runs: int = 3, max_tokens: int = 48) -> dict:
    """Load time, and for a ~400-token prompt: time to first token, prompt and writing speed.

    Each run starts its prompt differently, so llama.cpp's prompt cache cannot skip the reading.
    """
    chat = LocalChat(model_path, threads=threads)
    rows = []
    for run in range(runs):
        context = f"Run {run} of {runs}, passage {run * 7919 % 1000}. " + _BENCH_TEXT * 5
        messages = [
            {"role": "system", "content": "Answer from the passage only, in one sentence."},
            {"role": "user", "content": f"{context}\nQuestion: Where did the ministers meet and what did they discuss?"},
        ]
        t0 = time.perf_counter()
        first = None
        pieces = 0
        for _ in chat.stream(messages, max_tokens=max_tokens):
            first = first if first is not None else time.perf_counter() - t0
            pieces += 1
        t = chat.last_timings or {}
        rows.append({
            "first_token_s": round(first or float("nan"), 3),
            "total_s": round(time.perf_counter() - t0, 3),
            "prompt_tokens": t.get("prompt_n"),
            "prompt_tok_s": round(t.get("prompt_per_second", float("nan")), 1),
            "generated_tokens": t.get("predicted_n"),
            "generate_tok_s": round(t.get("predicted_per_second", float("nan")), 1),
        })
    return {"model": model_path.name, "threads": chat.threads, "load_s": round(chat.load_seconds, 2), "runs": rows}


def main(argv: list[str] | None = None) -> int:
    """`python -m rag.llm`: serve the bundled (or a given) GGUF model on 127.0.0.1 until Ctrl-C;
    with --bench, measure it in this process instead."""
    import argparse

    from .errors import RagError

    parser = argparse.ArgumentParser(prog="python -m rag.llm", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default="", help="a .gguf file or a bundled model's name, e.g. qwen2.5-coder-1.5b (default: the bundled 0.5B)")
    parser.add_argument("--bench", action="store_true", help="print load time, time to first token and speeds")
    args = parser.parse_args(argv)
    try:
        from .models import model_file

        args.model = model_file(args.model)
        if args.bench:
            print(json.dumps(bench(args.model, args.threads), indent=1))
            return 0
        server = start_server(args.model, args.port, args.threads)
    except RagError as exc:
        print(f"error: {exc}")
        return 1
    print(f"serving {args.model.name} at {server.base_url} (Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
