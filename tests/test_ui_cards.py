"""ui.cards: source cards and chat Markdown from hand-made Answers (no model, no gradio)."""

from __future__ import annotations

from rag.types import Answer, Chunk, Citation, Document, Passage
from ui import cards

TEXT = "First sentence here. The cited one <b>sits</b> here. Last one."
START = TEXT.index("The cited")
END = TEXT.index(" Last")


def cite(**kw) -> Citation:
    base = dict(n=1, source="a.txt", title="Head", snippet=TEXT[START:END], score=0.5, start=START, end=END, chunk_id=7)
    return Citation(**{**base, **kw})


def passage() -> Passage:
    return Passage(Chunk(7, "a.txt", "Head", TEXT, 0, len(TEXT), 12), 1.0, date="2018-07-06")


def test_card_marks_the_cited_sentence_inside_its_passage():
    html = cards.card(cite(), 2, [passage()], Document("a.txt", "Head", TEXT))
    assert 'id="src-2-1"' in html and 'data-source="a.txt"' in html
    assert "First sentence here. <mark>The cited one &lt;b&gt;sits&lt;/b&gt; here.</mark> Last one." in html
    assert '<span class="src-date">2018-07-06</span>' in html  # the passage's date
    assert "<details" in html and "Whole article (10 words)" in html


def test_card_without_its_passage_marks_the_snippet_in_the_document():
    html = cards.card(cite(chunk_id=99), 1, [], Document("a.txt", "Head", TEXT, date="2020-01-02"))
    assert "<mark>The cited one &lt;b&gt;sits&lt;/b&gt; here.</mark>" in html and "2020-01-02" in html


def test_card_with_offsets_off_the_snippet_shows_the_snippet_alone():
    html = cards.card(cite(chunk_id=99, start=0, end=5), 1, [], None)
    assert '<blockquote class="src-passage"><mark>The cited one &lt;b&gt;sits&lt;/b&gt; here.</mark></blockquote>' in html


def test_long_passage_is_cut_around_the_cited_sentence_at_spaces():
    words = " ".join(f"w{i}" for i in range(1000))
    text = words + " Cited sentence. " + words
    s = text.index("Cited")
    c = cite(snippet="Cited sentence.", start=s, end=s + len("Cited sentence."), chunk_id=1)
    html = cards.passage_html(c, [Passage(Chunk(1, "a.txt", "H", text, 0, len(text), 9), 1.0)], text)
    assert html.startswith("…w") and html.endswith("…") and "<mark>Cited sentence.</mark>" in html
    assert len(html) < cards.PASSAGE_CHARS + 40


def test_only_http_urls_link_and_they_are_escaped():
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "https:///nohost"):
        assert cards.safe_url(bad) is None
    html = cards.card(cite(url='https://x/a"><script>'), 1)
    assert 'href="https://x/a&quot;&gt;&lt;script&gt;"' in html and "<script>" not in html


def test_answer_markers_link_to_their_turns_cards_and_text_stays_literal():
    md = cards.answer_markdown("See *this* [1] and [2] and [9].", 4, [1, 2])
    assert md == "See \\*this\\* [\\[1\\]](#src-4-1) and [\\[2\\]](#src-4-2) and \\[9\\]."


def test_markdown_escape_defuses_links_images_html_and_bare_urls():
    md = cards.md_escape("![i](http://e/x.png) [a](javascript:x) <img src=x> see https://e.org/p")
    assert "\\!\\[i\\]\\(http" in md and "\\<img" in md  # every sign that would make markup is escaped
    assert "https://" not in md  # a bare URL is not turned into a link
    assert md.replace("\\", "").replace("\u2060", "") == "![i](http://e/x.png) [a](javascript:x) <img src=x> see https://e.org/p"


def test_abstained_answer_has_no_cards_and_no_footer():
    a = Answer("q", "The articles do not contain an answer to this question.", [], True)
    assert cards.sources_html(a) == cards.ABSTAINED and cards.sources_footer(a) == ""


def test_a_document_whose_text_moved_is_not_marked_with_stale_offsets():
    moved = Document("a.txt", "Head", "A new first line. " + TEXT)
    html = cards.card(cite(), 1, [passage()], moved)
    assert "<details" not in html and "<mark>The cited one &lt;b&gt;sits&lt;/b&gt; here.</mark>" in html
