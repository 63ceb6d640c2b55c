"""Tests for rag.load: which files are articles, how they are decoded, and every InputError."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Config
from rag.errors import InputError
from rag.load import _looks_markdown, _max_bytes, _strip_markdown, decode, find_files, read_corpus, read_files

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
    # Every other byte zero, like UTF-16 without a byte-order mark, but control characters.
    _write(tmp_path / "bad.txt", b"".join(bytes([c, 0]) for c in range(1, 31)))
    with pytest.raises(InputError, match=r"bad\.txt is a binary file"):
        read_files(tmp_path)


def test_utf8_bom_is_dropped(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "bom.txt", b"\xef\xbb\xbfHeadline\nBody.\n"))
    assert f.lines == ("Headline", "Body.")


def test_non_utf8_bytes_decode_as_cp1252(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "old.txt", b"Caf\xe9 \x93quoted\x94\nNe\x9ai\xe6 spoke.\n"))
    assert f.lines == ("Café “quoted”", "Nešiæ spoke.") and f.note == "not UTF-8: decoded as Windows-1252"


def test_bytes_neither_utf8_nor_cp1252_are_an_input_error(tmp_path) -> None:
    _write(tmp_path / "odd.txt", b"Headline \x81 and \xe9\n")  # 0x81 is undefined in cp1252
    with pytest.raises(InputError, match=r"odd\.txt is not UTF-8 text"):
        read_files(tmp_path)


def test_unreadable_file_is_an_input_error_naming_it(tmp_path) -> None:
    _write(tmp_path / "good.txt", "Headline\nBody.\n")
    bad = _write(tmp_path / "bad.txt", "Headline\nBody.\n")
    bad.chmod(0)
    try:
        if os.geteuid() != 0:
            with pytest.raises(InputError, match=r"cannot read .*bad\.txt"):
                read_files(tmp_path)
            return
        # Root reads what chmod forbids: read in a child without the capabilities that allow it.
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) is not installed")
        code = f"from rag.load import read_files\ntry: read_files({str(tmp_path)!r})\nexcept Exception as e: print(type(e).__name__, e)"
        r = subprocess.run(
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-c", code],
            capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent,
        )
        assert r.stdout.startswith("InputError cannot read ") and "bad.txt: Permission denied" in r.stdout, r.stderr
    finally:
        bad.chmod(0o644)


def test_a_utf8_file_with_a_stray_byte_stays_utf8_and_says_so(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "a.txt", "Boštjan Poklukar\nHe said ".encode() + b"\xff hello.\n"))
    assert f.lines == ("Boštjan Poklukar", "He said \ufffd hello.")
    assert f.note == "1 byte that is not UTF-8 replaced by U+FFFD (line 2)"
    # A character cut short at the end of a file (a truncated download): the same.
    text, note = decode("Nešić said: “We agree.”".encode()[:-2])
    assert text == "Nešić said: “We agree.\ufffd" and note == "1 byte that is not UTF-8 replaced by U+FFFD (line 1)"
    text, note = decode("Nešić\nČerar\n".encode() + b"Ne\x9ai\xe6 and \x80.")  # cp1252 pasted into UTF-8
    assert text == "Nešić\nČerar\nNe\ufffdi\ufffd and \ufffd." and note == "3 bytes that are not UTF-8 replaced by U+FFFD (line 3)"


def test_plain_utf8_has_no_note(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "a.txt", "Boštjan Poklukar\nBody.\n"))
    assert f.lines == ("Boštjan Poklukar", "Body.") and f.note is None


@pytest.mark.parametrize(
    "codec, note",
    [
        ("utf-16", "UTF-16 (byte-order mark)"),  # the platform's order (little-endian here)
        ("utf-16-be-bom", "UTF-16 (byte-order mark)"),
        ("utf-32", "UTF-32 (byte-order mark)"),
        ("utf-16-le", "UTF-16-LE without a byte-order mark"),
        ("utf-16-be", "UTF-16-BE without a byte-order mark"),
    ],
)
def test_utf16_and_utf32_are_decoded_not_called_binary(tmp_path, codec, note) -> None:
    text = "Boštjan Poklukar hosted Nebojša Stefanović.\nThey agreed on a joint database.\n"
    raw = b"\xfe\xff" + text.encode("utf-16-be") if codec == "utf-16-be-bom" else text.encode(codec)
    (f,) = read_files(_write(tmp_path / "a.txt", raw))
    assert f.lines == tuple(text.splitlines()) and f.note == note
    assert f.sha256 == hashlib.sha256(raw).hexdigest()


def test_a_utf16_file_cut_at_an_odd_byte_is_decoded_with_a_note(tmp_path) -> None:
    raw = "Headline\nBody.\n".encode("utf-16") + b"A"
    (f,) = read_files(_write(tmp_path / "a.txt", raw))
    assert f.lines == ("Headline", "Body.", "\ufffd")
    assert f.note == "UTF-16 (byte-order mark); bytes that are not UTF-16 replaced by U+FFFD (from line 3)"


# --- links and sizes: a bad file is left out and reported, the rest is read -------------------


def test_a_link_out_of_the_corpus_is_not_followed_and_is_reported(tmp_path) -> None:
    secret = _write(tmp_path / "private" / "secret.txt", "Password list\nhunter2 is the password.\n")
    corpus = tmp_path / "corpus"
    _write(corpus / "good.txt", "Headline\nBody.\n")
    _write(corpus / "sub" / "real.txt", "Inside\nAn article inside the corpus.\n")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "secret.md").symlink_to(secret)
    (corpus / "sub" / "up.txt").symlink_to("../../private/secret.txt")  # relative, still outside
    (corpus / "archive").symlink_to(tmp_path / "private", target_is_directory=True)
    (corpus / "alias.txt").symlink_to("sub/real.txt")  # stays inside: followed
    (corpus / "gone.txt").symlink_to(corpus / "nowhere.txt")
    (corpus / "loop.txt").symlink_to("loop.txt")
    result = read_corpus(corpus)
    assert [f.doc_id for f in result.files] == ["good.txt", "sub/real.txt"]  # alias.txt: read once, as itself
    assert result.files[1].lines == ("Inside", "An article inside the corpus.")
    assert all("hunter2" not in line and "root:" not in line for f in result.files for line in f.lines)
    real = secret.resolve()
    assert result.skipped == {
        "alias.txt": "the same bytes as sub/real.txt",
        "archive": f"a link to {real.parent}, outside the corpus folder: not followed",
        "gone.txt": "a link that leads nowhere",
        "loop.txt": "a link that leads nowhere",
        "passwd.txt": f"a link to {Path('/etc/passwd').resolve()}, outside the corpus folder: not followed",
        "secret.md": f"a link to {real}, outside the corpus folder: not followed",
        "sub/up.txt": f"a link to {real}, outside the corpus folder: not followed",
    }
    assert [p.name for p in find_files(corpus)] == ["alias.txt", "good.txt", "real.txt"]


def test_a_corpus_reached_through_a_link_is_read(tmp_path) -> None:
    _write(tmp_path / "real" / "a.txt", "Headline\nBody.\n")
    (tmp_path / "real" / "b.txt").symlink_to("a.txt")
    (tmp_path / "news").symlink_to(tmp_path / "real", target_is_directory=True)
    result = read_corpus(tmp_path / "news")
    assert [f.doc_id for f in result.files] == ["a.txt"] and result.skipped == {"b.txt": "the same bytes as a.txt"}


def test_a_file_named_by_the_user_is_read_even_through_a_link(tmp_path) -> None:
    _write(tmp_path / "elsewhere" / "a.txt", "Headline\nBody.\n")
    (tmp_path / "corpus").mkdir()
    link = tmp_path / "corpus" / "a.txt"
    link.symlink_to(tmp_path / "elsewhere" / "a.txt")
    (f,) = read_files(link)
    assert f.doc_id == "a.txt" and f.lines == ("Headline", "Body.")


def test_a_file_over_the_size_limit_is_left_out_and_reported(tmp_path) -> None:
    _write(tmp_path / "small.txt", "Headline\nBody.\n")
    _write(tmp_path / "big.txt", "Headline\n" + "Word " * 1000)
    result = read_corpus(tmp_path, max_bytes=2_000)
    assert [f.doc_id for f in result.files] == ["small.txt"]
    assert result.skipped == {"big.txt": "0.00501 MB, over the 0.002 MB limit (the max_file_mb setting, RAG_MAX_FILE_MB)"}
    with pytest.raises(InputError, match=r"no articles .* found in .*big\.txt left out: 0\.00501 MB, over the 0\.002 MB limit"):
        read_corpus(tmp_path / "big.txt", max_bytes=2_000)
    assert _max_bytes(None) == int(Config.max_file_mb * 1_000_000) >= 1_000_000  # the setting's default


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
        ("- The line is 9 km long.\n* It opened in May.\n1. First.", "The line is 9 km long.\nIt opened in May.\nFirst."),
        ("> A quoted line", "A quoted line"),
        ("* * *", "* * *"),  # a thematic break, not a list item: the cleaner drops it as a rule
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


def test_terminal_control_sequences_in_an_article_are_dropped(tmp_path) -> None:
    # An article is data: printed by `rag ask`, it must not set the window title or clear the screen
    (tmp_path / "evil.txt").write_bytes(b"Evil \x1b[31mRed\x1b[0m Headline\n\nQuokkas on \x1b]0;PWNED\x07Rottnest"
                                        b"\x1b[2J on Sunday.\nThe count\x08\x08 is held in March.\tTabs stay.\r\n")
    (f,) = read_files(tmp_path)
    assert f.lines == ("Evil Red Headline", "", "Quokkas on Rottnest on Sunday.", "The count is held in March.\tTabs stay.")


def test_an_exact_copy_is_read_once_and_reported(tmp_path) -> None:
    text = "Bridge opens\n\nThe bridge opened on Tuesday.\n"
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text(text)
    (tmp_path / "d.txt").write_text(text + "It cost 42 million euros.\n")
    corpus = read_corpus(tmp_path)
    assert [f.doc_id for f in corpus.files] == ["a.txt", "d.txt"]
    assert corpus.skipped == {"b.txt": "the same bytes as a.txt", "c.md": "the same bytes as a.txt"}


def test_a_file_name_that_cannot_be_printed_is_left_out_and_reported(tmp_path) -> None:
    (tmp_path / "good.txt").write_text("Headline\n\nBody.\n")
    bad = os.fsencode(tmp_path) + b"/lat\xffin.txt"
    with open(bad, "wb") as f:
        f.write(b"Headline\n\nAnother body.\n")
    (tmp_path / "bell\x07.txt").write_text("Headline\n\nA third body.\n")
    corpus = read_corpus(tmp_path)
    assert [f.doc_id for f in corpus.files] == ["good.txt"]
    assert len(corpus.skipped) == 2 and all("rename it" in why for why in corpus.skipped.values())


def test_markdown_front_matter_gives_title_date_and_url_and_is_not_text(tmp_path) -> None:
    text = ('---\ntitle: "Pelicans return to the lagoon"\ndate: 2024-05-02T09:00:00Z\nauthor: secret_author\n'
            'url: https://news.example.org/pelicans\ntags: [a, b]\n---\n\nThe pelicans came back on Monday.\n')
    (f,) = read_files(_write(tmp_path / "p.md", text))
    assert (f.title, f.date, f.url) == ("Pelicans return to the lagoon", "2024-05-02", "https://news.example.org/pelicans")
    assert f.lines == ("", "The pelicans came back on Monday.")


def test_a_front_matter_date_that_is_no_real_day_gives_no_date(tmp_path) -> None:
    (f,) = read_files(_write(tmp_path / "p.md", "---\ntitle: Pelicans\ndate: 2024-02-30\n---\n\nThey came back.\n"))
    assert (f.title, f.date) == ("Pelicans", None)  # filtered by date, it would sort as a day that never was


def test_html_template_content_is_not_article_text(tmp_path) -> None:
    page = ("<html><head><title>Mayor resigns</title></head><body><h1>Mayor resigns</h1>"
            "<p>The mayor of Lindholm, Ana Berg, resigned on Monday after a funding scandal.</p>"
            "<p>Her deputy will lead the city until the elections in May.</p>"
            "<template>TEMPLATELEAK hidden</template></body></html>")
    (f,) = read_files(_write(tmp_path / "a.html", page))
    assert any("Ana Berg" in line for line in f.lines) and not any("TEMPLATELEAK" in line for line in f.lines)
