"""One writer per index: a second `rag index` (a real second process) waits, then refuses in one
line or, with --wait, goes on once the first is done; a killed holder's lock is gone with it;
readers never wait."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import rag
from rag.errors import IndexBusyError
from rag.lock import IndexLock, is_locked

ARTICLE = "Ministers meet in Sarajevo\nInterior ministers from six Balkan states met in Sarajevo to plan a joint database of migrants.\n"


def env(**extra: str) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")}, "HF_HUB_OFFLINE": "1", **extra}


def holder(folder: Path) -> subprocess.Popen:
    """Another process that holds `folder`'s write lock until it is killed."""
    code = "import sys, time; from rag.lock import IndexLock; IndexLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True, env=env())
    assert proc.stdout.readline() == "locked\n"
    return proc


@pytest.fixture
def corpus(tmp_path) -> Path:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE)
    return tmp_path / "corpus"


def test_a_second_rag_index_is_refused_in_one_line(tmp_path, corpus):
    idx = tmp_path / "idx"
    with IndexLock(idx):  # this process is writing the index
        started = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "rag.cli", "index", str(corpus), "--index-dir", str(idx), "-q"],
                           capture_output=True, text=True, timeout=120, env=env(RAG_LOCK_WAIT="1"))
        waited = time.monotonic() - started
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == (f"error: another `rag index` is writing the index in {idx} (waited 1s): "
                        "try again when it has finished, or add --wait\n")
    assert waited >= 1 and not (idx / "manifest.json").exists()


def test_the_lock_of_a_killed_writer_is_released_and_readers_never_wait(tmp_path, corpus):
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False, lock_wait=0.2)
    rag.index(corpus, config=cfg)
    proc = holder(cfg.index_dir)
    try:
        assert is_locked(cfg.index_dir)
        with pytest.raises(IndexBusyError, match="waited 0.2s"):
            rag.index(corpus, config=cfg)
        assert "Sarajevo" in rag.answer("Where did the ministers meet?", config=cfg).text  # a reader needs no lock
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not is_locked(cfg.index_dir)
    assert rag.index(corpus, config=cfg).up_to_date


def test_wait_goes_on_when_the_other_writer_is_done(tmp_path, corpus, capsys):
    from rag.cli import main

    idx = tmp_path / "idx"
    proc = holder(idx)
    threading.Timer(1.5, proc.send_signal, [signal.SIGKILL]).start()
    started = time.monotonic()
    try:
        assert main(["index", str(corpus), "--index-dir", str(idx), "-q", "--wait"]) == 0
    finally:
        proc.wait()
    assert time.monotonic() - started >= 1.5
    assert capsys.readouterr().out.startswith("indexed 1 articles")


def test_two_opens_in_one_process_exclude_each_other(tmp_path):
    first = IndexLock(tmp_path).acquire()
    with pytest.raises(IndexBusyError):
        IndexLock(tmp_path, wait=0).acquire()
    first.release()
    with IndexLock(tmp_path, wait=0) as again:
        assert again.held
    assert not is_locked(tmp_path)


def test_a_first_build_that_fails_leaves_no_index_folder(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4")  # no article in it: the build refuses
    idx = tmp_path / "new" / "index"
    with pytest.raises(rag.InputError):
        rag.index(corpus, config=rag.Config(index_dir=idx))
    assert not idx.exists()
    kept = tmp_path / "kept"
    kept.mkdir()  # a folder the user made is theirs: only the lock file goes
    with pytest.raises(rag.InputError):
        rag.index(corpus, config=rag.Config(index_dir=kept))
    assert kept.is_dir() and not any(kept.iterdir())


def test_a_build_waiting_on_one_that_discards_the_folder_takes_a_lock_of_its_own(tmp_path):
    idx = tmp_path / "index"
    first = IndexLock(idx).acquire()
    got = []
    waiter = threading.Thread(target=lambda: got.append(IndexLock(idx, wait=10).acquire()))
    waiter.start()
    time.sleep(0.3)  # the waiter has opened the lock file and polls it
    first.discard()  # the failed first build removes the file and the folder it made
    waiter.join()
    second = got[0]
    assert second.held and (idx / "lock").exists()
    with pytest.raises(IndexBusyError):  # the file on disk is the one the waiter locked
        IndexLock(idx, wait=0).acquire()
    second.release()
