"""End to end on the seeds with the real model: an index in Milvus Lite answers as the FAISS one does.

Same cited answers from `rag ask`, the same with article and date filters, the same after an
incremental update; an index is refused by the store that did not build it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pymilvus")

import rag  # noqa: E402
from rag.cli import main  # noqa: E402
from rag.milvus_store import release  # noqa: E402

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval" / "seeds.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def milvus_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("milvus-index")
    cfg = rag.Config.load(index_dir=folder, corpus=ROOT / "seeds", store="milvus", progress=False)
    rag.index(ROOT / "seeds", config=cfg)
    yield cfg
    release(str(folder / "milvus.db"))


def _ask(capsys, *args) -> dict:
    assert main(["ask", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _cited(result: dict) -> tuple:
    """What a reader sees: the answer, whether it refused, and each citation's article and snippet."""
    return result["text"], result["abstained"], [(c["source"], c["snippet"]) for c in result["citations"]]


def test_the_index_records_the_milvus_store(milvus_config) -> None:
    manifest = json.loads((milvus_config.index_dir / "manifest.json").read_text())
    assert manifest["settings"]["store"] == "milvus"
    assert set(manifest["stores"].values()) == {"milvus"}
    gen = milvus_config.index_dir / manifest["generation"]
    assert sorted(p.name for p in gen.glob("*.milvus.json")) == ["chunks.milvus.json", "sentences.milvus.json"]
    assert not list(gen.glob("*.faiss"))


def test_rag_ask_gives_the_same_cited_answers_on_both_stores(capsys, seed_config, milvus_config) -> None:
    answered = 0
    for q in QUESTIONS:
        faiss_answer = _ask(capsys, q, "--index-dir", str(seed_config.index_dir))
        milvus_answer = _ask(capsys, q, "--index-dir", str(milvus_config.index_dir), "--store", "milvus")
        assert _cited(milvus_answer) == _cited(faiss_answer), q
        assert milvus_answer["confidence"] == pytest.approx(faiss_answer["confidence"], abs=1e-3)
        answered += not faiss_answer["abstained"]
    assert answered >= len(QUESTIONS) // 2  # the comparison covers real cited answers, not only refusals


def test_filters_by_article_and_date_are_the_same(capsys, seed_config, milvus_config) -> None:
    q = "What did the police do at the border?"
    only = {"--source": "002_a1e78b8bb14fba1b.txt", "--date-from": "003_d7e33aac75d08225.txt"}  # the one dated article
    for extra in (["--source", "002_a1e78b8bb14fba1b.txt"], ["--date-from", "2018-07-01", "--date-to", "2018-07-31"]):
        a = _ask(capsys, q, "--index-dir", str(seed_config.index_dir), *extra)
        b = _ask(capsys, q, "--index-dir", str(milvus_config.index_dir), "--store", "milvus", *extra)
        assert _cited(a) == _cited(b), extra
        assert [p["chunk_id"] for p in a["passages"]] == [p["chunk_id"] for p in b["passages"]]
        assert a["passages"] and {p["doc_id"] for p in b["passages"]} == {only[extra[0]]}


def test_an_index_is_refused_by_the_store_that_did_not_build_it(capsys, seed_config, milvus_config) -> None:
    assert main(["ask", QUESTIONS[0], "--index-dir", str(milvus_config.index_dir)]) == 1
    err = capsys.readouterr().err.strip()
    assert "built with store='milvus' but store='faiss'" in err and "\n" not in err
    assert main(["ask", QUESTIONS[0], "--index-dir", str(seed_config.index_dir), "--store", "milvus"]) == 1
    assert "built with store='faiss' but store='milvus'" in capsys.readouterr().err


def test_incremental_update_on_milvus_matches_faiss_and_drops_old_collections(capsys, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    cfgs = {s: rag.Config.load(index_dir=tmp_path / s, corpus=corpus, store=s, progress=False) for s in ("faiss", "milvus")}
    try:
        for cfg in cfgs.values():
            rag.index(corpus, config=cfg)
        (corpus / "001_fe7c03c2246f783b.txt").unlink()  # an article removed, another changed
        path = corpus / "003_d7e33aac75d08225.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\n\nThe ministry later said 412 people had crossed that week.\n", encoding="utf-8")
        reports = {s: rag.index(corpus, config=cfg) for s, cfg in cfgs.items()}
        assert reports["milvus"].rebuilt == reports["faiss"].rebuilt and reports["milvus"].kept > 0  # updated, not rebuilt
        for q in [*QUESTIONS[:10], "How many people had crossed that week, according to the ministry?"]:
            a = _ask(capsys, q, "--index-dir", str(tmp_path / "faiss"))
            b = _ask(capsys, q, "--index-dir", str(tmp_path / "milvus"), "--store", "milvus")
            assert _cited(a) == _cited(b), q
        from rag.milvus_store import _client

        client = _client(str(tmp_path / "milvus" / "milvus.db"), "")
        manifest = json.loads((tmp_path / "milvus" / "manifest.json").read_text())
        live = {json.loads(p.read_text())["collection"] for p in (tmp_path / "milvus" / manifest["generation"]).glob("*.milvus.json")}
        assert set(client.list_collections()) == live  # the previous generation's copies are gone
    finally:
        release(str(tmp_path / "milvus" / "milvus.db"))
