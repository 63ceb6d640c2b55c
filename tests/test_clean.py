"""Tests for rag.clean: on the real seeds (exact titles, exact removed lines, nothing of the story
lost) and on small synthetic articles for each rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.clean import clean
from rag.load import SourceFile, read_file, read_files

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TITLES = {
    "000_19e16c48e833ded7.txt": "Cerar reaffirms determination to stop illegal migration",
    "001_fe7c03c2246f783b.txt": "PM Cerar in Brussels at an informal meeting of EU leaders on migration and asylum policy",
    "002_a1e78b8bb14fba1b.txt": "Joint action crucial for successful response to the increase in migration flows along the Western Balkan route",
    "003_d7e33aac75d08225.txt": "Balkan States Vow Joint Action to Tackle Migrant Crisis",
    "004_f03de0d0d879d911.txt": "Slovenian and Bosnian ministers discuss the migration situation in the Western Balkans",
}

SOURCE_003 = "http://www.balkaninsight.com/en/article/countries-of-the-region-to-work-jointly-on-migrant-crisis-06-07-2018"

# The boilerplate lines of each seed, written out by hand from the raw files (after the
# Markdown of 003 is stripped). Everything else is the story and must survive cleaning.
BOILERPLATE = {
    "000_19e16c48e833ded7.txt": [],
    "001_fe7c03c2246f783b.txt": ["Skip to main content »"],
    "002_a1e78b8bb14fba1b.txt": [],
    "003_d7e33aac75d08225.txt": [
        "Ministers at the conference in Sarajevo Photo: Anadolu",
        "Read more:",
        "‘New Balkan Route’ for Migrants, Refugees Causes Alarm",
        "Bosnia Deploys Police to Border to Stop Migrants",
        "Arctic Weather Freezes Migrant Flow Across Bosnia",
        "---",
        f"Source: {SOURCE_003}",
        "[Disclaimer]",
    ],
    "004_f03de0d0d879d911.txt": [
        "Skip to main content",
        "Public statement after the bilateral meeting of Ministers Poklukar and Nešić. | Author Ministrstvo za notranje zadeve",
        "1 / 3",
        "Public statement after the bilateral meeting of Ministers Poklukar and Nešić. They stand in the hall, each behind their lectern. Behind them is a blue banner and flags.",
    ],
}


@pytest.fixture(scope="module")
def seeds():
    return {d.doc_id: d for d in clean(read_files(SEEDS))}


def test_seed_titles(seeds) -> None:
    assert {k: d.title for k, d in seeds.items()} == TITLES


def test_removed_lines_001(seeds) -> None:
    assert seeds["001_fe7c03c2246f783b.txt"].removed == ("navigation: Skip to main content »",)


def test_removed_lines_003(seeds) -> None:
    b = BOILERPLATE["003_d7e33aac75d08225.txt"]
    assert seeds["003_d7e33aac75d08225.txt"].removed == (
        f"photo credit: {b[0]}",
        f"read more: {b[1]}",
        f"read more: {b[2]}",
        f"read more: {b[3]}",
        f"read more: {b[4]}",
        f"rule: {b[5]}",
        f"source line: {b[6]}",
        f"disclaimer: {b[7]}",
    )


def test_removed_lines_004(seeds) -> None:
    b = BOILERPLATE["004_f03de0d0d879d911.txt"]
    assert seeds["004_f03de0d0d879d911.txt"].removed == (
        f"navigation: {b[0]}",
        f"caption credit: {b[1]}",
        f"slide counter: {b[2]}",
        f"caption: {b[3]}",
    )


def test_nothing_removed_from_clean_seeds(seeds) -> None:
    assert seeds["000_19e16c48e833ded7.txt"].removed == ()
    assert seeds["002_a1e78b8bb14fba1b.txt"].removed == ()


@pytest.mark.parametrize("junk", ["Skip to main content", "[Disclaimer]", "Read more", "Photo:", "| Author", "1 / 3", "**", "<http"])
def test_no_boilerplate_left_in_any_seed(seeds, junk: str) -> None:
    for doc in seeds.values():
        assert junk not in doc.text, doc.doc_id
        assert junk not in doc.title, doc.doc_id


@pytest.mark.parametrize("doc_id", sorted(TITLES))
def test_nothing_of_the_story_is_lost(seeds, doc_id: str) -> None:
    """The cleaned text is exactly the raw lines minus blank lines, the headline and boilerplate."""
    raw = [line.strip() for line in read_file(SEEDS / doc_id, doc_id).lines]
    story = [l for l in raw if l and l != TITLES[doc_id] and l not in BOILERPLATE[doc_id]]
    assert len(story) >= 3
    assert seeds[doc_id].text.split("\n") == story
    assert seeds[doc_id].title in raw


def test_seed_003_url_and_date(seeds) -> None:
    doc = seeds["003_d7e33aac75d08225.txt"]
    assert doc.url == SOURCE_003
    assert doc.date == "2018-07-06"


def test_seeds_without_source_have_no_url_or_date(seeds) -> None:
    for doc_id in ("000_19e16c48e833ded7.txt", "001_fe7c03c2246f783b.txt", "004_f03de0d0d879d911.txt"):
        assert (seeds[doc_id].url, seeds[doc_id].date) == (None, None)


# --- synthetic cases ------------------------------------------------------------------------


def _src(doc_id: str, *lines: str, **meta) -> SourceFile:
    return SourceFile(doc_id, lines, "0", **meta)


def test_first_line_is_the_title_and_blank_lines_go() -> None:
    (doc,) = clean([_src("a.txt", "", "  Headline  ", "", "First paragraph.", "  Second paragraph.  ")])
    assert doc.title == "Headline"
    assert doc.text == "First paragraph.\nSecond paragraph."
    assert doc.removed == ()


def test_article_of_boilerplate_only_is_titled_by_its_file_name() -> None:
    (doc,) = clean([_src("a.txt", "Skip to main content", "1 / 3")])
    assert (doc.title, doc.text) == ("a.txt", "")


def test_line_repeated_across_two_articles_is_removed_from_both() -> None:
    a = _src("a.txt", "Headline A", "Follow us on Twitter", "Story of A.")
    b = _src("b.txt", "Headline B", "Story of B.", "follow  us on TWITTER")
    da, db = clean([a, b])
    assert (da.text, db.text) == ("Story of A.", "Story of B.")
    assert da.removed == ("repeated across articles: Follow us on Twitter",)
    assert db.removed == ("repeated across articles: follow  us on TWITTER",)


def test_line_repeated_within_one_article_only_is_kept() -> None:
    (doc,) = clean([_src("a.txt", "Headline", "He said no.", "Story.", "He said no.")])
    assert doc.text == "He said no.\nStory.\nHe said no."


def test_long_line_shared_by_two_articles_is_kept() -> None:
    shared = "The ministers agreed to create a joint database of migrants compatible with European systems."
    da, db = clean([_src("a.txt", "A", shared), _src("b.txt", "B", shared)])
    assert (da.text, db.text) == (shared, shared)


def test_identical_headlines_are_not_boilerplate() -> None:
    da, db = clean([_src("a.txt", "Same headline", "Story A."), _src("b.txt", "Same headline", "Story B.")])
    assert (da.title, db.title) == ("Same headline", "Same headline")


def test_read_more_list_ends_at_the_first_prose_line() -> None:
    (doc,) = clean(
        [
            _src(
                "a.txt",
                "Headline",
                "Body one.",
                "Related articles",
                "Bosnia Deploys Police to Border",
                "Arctic Weather Freezes Migrant Flow",
                "The talks continue next week in Ljubljana.",
                "Final short line",
            )
        ]
    )
    assert doc.text == "Body one.\nThe talks continue next week in Ljubljana.\nFinal short line"
    assert doc.removed == (
        "read more: Related articles",
        "read more: Bosnia Deploys Police to Border",
        "read more: Arctic Weather Freezes Migrant Flow",
    )


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Skip to content", "navigation"),
        ("Disclaimer", "disclaimer"),
        ("12 / 40", "slide counter"),
        ("* * *", "rule"),
        ("Refugees at the border. Photo: Reuters", "photo credit"),
        ("Refugees at the border | Source: AP", "caption credit"),
        ("Share this article", "share bar"),
        ("Tweet", "share bar"),
    ],
)
def test_line_rules(line: str, rule: str) -> None:
    (doc,) = clean([_src("a.txt", "Headline", "Story.", line)])
    assert doc.text == "Story."
    assert doc.removed == (f"{rule}: {line}",)


@pytest.mark.parametrize(
    "line",
    [
        "The photographer took a picture of the border.",
        "Share prices fell as 2 / 3 of traders left.",
        "Disclaimers were issued by the ministry.",
    ],
)
def test_prose_resembling_boilerplate_is_kept(line: str) -> None:
    (doc,) = clean([_src("a.txt", "Headline", line)])
    assert (doc.text, doc.removed) == (line, ())


@pytest.mark.parametrize(
    "url, date",
    [
        ("https://www.example.com/news/2019-03-15/story", "2019-03-15"),
        ("http://www.balkaninsight.com/en/article/a-b-06-07-2018", "2018-07-06"),
        ("https://example.com/story-13-13-2018", None),  # month 13: not a date
        ("https://example.com/story", None),
    ],
)
def test_source_line_gives_url_and_date(url: str, date: str | None) -> None:
    (doc,) = clean([_src("a.txt", "Headline", "Story.", f"Source: {url}")])
    assert (doc.url, doc.date, doc.text) == (url, date, "Story.")
    assert doc.removed == (f"source line: Source: {url}",)


def test_metadata_from_html_wins_over_source_line() -> None:
    f = _src("a.html", "Story.", "Source: https://other.org/2001-01-01/x", title="Meta title", url="https://meta.org/a", date="2020-02-02")
    (doc,) = clean([f])
    assert (doc.title, doc.url, doc.date, doc.text) == ("Meta title", "https://meta.org/a", "2020-02-02", "Story.")


def test_alt_text_echo_before_a_credited_caption_is_dropped() -> None:
    (doc,) = clean(
        [
            _src(
                "a.txt",
                "Headline",
                "Story.",
                "Ministers at the press conference. They smile.",
                "Ministers at the press conference. | Author Government Office",
            )
        ]
    )
    assert doc.text == "Story."
    assert doc.removed == (
        "caption credit: Ministers at the press conference. | Author Government Office",
        "caption: Ministers at the press conference. They smile.",
    )


def test_html_headline_is_not_repeated_in_the_body(tmp_path) -> None:
    paragraphs = [
        "Security ministers from the Balkans agreed at a meeting in Sarajevo on Thursday to create "
        "a database compatible with similar systems in Europe in order to track migrants.",
        "Bosnia has faced a migrant crisis that peaked in late May after almost 5,000 illegal "
        "entries were registered since the beginning of the year.",
    ]
    html = (
        "<html><head><title>Ministers agree on joint migrant database</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/politics">Politics</a></nav><article>'
        "<h1>Ministers agree on joint migrant database</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><footer>Copyright 2018 Balkan News</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    (doc,) = clean(read_files(tmp_path))
    assert doc.title == "Ministers agree on joint migrant database"
    assert doc.text == "\n".join(paragraphs)


def test_source_line_after_a_read_more_list_still_gives_the_url() -> None:
    url = "https://www.example.com/news/2019-03-15/story"
    (doc,) = clean([_src("a.txt", "Headline", "Story.", "Read more:", "Another headline", f"Source: {url}")])
    assert (doc.url, doc.date, doc.text) == (url, "2019-03-15", "Story.")
    assert doc.removed == (
        "read more: Read more:",
        "read more: Another headline",
        f"source line: Source: {url}",
    )


def test_a_wire_dateline_becomes_the_articles_date_not_its_first_words():
    lines = ("Ship refloated", "SALTMERE, England, March 14, 2025 (Wire) - Salvage crews refloated the ship on Friday.",
             "It had grounded on Monday, March 10.")
    (doc,) = clean([SourceFile("a.txt", lines, "0")])
    assert doc.text.startswith("Salvage crews refloated the ship on Friday.")
    assert doc.date == "2025-03-14"
    assert doc.removed == ("dateline: SALTMERE, England, March 14, 2025 (Wire) -",)
    # no year, no date; the rest of the text is untouched
    (doc,) = clean([SourceFile("b.txt", ("T", "BRUSSELS, Oct 5 (Reuters) - Ministers met."), "0")])
    assert (doc.text, doc.date) == ("Ministers met.", None)


@pytest.mark.parametrize("first", [
    "NATO - the alliance met in Vilnius.",  # capitals and a dash, nothing else of a dateline
    "US, UK - talks held in Geneva.",
    "The WHO said on Monday - in a statement - that cases rose.",
    "Later, in PARIS (France) - no: a dateline opens the paragraph.",
])
def test_text_that_only_looks_like_a_dateline_stays(first):
    (doc,) = clean([SourceFile("a.txt", ("T", first), "0")])
    assert doc.text == first and doc.removed == ()
