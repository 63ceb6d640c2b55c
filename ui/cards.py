"""HTML and Markdown for an answer's sources. Pure string work: no gradio, no model.

Every value taken from an article is escaped, so a headline or snippet can never inject markup.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlparse

# Scoped to the sources panel by gr.HTML(css_template=...). Theme variables keep dark mode readable.
CARDS_CSS = """
.sources-title { font-weight: 600; font-size: var(--text-lg); margin: 0 0 10px 0; }
.sources-empty { color: var(--body-text-color-subdued); line-height: 1.5; margin: 0; }
.src-card {
  border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  margin-bottom: 10px; background: var(--background-fill-secondary);
}
.src-head { display: flex; gap: 8px; align-items: baseline; }
.src-n {
  flex: none; min-width: 24px; text-align: center; border-radius: 6px; font-weight: 700;
  font-size: var(--text-sm); padding: 1px 6px; color: white; background: var(--color-accent);
}
.src-title { flex: 1; text-align: left; font-weight: 600; line-height: 1.35; color: var(--body-text-color); }
a.src-title { text-decoration: underline; text-underline-offset: 2px; }
.src-snippet {
  margin: 8px 0 6px 0; padding-left: 10px; border-left: 3px solid var(--border-color-accent);
  font-style: italic; line-height: 1.45; color: var(--body-text-color);
}
.src-meta { font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.src-file { font-family: var(--font-mono); }
"""

EMPTY = (
    '<div class="sources-title">Sources</div>'
    '<p class="sources-empty">Ask a question: the articles behind the answer appear here, '
    "with the exact sentences it quotes.</p>"
)
PENDING = '<div class="sources-title">Sources</div><p class="sources-empty">Searching the articles…</p>'
ABSTAINED = (
    '<div class="sources-title">Sources</div>'
    '<p class="sources-empty">None: the articles do not answer this question.</p>'
)


_URL_SAFE = ":/?#@!$&+,;=%-._~"  # what stays literal in a Markdown link target


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links become clickable; anything else (javascript:, file:) is dropped."""
    if url and urlparse(url).scheme in ("http", "https"):
        return url
    return None


def card(c) -> str:
    """One source card for a rag.Citation: marker, headline (linked if it has a URL), snippet, file."""
    title = html.escape(c.title or c.source)
    url = _safe_url(c.url)
    head = (
        f'<a class="src-title" href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{title}</a>'
        if url
        else f'<span class="src-title">{title}</span>'
    )
    return (
        f'<div class="src-card" data-source="{html.escape(c.source, quote=True)}">'
        f'<div class="src-head"><span class="src-n">{int(c.n)}</span>{head}</div>'
        f'<blockquote class="src-snippet">{html.escape(c.snippet)}</blockquote>'
        f'<div class="src-meta"><span class="src-file">{html.escape(c.source)}</span>'
        f" · relevance {float(c.score):.2f}</div></div>"
    )


def sources_html(answer) -> str:
    """The sources panel for a finished rag.Answer."""
    if answer.abstained or not answer.citations:
        return ABSTAINED
    cards = "".join(card(c) for c in sorted(answer.citations, key=lambda c: c.n))
    return f'<div class="sources-title">Sources</div>{cards}'


def sources_footer(answer) -> str:
    """A compact Markdown line under the answer in the chat, so earlier turns keep their sources."""
    if answer.abstained or not answer.citations:
        return ""
    items = []
    for c in sorted(answer.citations, key=lambda c: c.n):
        name = md_escape(c.title or c.source)
        url = _safe_url(c.url)
        # Inside Markdown's (...) a raw ")" or "<" would end the link and let HTML in:
        # every character that is not plain URL syntax is percent-encoded.
        label = f"[{name}]({quote(url, safe=_URL_SAFE)})" if url else name
        items.append(f"[{c.n}] {label} ({md_escape(c.source)})")
    return "\n\n<sub>Sources: " + " · ".join(items) + "</sub>"


def md_escape(text: str) -> str:
    """Article text shown as Markdown stays literal: a quoted * or # must not format."""
    return "".join("\\" + ch if ch in "\\`*_[]()<>#|" else ch for ch in text)
