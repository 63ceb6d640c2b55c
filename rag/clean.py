"""SourceFiles -> Documents: headline, source URL and date pulled out, scraping boilerplate removed.

Each removed line is kept in `Document.removed` as "rule: line" so `rag index` can report it.

>>> [d.text for d in clean([SourceFile("a.txt", ("Title", "Skip to main content", "Body."), "0")])]
['Body.']
"""

from __future__ import annotations

import re
from collections import Counter

from .load import SourceFile
from .types import Document, is_day

# Whole-line patterns, each with the rule name shown in the report.
LINE_RULES = [
    ("navigation", re.compile(r"^skip to (main )?content\W*$", re.I)),
    ("disclaimer", re.compile(r"^\[?disclaimer\]?$", re.I)),
    ("slide counter", re.compile(r"^\d{1,3}\s*/\s*\d{1,3}$")),
    ("rule", re.compile(r"^([-*_=]\s*){3,}$")),
    ("photo credit", re.compile(r"^.{0,200}\b(photo|photograph|image|picture)\s*(:|by\b|credit)\s*\S.{0,60}$", re.I)),
    ("caption credit", re.compile(r"^.{0,400}\|\s*(author|photo|source|credit)\b.{0,80}$", re.I)),
    ("share bar", re.compile(r"^(share|tweet|print|email)( this( article)?)?\W*$", re.I)),
]
READ_MORE = re.compile(r"^(read more|related( articles)?|see also|more on this)\s*:?$", re.I)
SOURCE_LINE = re.compile(r"^(source|url|original)\s*:\s*(https?://\S+)\s*$", re.I)
URL = re.compile(r"https?://[^\s<>\"')\]]+")
# Dates as news URLs and datelines write them: 2018-07-06, 06-07-2018 (day first, as in the seeds).
ISO_DATE = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b")
DMY_DATE = re.compile(r"\b(\d\d)-(\d\d)-(20\d\d|19\d\d)\b")


# A wire story's dateline: the city in capitals, then a region, a date, the agency, a dash
# ("DARMSTADT, Germany, June 5, 2025 (Wire) - ", "NEW YORK (AP) — ", "BRUSSELS, Oct 5 (Reuters) - ").
# It says where and when the story was filed, not what happened then: left in the first sentence,
# its date made that sentence an answer to any "when" question. It needs a region, a date or an
# agency besides the capitals, so "NATO - the alliance ..." and "US, UK - talks ..." stay text.
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})"
    r"(?P<region>(?:,\s*[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})?)"
    r"(?:,\s*(?P<month>(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")[a-z]*\.?)\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>(?:19|20)\d\d))?)?"
    r"\s*(?P<agency>\([A-Z][\w .&/-]{0,30}\))?\s*[-–—]+\s+(?=\S)"
)


def dateline(line: str) -> tuple[str, str | None] | None:
    """The dateline a paragraph opens with and its date (YYYY-MM-DD, when it gives the year), or None.

    >>> dateline("SALTMERE, England, March 14, 2025 (Wire) - Salvage crews refloated the ship.")
    ('SALTMERE, England, March 14, 2025 (Wire) - ', '2025-03-14')
    >>> dateline("NEW YORK (AP) — Stocks fell."), dateline("NATO - the alliance met.")
    (('NEW YORK (AP) — ', None), None)
    """
    m = DATELINE.match(line)
    if not m or not (re.search("[a-z]", m["region"]) or m["month"] or m["agency"]):  # not "US, UK - "
        return None
    date = None
    if m["month"] and m["year"]:
        date = f"{m['year']}-{_MONTHS.index(m['month'][:3].lower()) + 1:02d}-{int(m['day']):02d}"
        date = date if is_day(date) else None
    return m.group(0), date


def clean(files: list[SourceFile]) -> list[Document]:
    """Clean a whole corpus at once: lines repeated across articles are boilerplate too."""
    repeated = _repeated_lines(files)
    return [_clean_one(f, repeated) for f in files]


def _norm(line: str) -> str:
    return " ".join(line.split()).casefold()


def _repeated_lines(files: list[SourceFile]) -> set[str]:
    """Short lines found in two or more articles: menus, footers, bylines of the site."""
    seen = Counter()
    for f in files:
        seen.update({_norm(l) for l in f.lines[1:] if 0 < len(l.split()) <= 12})
    return {line for line, n in seen.items() if n >= 2}


def _clean_one(f: SourceFile, repeated: set[str]) -> Document:
    lines = [l.strip() for l in f.lines]
    removed: list[str] = []
    url, title = f.url, f.title
    kept: list[str] = []
    in_read_more = False
    for line in lines:
        if not line:
            continue
        rule = None
        if m := SOURCE_LINE.match(line):
            url, rule = url or m.group(2), "source line"
        elif rule := _rule_for(line, repeated):
            pass
        elif READ_MORE.match(line):
            in_read_more, rule = True, "read more"
        elif in_read_more and len(line.split()) <= 15 and not line.endswith("."):
            rule = "read more"  # the linked headlines of a "Read more" list
        if rule:
            removed.append(f"{rule}: {line}")
            continue
        in_read_more = False
        if title is None:
            title = line  # the first real line of a text article is its headline
            continue
        if not kept and _norm(line) == _norm(title):
            removed.append(f"headline repeated: {line}")  # HTML pages repeat <title> as <h1>
            continue
        kept.append(line)
    kept = _drop_caption_echoes(kept, removed)
    filed = dateline(kept[0]) if kept else None
    if filed:
        removed.append(f"dateline: {filed[0].strip()}")
        kept[0] = kept[0][len(filed[0]):]
    body = "\n".join(kept)  # one paragraph per line
    return Document(
        doc_id=f.doc_id,
        title=title or f.doc_id,
        text=body,
        url=url,
        date=f.date or _date_from(url) or (filed[1] if filed else None),
        removed=tuple(removed),
    )


def _rule_for(line: str, repeated: set[str]) -> str | None:
    for name, pattern in LINE_RULES:
        if pattern.match(line):
            return name
    if _norm(line) in repeated:
        return "repeated across articles"
    return None


def _drop_caption_echoes(kept: list[str], removed: list[str]) -> list[str]:
    """A photo's alt text often stands just before its credited caption; drop that echo too."""
    captions = [
        r.split(": ", 1)[1].split("|")[0].strip() for r in removed if r.startswith("caption credit: ")
    ]
    out = []
    for line in kept:
        if any(line.startswith(c) or c.startswith(line) for c in captions if c):
            removed.append(f"caption: {line}")
            continue
        out.append(line)
    return out


def _date_from(url: str | None) -> str | None:
    if not url:
        return None
    if m := ISO_DATE.search(url):
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    if m := DMY_DATE.search(url):
        day, month, year = m.groups()
        if int(month) <= 12 and int(day) <= 31:
            return f"{year}-{month}-{day}"
    return None
