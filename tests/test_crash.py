"""`kill -9` a real `rag index` at random points (seeded), several times: the last good index
stays loadable and answers each time, and the next run completes, reusing every vector the
killed runs embedded (the vector cache), so no finished work is done again."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import rag
from rag.storage import open_index, read_manifest
from rag.vcache import text_key

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUESTION = "Where did the Balkan ministers agree to create a joint database?"
# Enough to embed that a build is still running when a round's kill comes (the last round waits
# for steps beyond two earlier rounds' and then up to 0.1 s more).
ADDED = ("000_19e16c48e833ded7.txt", "001_fe7c03c2246f783b.txt", "002_a1e78b8bb14fba1b.txt", "004_f03de0d0d879d911.txt")


def cached_vectors(index_dir: Path) -> int:
    return sum(len(np.load(p, mmap_mode="r", allow_pickle=False)) for p in (index_dir / "vectors").glob("*/*.npy"))


def cached_keys(index_dir: Path) -> set[bytes]:
    return {k.tobytes() for p in (index_dir / "vectors").glob("*/*.npy") for k in np.load(p, allow_pickle=False)["key"]}


def wait_for(condition, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)


def test_kill_9_at_random_points_then_resume(tmp_path):
    rng = random.Random(9)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "003_d7e33aac75d08225.txt", corpus)
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(corpus, config=cfg)  # the last good index: one article
    good = read_manifest(cfg.index_dir)["generation"]
    expected = rag.answer(QUESTION, config=cfg)
    assert "Sarajevo" in expected.text
    first = cached_vectors(cfg.index_dir)
    for name in ADDED:  # four more articles: about 100 texts to embed, 8 per cache step
        shutil.copy(SEEDS / name, corpus)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")}, "HF_HUB_OFFLINE": "1", "RAG_BATCH_SIZE": "2"}
    command = [sys.executable, "-m", "rag.cli", "index", str(corpus), "--index-dir", str(cfg.index_dir), "-q"]

    seen = first
    for round in range(3):
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        if round == 0:  # anywhere from start-up to the first step of embedding saved
            delay = rng.uniform(0.2, 4.0)
            wait_for(lambda: cached_vectors(cfg.index_dir) > seen or proc.poll() is not None, delay)
        else:  # while embedding: after a random number of steps were saved, at a random moment of the next
            steps = rng.randint(1, 2)
            wait_for(lambda: cached_vectors(cfg.index_dir) >= seen + 8 * steps or proc.poll() is not None, 120)
            time.sleep(rng.uniform(0.0, 0.1))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL, f"round {round}: the build ended before it was killed"
        if read_manifest(cfg.index_dir)["generation"] != good:
            # The kill came after the commit (the build's last moments, under load): then the new
            # index is whole and in use; the kills during the commit itself are test_kill_9_at_the_commit.
            idx = open_index(cfg)
            assert sorted(idx.documents) == sorted(["003_d7e33aac75d08225.txt", *ADDED]), f"round {round}"
            assert round > 0 and seen > first  # it was killed while embedding at least once before
            return
        # never committed: the old index is the index
        assert len(open_index(cfg).documents) == 1  # read from disk again, every file's hash checked
        again = rag.answer(QUESTION, config=cfg)
        assert (again.text, [c.snippet for c in again.citations]) == (expected.text, [c.snippet for c in expected.citations])
        now = cached_vectors(cfg.index_dir)
        assert now >= seen  # what was saved stays saved
        seen = now
    assert seen > first  # some runs were killed while embedding, after saving steps

    before = cached_keys(cfg.index_dir)
    r = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    embedded, cached, kept = map(int, re.search(r"vectors: (\d+) embedded, (\d+) from the cache, (\d+) kept", r.stdout).groups())
    idx = rag.load_index(cfg, build_if_missing=False)
    assert embedded + cached + kept == len(idx.chunks) + len(idx.sentences)
    new = [c.embed_text for c in idx.chunks if c.doc_id != "003_d7e33aac75d08225.txt"]
    new += [s.text for s in idx.sentences if s.doc_id != "003_d7e33aac75d08225.txt"]
    keys = [text_key(t) for t in new]
    assert cached == sum(k in before for k in keys)  # every text the cache held (the killed runs' work) was reused
    assert embedded == len({k for k in keys if k not in before})  # and only the others were embedded, once
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([idx.manifest["generation"], "lock", "manifest.json", "vectors"])
    assert sorted(idx.documents) == sorted(["003_d7e33aac75d08225.txt", *ADDED])
    assert [c.source for c in rag.answer(QUESTION, config=cfg).citations][:1] == ["003_d7e33aac75d08225.txt"]


KILL_AT = {  # a SIGKILL at the worst moments of the commit, made exact by a patch in the child process
    "writing the generation": "import rag.lexical; rag.lexical.BM25.save = die",
    "before the manifest": "w = st._atomic_write; st._atomic_write = lambda p, t: die() if p.name == 'manifest.json' else w(p, t)",
    "after the manifest": "r = st.shutil.rmtree; st.shutil.rmtree = lambda p, **k: die() if Path(p).name.startswith('gen-') else r(p, **k)",
}
A = "Ministers meet in Sarajevo\nInterior ministers from six Balkan states met in Sarajevo to plan a joint database of migrants.\n"
B = "River rescue near Bihac\nPolice rescued twelve migrants from the Korana river near Bihac on Tuesday.\n"


@pytest.mark.parametrize("moment", list(KILL_AT))
def test_kill_9_at_the_commit(tmp_path, moment):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(A)
    (corpus / "b.txt").write_text(B)
    rag.index(corpus, config=rag.Config.load(index_dir=tmp_path / "full", progress=False))  # fills a cache
    (corpus / "b.txt").rename(tmp_path / "b.txt")
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(corpus, config=cfg)  # the last good index: a alone
    good = read_manifest(cfg.index_dir)["generation"]
    shutil.copytree(tmp_path / "full" / "vectors", cfg.index_dir / "vectors", dirs_exist_ok=True)  # b's vectors too
    (tmp_path / "b.txt").rename(corpus / "b.txt")
    code = ("import os, signal, sys\nfrom pathlib import Path\nimport rag.storage as st\n"
            "def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
            f"{KILL_AT[moment]}\nfrom rag.cli import main\nmain(sys.argv[1:])")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")}, "HF_HUB_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-c", code, "index", str(corpus), "--index-dir", str(cfg.index_dir), "-q"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == -signal.SIGKILL, r.stderr
    committed = read_manifest(cfg.index_dir)["generation"] != good
    assert committed == (moment == "after the manifest")
    assert len(list(cfg.index_dir.glob("gen-*")) + list(cfg.index_dir.glob(".gen-*"))) == 2  # a dead build's leftovers
    assert len(open_index(cfg).documents) == (2 if committed else 1)  # every file's hash checked
    assert "Sarajevo" in rag.answer("Where did the ministers meet?", config=cfg).text  # the index loads and answers

    r = rag.index(corpus, config=cfg)
    assert r.up_to_date == committed and r.embedded == 0
    m = read_manifest(cfg.index_dir)
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([m["generation"], "lock", "manifest.json", "vectors"])
    assert sorted(rag.load_index(cfg).documents) == ["a.txt", "b.txt"]
