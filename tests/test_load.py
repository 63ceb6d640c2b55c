"""Tests for rag.load: which files are articles, how they are decoded, and every InputError."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from rag.errors import InputError
from rag.load import _looks_markdown, _strip_markdown, find_files, read_file, read_files

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ministers agree on joint migrant database | Balkan News</title>
<meta property="og:title" content="Ministers agree on joint migrant database">
<meta property="article:published_time" content="2018-07-06T10:00:00Z">
<link rel="canonical" href="https://news.example.org/2018/07/06/joint-database">
</head>
<body>
<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/subscribe">Subscribe to our newsletter</a></li>
</ul></nav></header>
<main><article>
<h1>Ministers agree on joint migrant database</h1>
<p>Security ministers from the Balkans agreed at a meeting in Sarajevo on Thursday to create a database compatible with similar systems in Europe in order to track migrants.</p>
<p>The meeting was attended by representatives of most countries on the so-called Balkan Route, including Bosnia, Croatia, Serbia, Montenegro, Albania, Greece, Austria and Slovenia.</p>
<p>Bosnia has faced a migrant crisis that peaked in late May after almost 5,000 illegal entries were registered since the beginning of the year.</p>
</article></main>
<footer><p>Copyright 2018 Balkan News. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/contact">Contact us</a></li></ul></footer>
</body>
</html>
"""

PARAGRAPHS = (
    "Security ministers from the Balkans agreed at a meeting in Sarajevo on Thursday to create a "
    "database compatible with similar systems in Europe in order to track migrants.",
    "The meeting was attended by representatives of most countries on the so-called Balkan Route, "
    "including Bosnia, Croatia, Serbia, Montenegro, Albania, Greece, Austria and Slovenia.",
    "Bosnia has faced a migrant crisis that peaked in late May after almost 5,000 illegal entries "
    "were registered since the beginning of the year.",
)


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


# --- which files are articles ---------------------------------------------------------------


def test_reads_txt_md_html_with_relative_posix_ids(tmp_path) -> None:
    _write(tmp_path / "a.txt", "Headline A\nBody of A.\n")
    _write(tmp_path / "sub" / "b.md", "# Headline B\n\nBody of **B**.\n")
    _write(tmp_path / "sub" / "deeper" / "c.html", ARTICLE_HTML)
    files = read_files(tmp_path)
    assert [f.doc_id for f in files] == ["a.txt", "sub/b.md", "sub/deeper/c.html"]
    assert files[0].lines == ("Headline A", "Body of A.")
    assert files[0].title is None and files[0].url is None and files[0].date is None
    assert files[1].lines == ("Headline B", "", "Body of B.")
    assert files[0].sha256 == hashlib.sha256(b"Headline A\nBody of A.\n").hexdigest()


def test_hidden_files_and_unsupported_suffixes_are_ignored(tmp_path) -> None:
    _write(tmp_path / "keep.txt", "Headline\nBody.\n")
    _write(tmp_path / "KEEP2.TXT", "Headline\nBody.\n")
    _write(tmp_path / ".hidden.txt", "Headline\nBody.\n")
    _write(tmp_path / ".git" / "notes.txt", "Headline\nBody.\n")
    _write(tmp_path / "report.pdf", b"%PDF-1.4\x00\x01")
    _write(tmp_path / "data.json", "{}")
    _write(tmp_path / "README", "no suffix")
    assert [p.name for p in find_files(tmp_path)] == ["KEEP2.TXT", "keep.txt"]


def test_a_single_file_is_read_with_its_name_as_id(tmp_path) -> None:
    path = _write(tmp_path / "one.txt", "Headline\nBody.\n")
    (f,) = read_files(path)
    assert f.doc_id == "one.txt" and f.lines == ("Headline", "Body.")


def test_missing_path_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        read_files(tmp_path / "nowhere")


def test_folder_without_articles_is_an_input_error(tmp_path) -> None:
    _write(tmp_path / "image.png", b"\x89PNG")
    _write(tmp_path / ".hidden.txt", "Headline\nBody.\n")
    with pytest.raises(InputError, match="no articles"):
        read_files(tmp_path)
    with pytest.raises(InputError, match="no articles"):
        read_files(tmp_path / "image.png")


# --- decoding -------------------------------------------------------------------------------


def test_binary_file_is_an_input_error_naming_it(tmp_path) -> None:
    _write(tmp_path / "good.txt", "Headline\nBody.\n")
    _write(tmp_path / "bad.txt", b"Headline\n\x00\x01\x02binary")
    with pytest.raises(InputError, match=r"bad\.txt is a binary file"):
        read_files(tmp_path)


