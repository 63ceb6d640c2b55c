"""Uploaded files -> new articles in the corpus folder, then `rag.index` so they can be asked about.

Safe by construction: only a file's base name is kept, reduced to letters, digits, "-", "_", "."
and spaces; it may not start with a dot, must end in an allowed suffix, may not exceed
`max_file_mb`, must be text the core's own loader reads (`rag.load.read_file`) with text left
after cleaning, and may not replace an article already there. Every file is checked before any is
written; a write never follows a link (O_EXCL | O_NOFOLLOW) and lands in the corpus folder or
nowhere; if indexing then fails (the index busy with another build, a bad setting), the files
written are removed again: a bad upload changes nothing.

>>> safe_name("../../etc/passwd.txt")
'passwd.txt'
>>> safe_name('a<b>"c".md')
'a_b_c_.md'
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

ALLOWED = (".txt", ".md", ".html")


class UploadError(ValueError):
    """One line saying which file was refused and why."""


def safe_name(name: str) -> str:
    """The base name of `name` with every other character than [\\w .-] replaced by "_"."""
    base = re.split(r"[\\/]", str(name))[-1]
    base = re.sub(r"[^\w .-]", "_", base, flags=re.ASCII).strip(" ._")
    return re.sub(r"_+", "_", base)[:120]


def check(path: str | Path, name: str, corpus: Path, max_mb: float) -> str:
    """The corpus file name for one upload (original name `name`), or UploadError saying why not."""
    from rag.clean import clean
    from rag.errors import InputError
    from rag.load import read_file

    shown = " ".join(str(name).split())[:80] or "(no name)"
    target = safe_name(name)
    suffix = Path(target).suffix.lower()
    if not target or target.startswith(".") or suffix not in ALLOWED:
        raise UploadError(f"{shown}: only {', '.join(ALLOWED)} files can be added")
    size = Path(path).stat().st_size
    if size > max_mb * 1_000_000:
        raise UploadError(f"{shown}: {size / 1e6:.1f} MB is over the {max_mb:g} MB limit")
    if (corpus / target).exists() or (corpus / target).is_symlink():
        raise UploadError(f"{shown}: an article named {target} is already in the corpus; rename the file")
    try:
        with tempfile.TemporaryDirectory() as tmp:  # under its corpus name: the type goes by suffix
            shutil.copyfile(path, Path(tmp) / target)
            source = read_file(Path(tmp) / target, target)  # decoded as `rag index` will decode it
    except (InputError, OSError) as err:
        raise UploadError(f"{shown}: {' '.join(str(err).split())}") from None
    if not any(d.text.strip() for d in clean([source])):
        raise UploadError(f"{shown}: no article text is left once it is cleaned")
    return target


def add(uploads: list[tuple[str, str]], corpus: Path, max_mb: float) -> list[Path]:
    """Check every (path, original name), then copy them all into `corpus`; returns the new files.
    Nothing is written unless every file passes."""
    corpus = Path(corpus)
    names = [check(path, name, corpus, max_mb) for path, name in uploads]
    if len(set(names)) != len(names):
        raise UploadError("two uploads have the same name; upload them one at a time")
    written: list[Path] = []
    corpus.mkdir(parents=True, exist_ok=True)  # the first articles of a new corpus
    try:
        for (path, _), name in zip(uploads, names):
            written.append(_copy_new(Path(path), corpus, name))
    except BaseException:
        remove(written)
        raise
    return written


def _copy_new(src: Path, corpus: Path, name: str) -> Path:
    """Copy `src` to corpus/name: a new file (never an overwrite, never through a link), via a
    temporary file in the same folder, so a half-copied article is never seen by a build."""
    target = corpus / name
    if target.resolve().parent != corpus.resolve():
        raise UploadError(f"{name}: refused, it would be written outside the corpus folder")
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=corpus)
    try:
        with open(fd, "wb") as out, open(src, "rb") as f:
            shutil.copyfileobj(f, out)
        os.link(tmp, target)  # fails if the name exists (a file, or a link planted meanwhile)
    except FileExistsError:
        raise UploadError(f"{name}: an article with this name appeared meanwhile; rename the file") from None
    finally:
        os.unlink(tmp)
    return target


def remove(files: list[Path]) -> None:
    for f in files:
        try:
            f.unlink()
        except FileNotFoundError:
            pass
