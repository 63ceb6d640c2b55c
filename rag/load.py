"""A folder (or file) of articles -> SourceFiles: decoded text with headline, URL and date.

Reads `.txt`, `.md` and `.html`/`.htm`. Every problem a user can fix (missing folder, no
articles, a binary or unreadable file) is an `InputError` naming the file, raised before
anything is written, so a bad corpus never damages an existing index.

A hostile or careless file never costs the rest of the corpus: a link that leads out of the
corpus folder (`passwd.txt -> /etc/passwd`) is not followed, and a file over the size limit
(`max_file_mb`) is not read; both are left out and reported in `Corpus.skipped`. Text that is
almost all UTF-8 stays UTF-8 (a stray bad byte becomes U+FFFD), UTF-16 and UTF-32 with a
byte-order mark are decoded; how a file was decoded, when it needs saying, is its `note`.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, InputError
from .types import is_day

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
    note: str | None = None  # how it was decoded, when that is worth a line in the report


@dataclass(frozen=True)
class Corpus:
    """The articles of a folder, and the files left out of it with the reason for each."""

    files: list[SourceFile]
    skipped: dict[str, str] = field(default_factory=dict)  # doc_id -> why it was not read


def find_files(path: Path) -> list[Path]:
    """The article files under `path` (a folder, searched recursively, or one file)."""
    return _scan(Path(path), _max_bytes(None))[0]


def read_files(path: Path, *, max_bytes: int | None = None) -> list[SourceFile]:
    """Decode every article under `path`; refuse the whole batch on the first bad file."""
    return read_corpus(path, max_bytes=max_bytes).files


def read_corpus(path: Path, *, max_bytes: int | None = None) -> Corpus:
    """`read_files`, with the files left out (links out of the folder, files over `max_bytes`,
    default: the `max_file_mb` setting's default)."""
    path = Path(path)
    root = path if path.is_dir() else path.parent
    articles, skipped = _scan(path, _max_bytes(max_bytes))
    read = [(p.is_symlink(), read_file(p, p.relative_to(root).as_posix())) for p in articles]
    # An exact copy (or a link to a file of the corpus) is read once: two would each lose every
    # line as "repeated across articles". The file itself is kept rather than a link to it.
    keeper = {}
    for _, f in sorted(read, key=lambda lf: lf[0]):
        keeper.setdefault(f.sha256, f.doc_id)
    for _, f in read:
        if keeper[f.sha256] != f.doc_id:
            skipped[f.doc_id] = f"the same bytes as {keeper[f.sha256]}"
    return Corpus([f for _, f in read if keeper[f.sha256] == f.doc_id], dict(sorted(skipped.items())))


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is None:
        from .config import Config

        max_bytes = int(Config.max_file_mb * 1_000_000)
    if max_bytes <= 0:
        raise ConfigError(f"max_file_mb must be above 0, not {max_bytes / 1_000_000:g}")
    return max_bytes


def _scan(path: Path, max_bytes: int) -> tuple[list[Path], dict[str, str]]:
    """(article files to read, {doc_id: why another article file is left out})."""
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if path.is_file():  # named by the user: read wherever a link leads
        candidates, root = [path], path.parent
    else:
        candidates, root = _walk(path), path
    real_root = root.resolve()
    articles, skipped = [], {}
    for p in candidates:
        if p.suffix.lower() not in SUFFIXES and not (p.is_symlink() and p.is_dir()):
            continue
        why = _leaves(p, real_root) if p is not path else None
        if why is None and not _printable_name(p.relative_to(root).as_posix()):
            why = "a file name that is not valid UTF-8 or holds control characters: rename it"
        if why is None and p.is_file() and p.stat().st_size > max_bytes:
            why = (f"{p.stat().st_size / 1_000_000:.3g} MB, over the {max_bytes / 1_000_000:g} MB limit "
                   f"(the max_file_mb setting, RAG_MAX_FILE_MB)")
        if why:
            skipped[p.relative_to(root).as_posix()] = why
        elif p.is_file():
            articles.append(p)
    if not articles:
        kinds = ", ".join(sorted(SUFFIXES))
        left_out = "".join(f"; {doc_id} left out: {why}" for doc_id, why in list(skipped.items())[:3])
        raise InputError(f"no articles ({kinds}) found in {path}{left_out}")
    return articles, skipped


def _walk(folder: Path) -> list[Path]:
    """Every file and link under `folder` outside hidden folders, sorted. Links to folders are
    listed but not entered: a target inside the corpus is walked anyway, one outside is reported."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):  # followlinks=False
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [here / d for d in dirnames if (here / d).is_symlink()]
        found += [here / f for f in filenames if not f.startswith(".")]
    return sorted(found)


def _leaves(p: Path, real_root: Path) -> str | None:
    """Why `p`, found in the corpus folder, must not be read: a link that leads out of the
    folder (`passwd.txt -> /etc/passwd`) or nowhere. None for a plain file or a link that stays
    inside (followed, as a copy would be)."""
    if not p.is_symlink():
        return None  # `_walk` enters no linked folder, so a plain file is inside the corpus
    try:
        target = p.resolve(strict=True)
    except (OSError, RuntimeError):  # broken, or a loop
        return "a link that leads nowhere"
    if not target.is_relative_to(real_root):
        return f"a link to {target}, outside the corpus folder: not followed"
    return None


def _printable_name(name: str) -> bool:
    """Can the name be written to the index (UTF-8) and printed as it is (no control characters)?"""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a byte that is not UTF-8, kept by the file system's surrogateescape
        return False
    return not (_CONTROL.search(name) or _BREAKS.search(name))


# Terminal control sequences (colours, window titles, screen clears) and the other control
# characters: an article is data, and must not drive the terminal it is printed on.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1f\x85]")  # control characters that are whitespace: page, record breaks


def inert(text: str) -> str:
    r"""`text` without terminal control sequences or control characters; those that are whitespace
    (a form feed, NEL) become line breaks.

    >>> inert("Quokkas \x1b[31mred\x1b[0m on \x1b]0;PWNED\x07Rottnest\x08\x08.\x0cNext page.")
    'Quokkas red on Rottnest.\nNext page.'
    """
    return _BREAKS.sub("\n", _CONTROL.sub("", _ESCAPES.sub("", text)))


def read_file(path: Path, doc_id: str) -> SourceFile:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    text, note = decode(raw, path)
    text = inert(text)
    sha = hashlib.sha256(raw).hexdigest()
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "html":
        return _from_html(text, doc_id, sha, path, note)
    meta: dict[str, str] = {}
    if kind == "markdown" or _looks_markdown(text):
        text, meta = _front_matter(text)
        text = _strip_markdown(text)
    date = meta.get("date", "")[:10]
    url = next((meta[k] for k in ("url", "link", "canonical", "canonical_url") if meta.get(k, "").startswith("http")), None)
    return SourceFile(doc_id, tuple(text.splitlines()), sha, title=meta.get("title") or None, url=url,
                      date=date if is_day(date) else None, note=note)


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Markdown's YAML front matter (Jekyll, Hugo) -> (the text after it, its top-level `key: value`s).
    Only plain values are read (title, date, url): the block is metadata, not article text.

    >>> _front_matter('---\\ntitle: "Pelicans return"\\ndate: 2024-05-02T09:00:00Z\\ntags: [a, b]\\n---\\nBody.')
    ('Body.', {'title': 'Pelicans return', 'date': '2024-05-02T09:00:00Z', 'tags': '[a, b]'})
    """
    m = _FRONT.match(text)
    if not m:
        return text, {}
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key[:1].isspace() and not key.startswith("-"):
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return text[m.end():], meta


_BOMS = (  # longest first: the UTF-32-LE mark begins with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes kept by errors="surrogateescape"
_DECODED_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def decode(raw: bytes, path: Path | str = "the file") -> tuple[str, str | None]:
    r"""Bytes -> (text, a note on how they were decoded, or None for plain UTF-8).

    >>> decode("Boštjan".encode() + b" \xff")
    ('Boštjan �', '1 byte that is not UTF-8 replaced by U+FFFD (line 1)')
    >>> decode(b"Caf\xe9")
    ('Café', 'not UTF-8: decoded as Windows-1252')
    >>> decode("Nešić".encode("utf-16"))
    ('Nešić', 'UTF-16 (byte-order mark)')
    """
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            return _unicode(raw, codec, f"{name} (byte-order mark)")
    utf16 = _bomless_utf16(raw)
    if utf16:
        return _unicode(raw, utf16, f"{utf16.upper()} without a byte-order mark")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path} is a binary file, not an article")
    text = raw.decode("utf-8-sig", errors="surrogateescape")  # a bad byte b -> U+DC00 + b
    bad = _UNDECODED.findall(text)
    if not bad:
        return text, None
    # Mostly UTF-8 (at least as many well-formed non-ASCII characters as bad bytes): a stray byte
    # or a cut character, not another encoding, so the rest stays UTF-8 ("Boštjan", not "BoÅ¡tjan").
    if len(_DECODED_NON_ASCII.findall(text)) >= len(bad):
        line = text.count("\n", 0, _UNDECODED.search(text).start()) + 1
        n = len(bad)
        note = f"{n} byte{'s' if n > 1 else ''} that {'are' if n > 1 else 'is'} not UTF-8 replaced by U+FFFD (line {line})"
        return _UNDECODED.sub("\ufffd", text), note
    try:
        return raw.decode("cp1252"), "not UTF-8: decoded as Windows-1252"  # old news exports
    except UnicodeDecodeError:  # a binary file rarely decodes cleanly as either
        raise InputError(f"{path} is not UTF-8 text") from None


def _unicode(raw: bytes, codec: str, note: str) -> tuple[str, str]:
    """UTF-16 or UTF-32 -> text; bytes that do not decode (an odd last byte) become U+FFFD."""
    try:
        return raw.decode(codec), note
    except UnicodeDecodeError as err:
        text = raw.decode(codec, errors="replace")
        line = raw[: err.start].decode(codec, errors="replace").count("\n") + 1
        return text, f"{note}; bytes that are not {codec.split('-')[0].upper()}-{codec.split('-')[1]} replaced by U+FFFD (from line {line})"


def _bomless_utf16(raw: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the first bytes are clearly text of that kind (every other
    byte zero, as Latin text is, and all of it printable), else None."""
    head = raw[:4096]
    if len(head) < 8 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.7 * len(odd) and not even.count(0):
        codec = "utf-16-le"
    elif even.count(0) >= 0.7 * len(even) and not odd.count(0):
        codec = "utf-16-be"
    else:
        return None
    text = head.decode(codec, errors="replace")
    return codec if all(ch.isprintable() or ch in "\t\n\r\f" for ch in text) else None


_TEMPLATE = re.compile(r"<template\b[^>]*>.*?</template\s*>", re.S | re.I)


def _from_html(html: str, doc_id: str, sha: str, path: Path, note: str | None = None) -> SourceFile:
    """HTML -> main text with trafilatura, which drops navigation, footers and ads."""
    import trafilatura

    html = _TEMPLATE.sub("", html)  # never shown by a browser, but trafilatura keeps its text
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
        note=note,
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
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.M)  # a block quote's marker
    text = re.sub(r"^[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+(?=.*\w)", "", text, flags=re.M)  # a list item's
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url) -> text
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)  # <url> -> url
    while True:  # nested emphasis ("***a** b*") unwraps one layer per pass
        unwrapped = re.sub(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1", r"\2", text)
        if unwrapped == text:
            break
        text = unwrapped
    text = re.sub(r"\*{2,3}(?=\S)|(?<=\S)\*{2,3}", "", text)  # unbalanced leftovers
    return text
