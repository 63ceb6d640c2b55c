"""A library's thread-count getter and setter -> that library held at one thread for a block.

A single question is small work: waking a thread team for it costs more than the team saves, and
on 2 cores shared with other work the team's threads wait for each other; a team left spinning
after its work also slows whatever runs next (the next question's embedding). rag.store holds
FAISS's OpenMP team at one thread for a search or a copy, rag.embed torch's for a question's
vector, rag.retrieve numpy's BLAS for the products that score a question's candidates.

>>> count = [2]
>>> with one_thread(lambda: count[0], lambda n: count.__setitem__(0, n)):
...     count[0]
1
>>> count[0]
2
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator


@contextmanager
def one_thread(get: Callable[[], int], set_: Callable[[int], None]) -> Iterator[None]:
    """`set_(1)` for the block, then the count `get()` gave before, even after an error."""
    n = get()
    set_(1)
    try:
        yield
    finally:
        set_(n)


_blas_lock = threading.Lock()
_blas_held = {"holders": 0, "before": []}


@lru_cache(maxsize=1)
def _blas_libraries():
    """The BLAS libraries loaded (numpy's OpenBLAS), found once: threadpoolctl reads their API."""
    import numpy  # noqa: F401 (its BLAS must be loaded to be found)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas").lib_controllers


@contextmanager
def blas_one_thread() -> Iterator[None]:
    """numpy's BLAS at one thread for a block. Its count is process-wide, not per thread, so
    blocks on several threads at once (a server's questions) share one hold: the first to enter
    sets one thread, the last to leave puts back what was there before."""
    libs = _blas_libraries()
    with _blas_lock:
        if _blas_held["holders"] == 0:
            _blas_held["before"] = [lib.num_threads for lib in libs]
            _set_blas(libs, [1] * len(libs))
        _blas_held["holders"] += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_held["holders"] -= 1
            if _blas_held["holders"] == 0:
                _set_blas(libs, _blas_held["before"])


def _set_blas(libs, counts) -> None:
    for lib, n in zip(libs, counts):
        # threadpoolctl lets only the first thread that ever set OpenBLAS's process-wide count set
        # it again (others are ignored, silently); the lock above already keeps setters in turn.
        clear = getattr(type(lib), "clear_controlling_thread", None)
        if clear is not None:
            clear(force=True)
        lib.set_num_threads(n)


def cores() -> int:
    """How many cores this process may run on (its CPU affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
