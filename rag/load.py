"""A folder (or file) of articles -> SourceFiles: decoded text with headline, URL and date.

Reads `.txt`, `.md` and `.html`/`.htm`. Every problem a user can fix (missing folder, no
articles, a binary or unreadable file) is an `InputError` naming the file, raised before
anything is written, so a bad corpus never damages an existing index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class SourceFile:
    """One article file, decoded: `lines` are its text lines, HTML already turned to text."""

    doc_id: str  # path relative to the corpus folder, with forward slashes
    lines: tuple[str, ...]
    sha256: str
    title: str | None = None  # from HTML metadata; text files take their first line
    url: str | None = None
    date: str | None = None


def find_files(path: Path) -> list[Path]:
    """The article files under `path` (a folder, searched recursively, or one file)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if path.is_file():
        files = [path]
    else:
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    articles = [p for p in files if p.suffix.lower() in SUFFIXES]
    if not articles:
        kinds = ", ".join(sorted(SUFFIXES))
        raise InputError(f"no articles ({kinds}) found in {path}")
    return articles


def read_files(path: Path) -> list[SourceFile]:
    """Decode every article under `path`; refuse the whole batch on the first bad file."""
    path = Path(path)
    root = path if path.is_dir() else path.parent
    return [read_file(p, p.relative_to(root).as_posix()) for p in find_files(path)]


def read_file(path: Path, doc_id: str) -> SourceFile:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path} is a binary file, not an article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # old news exports; a binary file rarely decodes cleanly
        except UnicodeDecodeError:
            raise InputError(f"{path} is not UTF-8 text") from None
    sha = hashlib.sha256(raw).hexdigest()
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "html":
        return _from_html(text, doc_id, sha, path)
    if kind == "markdown" or _looks_markdown(text):
        text = _strip_markdown(text)
    return SourceFile(doc_id, tuple(text.splitlines()), sha)


def _from_html(html: str, doc_id: str, sha: str, path: Path) -> SourceFile:
    """HTML -> main text with trafilatura, which drops navigation, footers and ads."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    body = (getattr(doc, "text", None) or "").strip() if doc else ""  # empty: reported as skipped
    return SourceFile(
        doc_id,
        tuple(body.splitlines()),
        sha,
        title=getattr(doc, "title", None) or None,
        url=getattr(doc, "url", None) or None,
        date=getattr(doc, "date", None) or None,
    )


_MD_HINT = re.compile(r"^(#{1,6} |\*\*|---\s*$)|<https?://", re.M)


def _looks_markdown(text: str) -> bool:
    """Scraped `.txt` files are often Markdown in disguise (one seed article is)."""
    return len(_MD_HINT.findall(text)) >= 2


def _strip_markdown(text: str) -> str:
    """Markdown -> plain lines: headings, emphasis and link syntax go, the words stay.

    >>> _strip_markdown("# Title\\n***Read** this* <http://x.org> [a](http://y.org)")
    'Title\\nRead this http://x.org a'
    """
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url) -> text
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)  # <url> -> url
    while True:  # nested emphasis ("***a** b*") unwraps one layer per pass
        unwrapped = re.sub(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1", r"\2", text)
        if unwrapped == text:
            break
        text = unwrapped
    text = re.sub(r"\*{2,3}(?=\S)|(?<=\S)\*{2,3}", "", text)  # unbalanced leftovers
    return text
