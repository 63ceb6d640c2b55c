"""Many people asking at once -> how long each waited: N concurrent questions to the chat's API.

    python -m ui.loadtest [--n 50] [--url http://127.0.0.1:7860/]

Without --url it starts the real app (`python -m ui.app`, the same as `rag chat`) on a free
loopback port, over an index of the configured corpus built afresh in a temporary folder (or
--index-dir), waits until it serves, and stops it afterwards. Each question comes from its own gradio_client session, all sent at the same
moment; a question counts as answered when its final chat ends with an answer, not a "⚠" line.
Questions are the seed question set's (eval/seeds.jsonl), distinct, so no cache hides the work.
Run it alone (`flock /tmp/rag-heavy.lock ...`): on a shared machine other work skews the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "seeds.jsonl"


@dataclass(frozen=True)
class Result:
    latencies: list[float]  # seconds from sending to the final answer, answered questions only
    failures: list[str]  # one line per question not answered
    wall: float  # seconds from the first question sent to the last answer

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    def summary(self) -> str:
        n = len(self.latencies) + len(self.failures)
        return (
            f"{len(self.latencies)}/{n} answered; p50 {self.p50:.2f} s, p95 {self.p95:.2f} s, "
            f"max {max(self.latencies, default=0):.2f} s; all answered within {self.wall:.2f} s"
        )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, interpolated between ranks (numpy's default, 'linear').

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    import numpy as np

    return float(np.percentile(values, q)) if values else float("nan")


def questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    distinct = list(dict.fromkeys(r["question"] for r in rows))
    return [distinct[i % len(distinct)] for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(env: dict | None = None, timeout: float = 600.0) -> tuple[subprocess.Popen, str]:
    """The real app in a child process on a free loopback port: (process, url) once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.app", "--port", str(port)],
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}: {proc.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    stop_app(proc)
    raise RuntimeError(f"the app did not serve {url} within {timeout:.0f} s")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(url: str, n: int = 50) -> Result:
    """Send `n` questions at once, each from its own session; wait for every answer."""
    from gradio_client import Client

    qs = questions(n)
    with ThreadPoolExecutor(max_workers=16) as pool:  # sessions opened first: not part of the wait
        clients = list(pool.map(lambda _: Client(url, verbose=False), range(n)))

    def one(i: int) -> tuple[float | None, str]:
        started = time.perf_counter()
        try:
            chat, _sources, _ = clients[i].predict(qs[i], api_name="/ask")
        except Exception as err:  # noqa: BLE001 - a failed question is counted, not raised
            return None, f"{qs[i]!r}: {type(err).__name__}: {err}"
        took = time.perf_counter() - started
        last = chat[-1] if chat else {}
        text = last.get("content") if isinstance(last.get("content"), str) else "".join(
            part.get("text", "") for part in last.get("content") or [] if isinstance(part, dict)
        )
        if last.get("role") != "assistant" or not text.strip() or text.startswith("⚠"):
            return None, f"{qs[i]!r}: not answered: {text[:200]!r}"
        return took, ""

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(one, range(n)))
    wall = time.perf_counter() - started
    for c in clients:
        c.close()
    return Result([t for t, _ in outcomes if t is not None], [e for t, e in outcomes if t is None], wall)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=50, help="concurrent questions (default 50)")
    p.add_argument("--url", help="an app already running (default: start one on a free port)")
    p.add_argument("--index-dir", help="the index the started app serves (default: a fresh one in a temporary folder)")
    args = p.parse_args(argv)
    tmp = tempfile.TemporaryDirectory(prefix="rag-loadtest-")
    env = {"RAG_INDEX_DIR": args.index_dir or tmp.name, "RAG_PROGRESS": "0"}
    proc, url = (None, args.url) if args.url else start_app(env)
    try:
        run(url, 2)  # first questions load what the warm-up did not: not part of the figure
        result = run(url, args.n)
    finally:
        if proc is not None:
            stop_app(proc)
        tmp.cleanup()
    print(result.summary())
    for line in result.failures:
        print("  failed:", line)
    return 0 if not result.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
