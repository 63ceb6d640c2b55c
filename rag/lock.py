"""An index folder -> its single writer: an exclusive `flock` on `<index>/lock` while a build writes.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> with IndexLock(folder):
...     IndexLock(folder, wait=0).acquire()
Traceback (most recent call last):
rag.errors.IndexBusyError: another `rag index` is writing the index in ...

Why `flock`: the kernel releases it when its holder exits, however it exits (`kill -9`, a crash,
a power cut of a container), so a dead build never leaves a lock to be cleared by hand, and the
lock's existence proves a live writer. Two opens of the same file conflict even in one process
(the lock belongs to the open file, not the process). Readers never take it: they read the
manifest, which a writer replaces in one atomic rename.
"""

from __future__ import annotations

import errno
import fcntl
import math
import os
import time
from pathlib import Path

from .errors import IndexBusyError

LOCK = "lock"
POLL = 0.1  # seconds between attempts while waiting


class IndexLock:
    """Hold the index folder's write lock; `wait` seconds before refusing (inf: wait for as long as it takes)."""

    def __init__(self, folder: str | Path, *, wait: float = 0.0):
        self.folder, self.wait, self._fd = Path(folder), wait, None
        self.created = False  # whether acquiring made the folder (so `discard` may remove it)

    def acquire(self) -> "IndexLock":
        deadline = time.monotonic() + self.wait if math.isfinite(self.wait) else math.inf
        while True:
            self.created = self.created or not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except FileNotFoundError:  # a failed first build removed the folder just now: make it again
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(fd, self.folder / LOCK):
                    self._fd = fd
                    return self
                os.close(fd)  # a failed first build removed the file while we waited for it: open it anew
                continue
            except OSError as err:
                os.close(fd)
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() >= deadline:
                waited = f" (waited {self.wait:g}s)" if self.wait else ""
                raise IndexBusyError(
                    f"another `rag index` is writing the index in {self.folder}{waited}: "
                    f"try again when it has finished, or add --wait"
                )
            time.sleep(POLL)

    def discard(self) -> None:
        """Release, leaving no trace of a build that wrote nothing: the lock file goes when it is all
        the folder holds, and the folder too if acquiring made it."""
        if self._fd is not None and [p.name for p in self.folder.iterdir()] == [LOCK]:
            (self.folder / LOCK).unlink()  # still ours: a waiting build sees the file gone and retries
            if self.created:
                try:
                    self.folder.rmdir()
                except OSError:
                    pass  # someone put something there meanwhile: it stays
        self.release()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "IndexLock":
        return self.acquire() if self._fd is None else self

    def __exit__(self, *exc) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open lock `fd` is still the file at `path` (not one unlinked by `discard`)."""
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def is_locked(folder: str | Path) -> bool:
    """Whether a live process holds `folder`'s write lock now (a moment's answer, for reports and tests)."""
    path = Path(folder) / LOCK
    if not path.exists():
        return False
    try:
        IndexLock(folder, wait=0).acquire().release()
        return False
    except IndexBusyError:
        return True
