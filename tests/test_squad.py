"""Tests for eval.squad (`rag eval --squad FILE`) on a tiny SQuAD 2.0 file written here.

The articles are invented news text; the file has SQuAD 2.0's published shape (data -> title,
paragraphs -> context, qas with answers or is_impossible).
"""

from __future__ import annotations

import json

import pytest

import rag
from eval.squad import contains_gold, load_squad, normalize, run_squad, sample
from rag.cli import main
from rag.errors import InputError

BRIDGE = [
    "The Kestrel Harbour Bridge reopened to traffic on 14 March 2021 after an eighteen-month renovation. "
    "Mayor Elena Marsh cut the ribbon in front of about 3,000 residents. The work cost 42 million euros, "
    "most of it paid by the regional government.",
    "Engineers replaced the steel cables and widened the pedestrian path. The bridge now carries a "
    "dedicated bicycle lane on its northern side.",
]
FLOOD = [
    "Heavy rain caused the Arden River to burst its banks on Sunday, flooding the town of Millbrook. "
    "Around 400 homes were evacuated, and firefighters rescued twelve people from rooftops.",
    "Governor Tomas Reyes declared a state of emergency and promised funds for repairs. Forecasters "
    "expect the water to recede by Thursday.",
]
# (paragraph index, question, gold answers or None for is_impossible)
BRIDGE_QS = [
    (0, "When did the Kestrel Harbour Bridge reopen to traffic?", ["14 March 2021"]),
    (0, "Who cut the ribbon when the Kestrel Harbour Bridge reopened?", ["Elena Marsh", "Mayor Elena Marsh"]),
    (0, "How much did the renovation of the Kestrel Harbour Bridge cost?", ["42 million euros"]),
    (0, "Who designed the original Kestrel Harbour Bridge?", None),
    (1, "What did engineers replace on the Kestrel Harbour Bridge?", ["the steel cables", "steel cables"]),
    (1, "How many cyclists use the new bicycle lane each day?", None),
]
FLOOD_QS = [
    (0, "Which river burst its banks and flooded Millbrook?", ["Arden River", "the Arden River"]),
    (0, "How many homes were evacuated in Millbrook?", ["400", "Around 400"]),
    (0, "How many people died in the Millbrook floods?", None),
    (1, "Who declared a state of emergency after the Millbrook floods?", ["Tomas Reyes", "Governor Tomas Reyes"]),
    (1, "When was the dam on the Arden River built?", None),
]
KEYS = ("right", "cited", "wrongly_refused", "refused", "overall", "all_refuse", "refusal_auc", "abstention_precision")


def _article(title: str, paragraphs: list[str], qs: list, prefix: str) -> dict:
    out = []
    for i, context in enumerate(paragraphs):
        qas = []
        for n, (p, question, answers) in enumerate(qs):
            if p != i:
                continue
            qa = {"id": f"{prefix}{n}", "question": question, "is_impossible": answers is None, "answers": []}
            if answers is None:
                qa["plausible_answers"] = []
            else:
                qa["answers"] = [{"text": a, "answer_start": context.index(a)} for a in answers]
            qas.append(qa)
        out.append({"context": context, "qas": qas})
    return {"title": title, "paragraphs": out}


def squad_json() -> dict:
    return {
        "version": "v2.0",
        "data": [_article("Kestrel_Harbour_Bridge", BRIDGE, BRIDGE_QS, "b"), _article("Millbrook_floods", FLOOD, FLOOD_QS, "f")],
    }


