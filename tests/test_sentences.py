"""Tests for rag.sentences: exact, verbatim sentence spans that never cross a line break."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.clean import clean
from rag.load import read_files
from rag.sentences import split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def _check_invariants(text: str) -> None:
    spans = split_sentences(text)
    for s, e in spans:
        piece = text[s:e]
        assert piece and piece == piece.strip(), (s, e)
        assert "\n" not in piece
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "spans overlap or are out of order"
    # Between, before and after the spans there is nothing but white space.
    bounds = [0] + [x for span in spans for x in span] + [len(text)]
    gaps = [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    assert "".join(gaps).strip() == ""


def test_exact_spans_with_abbreviations() -> None:
    text = "Dr. Smith arrived. The U.S. team left at 3 p.m. on Monday. Then it rained."
    assert split_sentences(text) == [(0, 18), (19, 58), (59, 74)]
    assert _texts(text) == ["Dr. Smith arrived.", "The U.S. team left at 3 p.m. on Monday.", "Then it rained."]


def test_spans_are_stripped_and_offsets_are_absolute() -> None:
    text = "  Lead space. Second one!  \n\n  Third?  Fourth.\n"
    assert split_sentences(text) == [(2, 13), (14, 25), (31, 37), (39, 46)]
    assert _texts(text) == ["Lead space.", "Second one!", "Third?", "Fourth."]


def test_never_crosses_a_line_break() -> None:
    text = "A sentence without an end\nis cut by the paragraph break. Next one."
    assert _texts(text) == ["A sentence without an end", "is cut by the paragraph break.", "Next one."]


def test_decimals_quotes_and_missing_final_stop() -> None:
    assert _texts("He paid 3.5 million. Done") == ["He paid 3.5 million.", "Done"]
    assert _texts('"We agree," he said. “Quoted.” Next.') == ['"We agree," he said.', "“Quoted.”", "Next."]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " \t \n  \n"])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


@pytest.mark.parametrize(
    "text",
    [
        'He said: "Go." She left... Then? Yes!!  ok',
        "Price was $3.50. It rose to 4.5% (approx.). Next.",
        "1. First item\n2. Second item\n\n   \n3) third",
        "Visit www.example.com. Or e-mail a@b.com. Done",
        "Mr. and Mrs. Smith went to Washington D.C. They left at 5 p.m. today.",
    ],
)
def test_invariants_on_awkward_text(text: str) -> None:
    _check_invariants(text)


def test_invariants_on_the_seeds() -> None:
    docs = clean(read_files(SEEDS))
    assert len(docs) == 5
    for doc in docs:
        _check_invariants(doc.text)
        assert len(split_sentences(doc.text)) >= doc.text.count("\n") + 1


def test_quotation_of_several_sentences_is_split() -> None:
    text = 'Dr. Lobnikar spoke. "We agree. It works," he said.\nNew paragraph.'
    assert _texts(text) == ["Dr. Lobnikar spoke.", '"We agree.', 'It works," he said.', "New paragraph."]
    assert split_sentences(text)[1] == (20, 30)
