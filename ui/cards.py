"""A rag.Answer -> the HTML of its source cards and the Markdown of its chat message. Pure strings.

Every value taken from an article (headline, text, file name, URL, date) is escaped: an article
holding `<script>`, HTML or Markdown links stays text. Card ids carry the turn number, so the
`[n]` link of an earlier answer can never land on a newer answer's card:

>>> card_id(3, 1)
'src-3-1'
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlparse

# Scoped to the sources panel by gr.HTML(css_template=...). Theme variables keep dark mode readable.
CARDS_CSS = """
.sources-title { font-weight: 600; font-size: var(--text-lg); margin: 0 0 10px 0; }
.sources-empty { color: var(--body-text-color-subdued); line-height: 1.5; margin: 0; }
.src-card {
  border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  margin-bottom: 10px; background: var(--background-fill-secondary); scroll-margin-top: 8px;
}
.src-card.flash { outline: 3px solid var(--color-accent); }
.src-head { display: flex; gap: 8px; align-items: baseline; }
.src-n {
  flex: none; min-width: 24px; text-align: center; border-radius: 6px; font-weight: 700;
  font-size: var(--text-sm); padding: 1px 6px; color: white; background: var(--color-accent);
}
.src-title { flex: 1; text-align: left; font-weight: 600; line-height: 1.35; color: var(--body-text-color); }
a.src-title { text-decoration: underline; text-underline-offset: 2px; }
.src-meta { font-size: var(--text-sm); color: var(--body-text-color-subdued); margin-top: 4px; }
.src-file { font-family: var(--font-mono); }
.src-passage {
  margin: 8px 0 6px 0; padding-left: 10px; border-left: 3px solid var(--border-color-accent);
  line-height: 1.45; color: var(--body-text-color); white-space: pre-wrap;
}
.src-passage mark, .src-article mark { background: #fde68a; color: #111; padding: 0 1px; border-radius: 2px; }
.src-article summary { cursor: pointer; font-size: var(--text-sm); color: var(--link-text-color); }
.src-article-text {
  white-space: pre-wrap; line-height: 1.45; max-height: 360px; overflow-y: auto; margin-top: 6px;
  padding: 6px 8px; border-radius: 6px; background: var(--background-fill-primary);
}
"""

EMPTY = (
    '<div class="sources-title">Sources</div>'
    '<p class="sources-empty">Ask a question: the articles behind the answer appear here, '
    "with the sentence it quotes highlighted in its passage.</p>"
)
PENDING = '<div class="sources-title">Sources</div><p class="sources-empty">Searching the articles…</p>'
ABSTAINED = (
    '<div class="sources-title">Sources</div>'
    '<p class="sources-empty">None: the articles do not answer this question.</p>'
)

PASSAGE_CHARS = 700  # a card shows this much of the passage around its cited sentence
ARTICLE_CHARS = 200_000  # the "whole article" view stops here (a news article is far shorter)
_URL_SAFE = ":/?#@!$&+,;=%-._~"  # what stays literal in a Markdown link target


def card_id(turn: int, n: int) -> str:
    """The HTML id of card `n` of answer number `turn`: what that answer's `[n]` links to."""
    return f"src-{int(turn)}-{int(n)}"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links become clickable; anything else (javascript:, data:, file:) is dropped."""
    if url and urlparse(url).scheme in ("http", "https") and urlparse(url).netloc:
        return url
    return None


def marked(text: str, start: int, end: int) -> str:
    """`text` escaped, with text[start:end] inside <mark> (clamped to the text)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end <= start:
        return html.escape(text)
    return f"{html.escape(text[:start])}<mark>{html.escape(text[start:end])}</mark>{html.escape(text[end:])}"


def passage_html(c, passages, doc_text: str | None) -> str:
    """The cited sentence highlighted inside its passage (the retrieved chunk, cut to a window)."""
    chunk = next((p.chunk for p in passages if p.chunk.chunk_id == c.chunk_id), None)
    if chunk is not None and chunk.start <= c.start and c.end <= chunk.end:
        text, base = chunk.text, chunk.start
    elif doc_text and c.end > c.start and doc_text[c.start : c.end] == c.snippet:
        text, base = doc_text, 0
    else:  # offsets that do not point at the snippet: show the snippet alone, all marked
        return f"<mark>{html.escape(c.snippet)}</mark>"
    s, e = c.start - base, c.end - base
    room = max(0, PASSAGE_CHARS - (e - s)) // 2
    lo, hi = max(0, s - room), min(len(text), e + room)
    lo = text.rfind(" ", 0, lo) + 1 if lo else 0  # cut at a space, never inside a word
    hi = (text.find(" ", hi) if text.find(" ", hi) != -1 else len(text)) if hi < len(text) else hi
    body = marked(text[lo:hi], s - lo, e - lo)
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")


def article_html(c, doc_text: str | None) -> str:
    """A closed <details> holding the whole cleaned article, the cited sentence marked."""
    if not doc_text:
        return ""
    text = doc_text[:ARTICLE_CHARS]
    cut = f"\n\n[… {len(doc_text) - ARTICLE_CHARS:,} more characters]" if len(doc_text) > ARTICLE_CHARS else ""
    words = len(doc_text.split())
    return (
        f'<details class="src-article"><summary>Whole article ({words:,} words)</summary>'
        f'<div class="src-article-text">{marked(text, c.start, c.end)}{html.escape(cut)}</div></details>'
    )


def card(c, turn: int = 0, passages=(), document=None) -> str:
    """One source card for a rag.Citation: number, headline (linked if it has a URL), file, date,
    the cited sentence highlighted in its passage, and the whole article behind a click."""
    title = html.escape(c.title or c.source)
    url = safe_url(c.url)
    head = (
        f'<a class="src-title" href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer nofollow">{title}</a>'
        if url
        else f'<span class="src-title">{title}</span>'
    )
    date = getattr(document, "date", None) or next(
        (p.date for p in passages if p.chunk.chunk_id == c.chunk_id and p.date), None
    )
    meta = f'<span class="src-file">{html.escape(c.source)}</span>'
    if date:
        meta += f' · <span class="src-date">{html.escape(str(date))}</span>'
    doc_text = getattr(document, "text", None)
    if doc_text is not None and doc_text[c.start : c.end] != c.snippet:
        doc_text = None  # another version of the article (rebuilt since): its offsets do not apply
    return (
        f'<div class="src-card" id="{card_id(turn, c.n)}" data-n="{int(c.n)}" '
        f'data-source="{html.escape(c.source, quote=True)}">'
        f'<div class="src-head"><span class="src-n">{int(c.n)}</span>{head}</div>'
        f'<div class="src-meta">{meta}</div>'
        f'<blockquote class="src-passage">{passage_html(c, passages, doc_text)}</blockquote>'
        f"{article_html(c, doc_text)}</div>"
    )


def sources_html(answer, turn: int = 0, documents=None) -> str:
    """The sources panel for a finished rag.Answer; `documents` maps file name -> rag.Document."""
    if answer.abstained or not answer.citations:
        return ABSTAINED
    documents = documents or {}
    cards = "".join(
        card(c, turn, answer.passages, documents.get(c.source)) for c in sorted(answer.citations, key=lambda c: c.n)
    )
    return f'<div class="sources-title">Sources</div>{cards}'


def answer_markdown(text: str, turn: int, numbers) -> str:
    """An answer's text as literal Markdown whose `[n]` markers link to their cards."""
    numbers = {int(n) for n in numbers}

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[\\[{n}\\]](#{card_id(turn, n)})" if n in numbers else m.group(0)

    return re.sub(r"\\\[(\d+)\\\]", link, md_escape(text))


def sources_footer(answer) -> str:
    """A compact Markdown line under the answer in the chat, so earlier turns keep their sources."""
    if answer.abstained or not answer.citations:
        return ""
    items = []
    for c in sorted(answer.citations, key=lambda c: c.n):
        name = md_escape(c.title or c.source)
        url = safe_url(c.url)
        # Inside Markdown's (...) a raw ")" or "<" would end the link and let HTML in:
        # every character that is not plain URL syntax is percent-encoded.
        label = f"[{name}]({quote(url, safe=_URL_SAFE)})" if url else name
        items.append(f"[{c.n}] {label} ({md_escape(c.source)})")
    return "\n\n<sub>Sources: " + " · ".join(items) + "</sub>"


def md_escape(text: str) -> str:
    """Article text shown as Markdown stays literal: a quoted * or # must not format, a quoted
    link or image must not become one, a bare URL must not be turned into a link."""
    text = "".join("\\" + ch if ch in "\\`*_[]()<>#|!~" else ch for ch in text)
    return re.sub(r"(?i)\b(https?|ftp|www)(:|\.)", lambda m: f"{m.group(1)}\u2060{m.group(2)}", text)