@pytest.fixture(scope="module")
def squad_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("squad") / "tiny-dev.json"
    path.write_text(json.dumps(squad_json()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def squad_index(tmp_path_factory):
    return tmp_path_factory.mktemp("squad") / "idx"


def test_load_squad_reads_articles_paragraphs_and_questions_in_order(squad_file):
    ds = load_squad(squad_file)
    assert ds.name == "tiny-dev"
    assert [d.doc_id for d in ds.documents] == ["Kestrel_Harbour_Bridge", "Millbrook_floods"]
    assert [d.title for d in ds.documents] == ["Kestrel Harbour Bridge", "Millbrook floods"]
    assert ds.documents[0].text == "\n\n".join(BRIDGE) and ds.documents[1].text == "\n\n".join(FLOOD)
    assert [q["question"] for q in ds.questions] == [q for _, q, _ in BRIDGE_QS + FLOOD_QS]
    assert [q["answerable"] for q in ds.questions] == [a is not None for _, _, a in BRIDGE_QS + FLOOD_QS]
    assert [q["gold"] for q in ds.questions] == ["Kestrel_Harbour_Bridge"] * 6 + ["Millbrook_floods"] * 5
    assert ds.questions[1]["answers"] == ["Elena Marsh", "Mayor Elena Marsh"]
    assert ds.questions[3]["answers"] == []  # is_impossible
    assert len({q["id"] for q in ds.questions}) == 11


def test_sample_keeps_the_mix_and_is_deterministic(squad_file):
    qs = load_squad(squad_file).questions  # 7 answerable, 4 not
    picked = sample(qs, 5)
    assert len(picked) == 5
    assert sum(q["answerable"] for q in picked) == round(5 * 7 / 11) == 3
    assert picked == sample(qs, 5)  # fixed seed
    assert [q["id"] for q in picked] == [q["id"] for q in qs if q in picked]  # dataset order
    assert sample(qs, None) == qs and sample(qs, 11) == qs and sample(qs, 50) == qs
    with pytest.raises(InputError, match="at least 1"):
        sample(qs, 0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Arden River!", "arden river"),
        ("An apple,  a day", "apple day"),
        ("42 million euros.", "42 million euros"),
        ("Tomas  Reyes's", "tomas reyess"),  # punctuation is dropped, as in the official script
        ("theatre", "theatre"),  # articles only as whole words
    ],
)
def test_normalize_is_squads(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text, answers, expected",
    [
        ("It reopened on 14 March 2021 [1].", ["14 March 2021"], True),
        ("It reopened on 14 March 2021 [1].", ["2021"], True),
        ("It reopened in 20210 [1].", ["2021"], False),  # whole words only
        ("The Arden River burst its banks [1].", ["the Arden River"], True),  # articles ignored
        ("No figure here [1].", ["1"], False),  # citation markers are not answer text
        ("Around 400 homes [1].", ["399", "400"], True),  # any gold answer
        ("Anything [1].", ["The"], False),  # a gold answer that normalizes to nothing never matches
        ("Anything [1].", [], False),
    ],
)
def test_contains_gold(text, answers, expected):
    assert contains_gold(text, answers) is expected


@pytest.mark.parametrize(
    "content, message",
    [
        ("{ not json", "not SQuAD 2.0 JSON"),
        ('{"version": "v2.0"}', "not SQuAD 2.0 JSON"),
        ('{"data": [{"title": "T", "paragraphs": [{"qas": []}]}]}', "not SQuAD 2.0 JSON"),  # no context
        ('{"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [{"id": "1", "question": "q"}]}]}]}',
         "not SQuAD 2.0 JSON"),  # answerable without answers
        ('{"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": []}]}]}', "no questions"),
    ],
)
def test_malformed_files_are_input_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_squad(path)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="SQuAD file not found"):
        load_squad(tmp_path / "nope.json")


def _check_report(m: dict, answerable: int, unanswerable: int) -> None:
    assert m["questions"] == {"answerable": answerable, "unanswerable": unanswerable}
    for k in KEYS:
        assert 0.0 <= m[k] <= 1.0, k
    assert m["all_refuse"] == round(unanswerable / (answerable + unanswerable), 4)
    assert isinstance(m["answer_words"], int) and m["answer_words"] >= 0
    assert set(m["latency_ms"]) == {"p50", "p95"} and 0 < m["latency_ms"]["p50"] <= m["latency_ms"]["p95"]


def test_run_squad_end_to_end(squad_file, squad_index):
    cfg = rag.Config.load(progress=False)
    m = run_squad(squad_file, cfg, index_dir=squad_index)
    _check_report(m, 7, 4)
    assert m["set"] == str(squad_file)
    assert (squad_index / "manifest.json").exists()
    assert "held_out" not in m or m["held_out"] is None  # the judge was not fitted on this file
    json.dumps(m)
    small = run_squad(squad_file, cfg, max_questions=5, index_dir=squad_index)  # reuses the index
    _check_report(small, 3, 2)


def test_cli_eval_squad_json(squad_file, squad_index, capsys):
    code = main(["eval", "--squad", str(squad_file), "--beir-index", str(squad_index), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    m = json.loads(out)
    _check_report(m, 7, 4)


def test_cli_eval_squad_missing_file(tmp_path, capsys):
    code = main(["eval", "--squad", str(tmp_path / "nope.json"), "--beir-index", str(tmp_path / "idx")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and "SQuAD file not found" in err and err.count("\n") == 1
    assert not (tmp_path / "idx").exists()
