"""ui.uploads: what an upload may write into the corpus folder, checked on real files in tmp_path."""

from __future__ import annotations

import os

import pytest

from ui import uploads

ARTICLE = "Harbour festival draws crowds\nThe keepers of Port Wenlow held their festival on Saturday.\n"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "old.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def upload(tmp_path, name: str, data: bytes | str = ARTICLE):
    src = tmp_path / "incoming" / str(len(list(tmp_path.glob("incoming/*"))))
    src.mkdir(parents=True)
    path = src / "file"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path), name


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\win.md", "win.md"),
        ("a b/ c.html", "c.html"),
        ("naïve article.txt", "na_ve article.txt"),
        ("...", ""),
        ("<script>.md", "script_.md"),
        (".hidden.txt", "hidden.txt"),
    ],
)
def test_safe_name_keeps_a_plain_base_name(name, expected):
    assert uploads.safe_name(name) == expected


def test_a_good_upload_lands_in_the_corpus(tmp_path, corpus):
    written = uploads.add([upload(tmp_path, "../news/new.md", "# Title\n\nSome text of the article.\n")], corpus, 5)
    assert written == [corpus / "new.md"] and listing(corpus) == ["new.md", "old.txt"]
    assert (corpus / "new.md").read_text(encoding="utf-8").startswith("# Title")


@pytest.mark.parametrize(
    "name, data, why",
    [
        ("paper.pdf", ARTICLE, "only .txt, .md, .html files"),
        ("..", ARTICLE, "only .txt, .md, .html files"),
        ("old.txt", ARTICLE, "already in the corpus"),
        ("big.txt", "word " * 300_000, "over the 1 MB limit"),
        ("binary.txt", bytes(range(256)) * 8, "binary.txt: "),
        ("empty.html", "<html><body></body></html>", "no article text"),
    ],
)
def test_a_bad_upload_is_one_line_and_changes_nothing(tmp_path, corpus, name, data, why):
    good = upload(tmp_path, "fine.txt")
    with pytest.raises(uploads.UploadError) as err:
        uploads.add([good, upload(tmp_path, name, data)], corpus, 1)
    assert why in str(err.value) and "\n" not in str(err.value)
    assert listing(corpus) == ["old.txt"]  # the good file of the batch was not written either


def test_two_uploads_with_one_name_are_refused(tmp_path, corpus):
    with pytest.raises(uploads.UploadError, match="same name"):
        uploads.add([upload(tmp_path, "x.txt"), upload(tmp_path, "dir/x.txt")], corpus, 5)
    assert listing(corpus) == ["old.txt"]


def test_a_link_planted_under_the_name_is_never_written_through(tmp_path, corpus):
    outside = tmp_path / "outside.txt"
    outside.write_text("untouched", encoding="utf-8")
    os.symlink(outside, corpus / "planted.txt")
    with pytest.raises(uploads.UploadError, match="already in the corpus"):
        uploads.add([upload(tmp_path, "planted.txt")], corpus, 5)
    # Even past the check (a link planted between check and write), the copy refuses to follow it.
    with pytest.raises(uploads.UploadError, match="outside the corpus folder"):
        uploads._copy_new(tmp_path / "outside.txt", corpus, "planted.txt")
    os.symlink(corpus / "old.txt", corpus / "inside.txt")  # a link that stays inside is not replaced either
    with pytest.raises(uploads.UploadError, match="appeared meanwhile"):
        uploads._copy_new(tmp_path / "outside.txt", corpus, "inside.txt")
    assert (corpus / "old.txt").read_text(encoding="utf-8") == ARTICLE
    assert outside.read_text(encoding="utf-8") == "untouched"
    assert not [p for p in corpus.iterdir() if p.name.startswith(".upload-")]  # no temporary left
