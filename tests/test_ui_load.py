"""Many users at once: the real app (`python -m ui.app`, as `rag chat` starts it) on 127.0.0.1,
50 concurrent questions through gradio_client, each from its own session.

Asserts that every question is answered; the latency figures are printed, not asserted (a shared
machine makes timed tests flaky): the README's p50/p95 come from `python -m ui.loadtest` run
alone. The one bound is generous, for a server that queues forever.
"""

from __future__ import annotations

import pytest

pytest.importorskip("gradio_client")
from ui import loadtest  # noqa: E402

pytestmark = pytest.mark.slow
N = 50


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("load_index")
    proc, url = loadtest.start_app({"RAG_INDEX_DIR": str(index_dir), "RAG_PROGRESS": "0"})
    yield url
    loadtest.stop_app(proc)


def test_fifty_concurrent_questions_are_all_answered(app_url):
    result = loadtest.run(app_url, N)
    print(f"\nload test: {result.summary()}")
    assert not result.failures, result.failures
    assert len(result.latencies) == N
    assert result.wall < 300  # the README's figure, measured alone, is far below


def test_questions_are_distinct_so_no_cache_hides_the_work():
    qs = loadtest.questions(N)
    assert len(qs) == N and len(set(qs)) == N


def other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # UDP: no packet is sent, the route picks the address
            ip = s.getsockname()[0]
    except OSError:
        ip = ""
    return ip if ip and not ip.startswith("127.") and ip != "0.0.0.0" else None


def test_the_app_listens_on_loopback_only(app_url):
    import socket
    from urllib.parse import urlparse

    ip = other_address()
    if ip is None:
        pytest.skip("this machine has no address but loopback")
    with pytest.raises(OSError):
        socket.create_connection((ip, urlparse(app_url).port), timeout=3).close()
    socket.create_connection(("127.0.0.1", urlparse(app_url).port), timeout=3).close()
