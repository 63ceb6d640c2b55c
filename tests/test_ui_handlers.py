"""ui.handlers without a browser: settings -> Config/Filters, and adding articles through
rag.index on a real (tmp) corpus and index: progress lines, the new article searchable, a busy
index refused with one line and the corpus left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("gradio")

import rag  # noqa: E402
from rag.errors import InputError  # noqa: E402
from rag.lock import IndexLock  # noqa: E402
from ui.handlers import Handlers, settings  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE = "Kestrel Valley orchards report a record pear harvest\nGrowers picked 12,000 tonnes of pears this autumn.\n"


def test_settings_become_a_config_and_filters():
    base = rag.Config.load()
    cfg, filters = settings(base, "extractive", 3, "bm25", ["a.txt"], " 2018-01-01 ", "")
    assert (cfg.generator, cfg.top_k, cfg.mode) == ("extractive", 3, "bm25")
    assert filters == rag.Filters(sources=("a.txt",), date_from="2018-01-01")
    assert settings(base, None, None, None, [], "", "")[1] is None  # no filter: search everything
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        settings(base, date_from="yesterday")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("handlers")
    shutil.copytree(SEEDS, root / "corpus")
    cfg = rag.Config.load(corpus=root / "corpus", index_dir=root / "index", progress=False, lock_wait=0)
    rag.index(cfg.corpus, config=cfg)
    return cfg, root


def test_an_upload_is_indexed_with_progress_and_searchable(setup):
    cfg, root = setup
    upload = root / "in" / "orchard.txt"
    upload.parent.mkdir()
    upload.write_text(ARTICLE, encoding="utf-8")
    lines = list(Handlers(cfg).upload([str(upload)]))
    assert lines[0] == "Added orchard.txt; indexing…"
    assert any(line.startswith("Indexing orchard.txt: ") for line in lines[1:-1]), lines  # the build's stages
    assert lines[-1].startswith("✓ Indexed orchard.txt: the index now holds 6 articles")
    assert rag.search("How many tonnes of pears were picked?", top_k=1, config=cfg)[0].chunk.doc_id == "orchard.txt"


def test_a_busy_index_is_one_line_and_the_upload_is_taken_back(setup):
    cfg, root = setup
    upload = root / "in2" / "busy.txt"
    upload.parent.mkdir()
    upload.write_text(ARTICLE.replace("Kestrel", "Merlin"), encoding="utf-8")
    before = sorted(p.name for p in Path(cfg.corpus).iterdir())
    with IndexLock(cfg.index_dir):  # another build holds the index
        lines = list(Handlers(cfg).upload([str(upload)]))
    assert lines[-1] == "⚠ The index is being rebuilt by another process; nothing was added. Try again in a minute."
    assert sorted(p.name for p in Path(cfg.corpus).iterdir()) == before


def test_no_file_chosen_is_one_line():
    assert list(Handlers(rag.Config.load()).upload([])) == ["⚠ Choose one or more .txt, .md or .html files first."]


def test_no_index_yet_says_what_to_do_and_a_first_upload_builds_it(tmp_path):
    cfg = rag.Config.load(corpus=tmp_path / "empty", index_dir=tmp_path / "index", progress=False)
    h = Handlers(cfg)
    status, *buttons, articles = h.refresh()
    assert "No index" in status and "Add articles" in status
    assert all(b.get("visible") is False for b in buttons)
    upload = tmp_path / "in" / "orchard.txt"
    upload.parent.mkdir()
    upload.write_text(ARTICLE, encoding="utf-8")
    assert list(h.upload([str(upload)]))[-1].startswith("✓ Indexed orchard.txt: the index now holds 1 article in 1 chunk.")
    status, *buttons, articles = h.refresh()
    assert "1 article · 1 chunk" in status and buttons[0]["value"].startswith("What do the articles say about “Kestrel")


def test_an_uploaded_name_is_shown_as_text(tmp_path):
    upload = tmp_path / "in" / "x"
    upload.parent.mkdir()
    (upload.parent / "<img src=x onerror=alert(1)>.exe").write_text("x", encoding="utf-8")
    lines = list(Handlers(rag.Config.load(corpus=tmp_path / "c")).upload([str(upload.parent / "<img src=x onerror=alert(1)>.exe")]))
    assert lines == ["⚠ \\<img src=x onerror=alert\\(1\\)\\>.exe: only .txt, .md, .html files can be added. Nothing was added."]


def test_an_answer_quoted_because_several_sentences_may_answer_says_so():
    from rag.types import Answer
    from ui.handlers import _message

    quoted = Answer("q", "A. [1] B. [2]", [], False, checks={"quoted": "the evidence points at 2 sentences, not one: each is quoted"})
    assert "<sub>the evidence points at 2 sentences, not one: each is quoted</sub>" in _message(quoted, 1, None).lower()
    plain = _message(Answer("q", "A. [1]", [], False), 1, None)
    assert "each is quoted" not in plain
