"""Re-indexing while the chat serves: every answer comes whole from the old or the new index.

The app runs on 127.0.0.1 over a copy of the seeds; while four sessions keep asking, the corpus
grows and `rag.index` rebuilds it twice (as an upload does). No question may fail, and every
card's highlighted sentence must stand in the article its card names (a mix of generations would
put one generation's offsets on another's text).
"""

from __future__ import annotations

import html
import re
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("gradio")
from gradio_client import Client  # noqa: E402

import rag  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_ui import ON_TOPIC, SEEDS, serve, text_of  # noqa: E402

pytestmark = pytest.mark.slow
QUESTIONS = [ON_TOPIC, "Who did Boštjan Poklukar host?", "What did Cerar say about the Balkan migration route?"]
NEW = [
    ("new1.txt", "Kestrel Valley orchards report a record pear harvest\nGrowers picked 12,000 tonnes of pears.\n"),
    ("new2.txt", "Port Wenlow holds its harbour festival\nThe organiser Mira Tollan counted four thousand visitors.\n"),
]


def squash(text: str) -> str:
    return " ".join(text.split())


def test_answers_stay_whole_while_the_index_is_rebuilt(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    cfg = rag.Config.load(corpus=corpus, index_dir=tmp_path / "index", progress=False)
    rag.index(corpus, config=cfg)
    demo, url = serve(cfg)
    stop, problems, asked, builds = threading.Event(), [], [], []

    def keep_asking(n: int) -> None:
        client = Client(url, verbose=False)
        i = n
        while not stop.is_set():
            started = time.monotonic()
            chat, sources, _ = client.predict(QUESTIONS[i % len(QUESTIONS)], api_name="/ask")
            asked.append((started, time.monotonic()))
            client.predict(api_name="/clear")
            i += 1
            answer = text_of(chat[-1])
            if answer.startswith("⚠"):
                problems.append(answer)
            for source, marked in re.findall(r'data-source="([^"]+)".*?<mark>(.*?)</mark>', sources, re.S):
                article = (corpus / html.unescape(source)).read_text(encoding="utf-8")
                if squash(html.unescape(marked)) not in squash(article):
                    problems.append(f"{source}: {marked[:80]!r} is not in the article")

    def wait_for(n: int) -> None:
        deadline = time.monotonic() + 120
        while len(asked) < n and time.monotonic() < deadline:
            time.sleep(0.05)

    askers = [threading.Thread(target=keep_asking, args=(n,)) for n in range(4)]
    try:
        for t in askers:
            t.start()
        wait_for(4)  # every session is asking before the first build starts
        for name, text in NEW:
            (corpus / name).write_text(text, encoding="utf-8")
            started = time.monotonic()
            report = rag.index(corpus, config=cfg)
            builds.append((started, time.monotonic()))
        wait_for(len(asked) + 4)  # and after the last one ends
        stop.set()
        for t in askers:
            t.join(timeout=120)
    finally:
        stop.set()
        demo.close()
    assert report.documents == len(list(SEEDS.glob("*.txt"))) + len(NEW)
    assert not problems, problems[:5]
    during = [a for a in asked if any(a[0] < b[1] and b[0] < a[1] for b in builds)]
    assert during, (asked, builds)  # some questions really were answered while a build ran