def test_utf8_bom_is_dropped(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "bom.txt", b"\xef\xbb\xbfHeadline\nBody.\n"))
    assert f.lines == ("Headline", "Body.")


def test_non_utf8_bytes_decode_as_cp1252(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "old.txt", b"Caf\xe9 \x93quoted\x94\nNe\x9ai\xe6 spoke.\n"))
    assert f.lines == ("Café “quoted”", "Nešiæ spoke.")


def test_bytes_neither_utf8_nor_cp1252_are_an_input_error(tmp_path) -> None:
    _write(tmp_path / "odd.txt", b"Headline \x81 and \xe9\n")  # 0x81 is undefined in cp1252
    with pytest.raises(InputError, match=r"odd\.txt is not UTF-8 text"):
        read_files(tmp_path)


def test_unreadable_file_is_an_input_error_naming_it(tmp_path) -> None:
    _write(tmp_path / "good.txt", "Headline\nBody.\n")
    bad = tmp_path / "bad.txt"
    if os.geteuid() == 0:  # root reads anything chmod forbids; /proc/self/mem fails with EIO
        bad.symlink_to("/proc/self/mem")
    else:
        _write(bad, "Headline\nBody.\n")
        bad.chmod(0)
    try:
        with pytest.raises(InputError, match=r"cannot read .*bad\.txt"):
            read_files(tmp_path)
    finally:
        if not bad.is_symlink():
            bad.chmod(0o644)


# --- HTML -----------------------------------------------------------------------------------


def test_html_keeps_the_article_and_drops_navigation_and_footer(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "page.html", ARTICLE_HTML))
    assert f.title == "Ministers agree on joint migrant database"
    assert f.url == "https://news.example.org/2018/07/06/joint-database"
    assert f.date == "2018-07-06"
    for paragraph in PARAGRAPHS:
        assert paragraph in f.lines
    text = "\n".join(f.lines)
    for chrome in ("Home", "Politics", "Subscribe", "Copyright", "Privacy policy", "Contact us", "Balkan News"):
        assert chrome not in text


def test_html_without_article_text_is_read_as_empty(tmp_path) -> None:
    """An empty page is not fatal: the build reports it as skipped (see test_build)."""
    _write(tmp_path / "empty.htm", "<html><head><title>Nothing</title></head><body></body></html>")
    (page,) = read_files(tmp_path)
    assert page.doc_id == "empty.htm" and page.lines == ()


# --- Markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown, plain",
    [
        ("# Title", "Title"),
        ("###### Deep heading", "Deep heading"),
        ("#hashtag stays", "#hashtag stays"),
        ("**Read more:**", "Read more:"),
        ("***‘New Balkan Route’ for Migrants***", "‘New Balkan Route’ for Migrants"),
        ("*one* and __two__", "one and two"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
        ("See [the report](http://x.org/r) now", "See the report now"),
        ("![a photo](img.png)", "a photo"),
        ("Source: <http://www.balkaninsight.com/en/a-06-07-2018>", "Source: http://www.balkaninsight.com/en/a-06-07-2018"),
        ("**unbalanced bold", "unbalanced bold"),
        ("Line one\n## Line two", "Line one\nLine two"),
    ],
)
def test_strip_markdown(markdown: str, plain: str) -> None:
    assert _strip_markdown(markdown) == plain


def test_strip_markdown_nested_emphasis() -> None:
    assert _strip_markdown("# Title\n***Read** this* <http://x.org> [a](http://y.org)") == (
        "Title\nRead this http://x.org a"
    )


def test_txt_that_is_markdown_in_disguise_is_stripped(tmp_path) -> None:
    text = "# Headline\n\nBody with **bold** words.\n\n---\n\nSource: <http://x.org/a>\n"
    assert _looks_markdown(text)
    (f,) = read_files(_write(tmp_path / "a.txt", text))
    assert f.lines == ("Headline", "", "Body with bold words.", "", "---", "", "Source: http://x.org/a")


def test_txt_with_a_single_markdown_hint_is_left_alone(tmp_path) -> None:
    text = "Headline\n# not a heading, one hint only\nBody with **stars**.\n"
    assert not _looks_markdown(text)
    (f,) = read_files(_write(tmp_path / "a.txt", text))
    assert f.lines == ("Headline", "# not a heading, one hint only", "Body with **stars**.")
