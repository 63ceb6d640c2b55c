"""A library's thread-count getter and setter -> that library held at one thread for a block.

A single question is small work: waking a thread team for it costs more than the team saves, and
on 2 cores shared with other work the team's threads wait for each other. rag.store holds FAISS's
OpenMP team at one thread for a search or a copy, rag.embed torch's for a question's vector.

>>> count = [2]
>>> with one_thread(lambda: count[0], lambda n: count.__setitem__(0, n)):
...     count[0]
1
>>> count[0]
2
"""

from __future__ import annotations

from contextlib import contextmanager
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
