"""End to end through the Python API, with the real model, on the seed articles."""

from __future__ import annotations

import json
import re

import pytest

import rag
from rag import Filters, InputError

SEEDS = __import__("pathlib").Path(__file__).resolve().parent.parent / "seeds"

DATABASE_Q = "Where did the Balkan ministers agree to create a joint database?"


def test_answer_cites_the_gold_article_verbatim(seed_config):
    a = rag.answer(DATABASE_Q, config=seed_config)
    assert not a.abstained
    assert "Sarajevo" in a.text
    assert a.citations[0].source == "003_d7e33aac75d08225.txt"
    assert a.citations[0].title == "Balkan States Vow Joint Action to Tackle Migrant Crisis"
    raw = (SEEDS / a.citations[0].source).read_text(encoding="utf-8")
    for c in a.citations:
        assert c.snippet in (SEEDS / c.source).read_text(encoding="utf-8")  # verbatim from the article
    assert "Sarajevo" in raw


def test_markers_index_into_citations(seed_config):
    a = rag.answer("Which countries does Slovenia accept refugees from every month?", config=seed_config)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", a.text)]
    assert markers == list(range(1, len(a.citations) + 1))
    assert [c.n for c in a.citations] == markers
    assert "Italy" in a.text and "Turkey" in a.text


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2018 FIFA World Cup final?",  # off-topic
        "How do I reverse a linked list in Python?",  # off-topic
        "How many asylum applications did Slovenia receive in 2015?",  # on-topic, a year never mentioned
        "How many illegal entries did Croatia register in the first five months of the year?",  # a country's figure never given
        "What is the name of the Slovenian Director General of Police?",  # a name never given
    ],
)
def test_unanswerable_questions_are_refused(seed_config, question):
    a = rag.answer(question, config=seed_config)
    assert a.abstained
    assert a.citations == []
    assert "do not contain" in a.text
    assert a.reason


def test_stream_yields_the_text_then_the_answer(seed_config):
    events = list(rag.stream(DATABASE_Q, config=seed_config))
    *deltas, final = events
    assert all(isinstance(d, str) for d in deltas) and len(deltas) >= 1
    assert isinstance(final, rag.Answer)
    assert "".join(deltas) == final.text
    assert set(final.timings) >= {"embed", "retrieve", "answer", "total"}


def test_follow_up_uses_the_conversation(seed_config):
    first = rag.answer("Who is Bosnia's minister for refugees and displaced persons?", config=seed_config)
    assert "Borovac" in first.text
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.text}]
    assert rag.contextualize("What did she say about accommodation?", history).startswith(first.question)
    follow = rag.answer("What did she say about accommodation?", history=history, config=seed_config)
    assert not follow.abstained
    assert follow.citations[0].source == "003_d7e33aac75d08225.txt"


def test_filters_restrict_the_sources(seed_config):
    only = "004_f03de0d0d879d911.txt"
    passages = rag.search("migration in the Western Balkans", filters=Filters(sources=(only,)), config=seed_config)
    assert passages and {p.chunk.doc_id for p in passages} == {only}
    dated = rag.search("migrants", filters=Filters(date_from="2018-01-01"), config=seed_config)
    assert {p.chunk.doc_id for p in dated} == {"003_d7e33aac75d08225.txt"}  # the only dated article


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_raise_input_error(seed_config, question):
    with pytest.raises(InputError):
        rag.answer(question, config=seed_config)


def test_answer_is_json_ready(seed_config):
    d = rag.answer(DATABASE_Q, config=seed_config).to_dict()
    assert json.loads(json.dumps(d))["citations"][0]["source"] == "003_d7e33aac75d08225.txt"


def test_answer_builds_a_missing_index(tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "fresh", corpus=SEEDS, progress=False)
    a = rag.answer(DATABASE_Q, config=cfg)
    assert not a.abstained
    assert (tmp_path / "fresh" / "manifest.json").exists()


@pytest.mark.parametrize(
    "filters, expected",
    [
        (dict(date_from="July 2018"), "YYYY-MM-DD"),
        (dict(sources=("nope.txt",)), "no article named 'nope.txt'"),
    ],
)
def test_bad_filters_are_input_errors(seed_config, filters, expected):
    with pytest.raises(InputError, match=expected):
        rag.answer("Where did the ministers meet?", filters=Filters(**filters), config=seed_config)
