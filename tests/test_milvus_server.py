"""The server path of rag.milvus_store (an http:// URI and a token), against a real Milvus gRPC server:
Milvus Lite's own (`python -m milvus_lite server`), which speaks the protocol a Milvus cluster does.
Unlike a Lite file, a server is shared: `rag index` and `rag ask` run as separate processes here.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pymilvus")

from rag.cli import main  # noqa: E402

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
TOKEN = "root:Milvus"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path_factory.mktemp("milvus-server")
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data / "db"),
                             "--host", "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the Milvus Lite server did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _env(uri: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    return {**env, "RAG_STORE": "milvus", "RAG_MILVUS_URI": uri, "RAG_MILVUS_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1"}


def _cited(result: dict) -> tuple:
    return result["text"], result["abstained"], [(c["source"], c["snippet"]) for c in result["citations"]]


RAG = [sys.executable, "-m", "rag.cli"]


@pytest.fixture(scope="module")
def folder(server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-index")
    built = subprocess.run([*RAG, "index", str(ROOT / "seeds"), "--index-dir", str(folder), "-q"], env=_env(server),
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    return folder


def test_index_and_ask_through_a_server_as_separate_processes(server, folder, capsys, seed_config) -> None:
    rag = RAG
    manifest = json.loads((folder / "manifest.json").read_text())
    pointer = (folder / manifest["generation"] / "chunks.milvus.json").read_text()
    assert json.loads(pointer)["uri"] == server and TOKEN not in pointer and not (folder / "milvus.db").exists()
    q = "How many European states along the migration route took part in the meeting after which Cerar spoke?"
    asked = subprocess.run([*rag, "ask", q, "--index-dir", str(folder), "--json"], env=_env(server),
                           capture_output=True, text=True, timeout=600)
    assert asked.returncode == 0, asked.stderr
    assert main(["ask", q, "--index-dir", str(seed_config.index_dir), "--json"]) == 0
    faiss_answer = json.loads(capsys.readouterr().out)
    assert _cited(json.loads(asked.stdout)) == _cited(faiss_answer) and not faiss_answer["abstained"]


def test_a_server_that_is_down_is_one_line(folder) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    out = subprocess.run([*RAG, "ask", "Who spoke?", "--index-dir", str(folder)],
                         env=_env(f"http://127.0.0.1:{port}"), capture_output=True, text=True, timeout=600)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith(f"error: cannot connect to Milvus at http://127.0.0.1:{port}") and "RAG_MILVUS_URI" in out.stderr
