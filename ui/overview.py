"""A loaded rag Index -> what the window says about it: a status line, example questions, and the
articles a question can be limited to. Pure functions of the index: no gradio.

Example questions follow one rule for any corpus, never text written for the seeds: an article's
headline becomes "What do the articles say about “<headline>”?", newest articles first.

>>> example_question("Ministers meet in Sarajevo")
'What do the articles say about “Ministers meet in Sarajevo”?'
"""

from __future__ import annotations

import html

HEADLINE_CHARS = 70  # a longer headline is cut (at a space) so its example button stays one line


def example_question(headline: str) -> str:
    """One article's headline as a question about it."""
    headline = " ".join(headline.split())
    if len(headline) > HEADLINE_CHARS:
        headline = headline[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…"
    return f"What do the articles say about “{headline}”?"


def _newest_first(documents) -> list:
    """Dated articles newest first, then the rest in file-name order."""
    docs = sorted(documents.values(), key=lambda d: d.doc_id)
    return sorted(docs, key=lambda d: d.date or "", reverse=True)


def examples(documents, n: int = 4) -> list[str]:
    """Up to `n` example questions, one per article with a headline."""
    out = []
    for d in _newest_first(documents):
        if d.title and d.title.strip() and len(out) < n:
            q = example_question(d.title)
            if q not in out:
                out.append(q)
    return out


def article_choices(documents) -> list[tuple[str, str]]:
    """(label, file name) for the article filter: the headline, its date and its file."""
    choices = []
    for d in sorted(documents.values(), key=lambda d: d.doc_id):
        title = " ".join((d.title or "").split()) or "(no headline)"
        date = f", {d.date}" if d.date else ""
        choices.append((f"{title[:80]} ({d.doc_id}{date})", d.doc_id))
    return choices


def counted(n, word: str) -> str:
    """'1 article', '5 articles'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def status_line(manifest: dict) -> str:
    """One line of plain text: articles, chunks, embedding model and when the index was built."""
    counts = manifest.get("counts", {})
    model = manifest.get("model", {}).get("id") or manifest.get("settings", {}).get("model", "?")
    built = str(manifest.get("created", "?")).replace("T", " ").replace("+00:00", " UTC")
    return (
        f"{counted(counts.get('documents', '?'), 'article')} · {counted(counts.get('chunks', '?'), 'chunk')} · "
        f"embeddings: {str(model).rsplit('/', 1)[-1]} · built {built}"
    )


def status_html(manifest: dict | None, problem: str | None = None) -> str:
    """The status line as escaped HTML; `problem` (no index yet, a damaged one) replaces it."""
    if problem:
        return f'<p class="status status-problem">⚠ {html.escape(problem)}</p>'
    return f'<p class="status">Index: {html.escape(status_line(manifest or {}))}</p>'
