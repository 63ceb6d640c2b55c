"""ui.overview: status line, example questions and article choices from an index's contents."""

from __future__ import annotations

from rag.types import Document
from ui import overview

DOCS = {
    "b.txt": Document("b.txt", "Older   news", "x", date="2018-01-01"),
    "a.txt": Document("a.txt", "Undated news", "x"),
    "c.txt": Document("c.txt", "Newest <b>news</b>", "x", date="2020-05-05"),
}


def test_examples_are_headlines_as_questions_newest_first():
    assert overview.examples(DOCS, 2) == [
        "What do the articles say about “Newest <b>news</b>”?",
        "What do the articles say about “Older news”?",
    ]
    assert len(overview.examples(DOCS, 10)) == 3


def test_a_long_headline_is_cut_at_a_space():
    q = overview.example_question("word " * 40)
    assert q.endswith("word…”?") and len(q) < overview.HEADLINE_CHARS + 40


def test_article_choices_name_headline_file_and_date():
    assert overview.article_choices(DOCS)[1] == ("Older news (b.txt, 2018-01-01)", "b.txt")


def test_status_line_from_the_manifest_and_escaped_problems():
    manifest = {"counts": {"documents": 5, "chunks": 22}, "model": {"id": "sentence-transformers/all-MiniLM-L6-v2"},
                "created": "2026-11-27T03:55:39+00:00"}
    assert overview.status_line(manifest) == "5 articles · 22 chunks · embeddings: all-MiniLM-L6-v2 · built 2026-11-27 03:55:39 UTC"
    assert "&lt;x&gt;" in overview.status_html(None, "no index in <x>")
