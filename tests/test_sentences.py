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


def test_a_place_abbreviated_before_its_name_is_not_a_sentence_end() -> None:
    """Sainte is "Ste." in place names, as Saint is "St.": "Sault Ste. Marie" is one place."""
    text = "Flights link Sault Ste. Marie and St. Louis. They end in March. \"It flew to Ste. Foy. Now it will not,\" he said."
    assert _texts(text) == ["Flights link Sault Ste. Marie and St. Louis.", "They end in March.",
                            '"It flew to Ste. Foy.', 'Now it will not," he said.']


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


# --- long paragraphs: pysbd's time grows with the square of its input, so a long paragraph is
# given to it in pieces (rag.sentences._WINDOW characters at most). Behaviour, not timing, is tested.


def _news_paragraph(n_chars: int) -> str:
    import random

    rng = random.Random(7)
    words = ("the minister said that Bosnia and Croatia agreed on a joint database for migrants in "
             "Sarajevo on Thursday while Dr. Lobnikar and the U.S. envoy paid 3.5 million").split()
    out, size = [], 0
    while size < n_chars:
        s = " ".join(rng.choice(words) for _ in range(rng.randint(4, 30)))
        s = s[0].upper() + s[1:] + rng.choice([".", ".", "?", "!", ',” he said.'])
        out.append(s)
        size += len(s) + 1
    return " ".join(out)


def _covers(text: str, spans: list[tuple[int, int]]) -> None:
    """The spans, in order, hold every character of `text` but the white space between them."""
    _check_invariants(text)
    assert "".join("".join(text[s:e].split()) for s, e in spans) == "".join(text.split())


def test_a_300kb_paragraph_is_split_into_sentences_that_cover_it() -> None:
    from rag.sentences import _WINDOW

    text = _news_paragraph(300_000)
    assert "\n" not in text and len(text) > 60 * _WINDOW
    spans = split_sentences(text)
    _covers(text, spans)
    assert len(spans) > 2000 and max(e - s for s, e in spans) < 1000  # sentences, not pieces


def test_pieces_give_the_same_sentences_as_one_call() -> None:
    from rag.sentences import _WINDOW, _pieces, _spans

    text = _news_paragraph(4 * _WINDOW)
    assert len(list(_pieces(text))) >= 4
    assert split_sentences(text) == _spans(text, 0)  # the whole paragraph in one pysbd call


@pytest.mark.parametrize(
    "text",
    [
        "word " * 60_000,  # 300 KB without a full stop: cut at spaces
        "x" * 300_000,  # 300 KB without a space (a data blob): cut anywhere
        ("Intro sentence. " + "y" * 20_000 + " tail words. ") * 5,
    ],
)
def test_a_long_paragraph_without_sentence_ends_is_still_covered(text: str) -> None:
    from rag.sentences import _WINDOW

    spans = split_sentences(text)
    _covers(text, spans)
    assert max(e - s for s, e in spans) <= _WINDOW


def test_long_paragraphs_keep_absolute_offsets_across_lines() -> None:
    first = _news_paragraph(12_000)
    text = "Headline.\n" + first + "\n\nLast line."
    spans = split_sentences(text)
    assert text[spans[0][0] : spans[0][1]] == "Headline."
    assert text[spans[-1][0] : spans[-1][1]] == "Last line."
    _covers(text, spans)


def test_pieces_are_cut_where_a_sentence_ends_best() -> None:
    from rag.sentences import _WINDOW, _pieces

    def cuts(para: str) -> list[str]:
        pieces = list(_pieces(para))
        assert "".join(p for _, p in pieces) == para and [o for o, _ in pieces] == [
            sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))
        ]
        assert all(_WINDOW // 2 <= len(p) <= _WINDOW for _, p in pieces[:-1])
        return [para[o - 12 : o + 4] for o, _ in pieces[1:]]

    quoted = "“We agree with the other ministers on the route,” he said. " * 200  # _INNER cuts
    assert set(cuts(quoted)) == {",” he said. “We "}
    closed = "Officials said it was “a step towards a joint database.” " * 200  # after the closing quote
    assert set(cuts(closed)) == {" database.” Offi"}
    numbered = "The count rose to 5,000 in May 2018. " * 300  # a stop after a figure: weaker, still a stop
    assert set(cuts(numbered)) == {"n May 2018. The "}
    words = "refugees crossed the route " * 400  # no stop at all: any space
    assert all(c[11] == " " for c in cuts(words))


@pytest.mark.parametrize(
    "para",
    [
        "Dr. Okafor arrived at 9 a.m. on Monday. The U.S. delegation followed.  It rained.",
        'She said: "We agree. It is a start." Then she left. Then she left.',  # a repeated sentence
        "  Leading spaces.   Inner  spaces. i.e. this; e.g. that. Prices rose 3.5 per cent in Q1. ",
        "A. B. C. 1. First item. 2. Second item.",
        "No final stop here",
        "Mr. Smith (born 1950) retired. He was 70. St. Louis is in Missouri.",
    ],
)
def test_sentences_found_back_as_pysbd_finds_them(para: str) -> None:
    """`_segment` finds pysbd's sentences back in the text with str.find, not a compiled pattern
    of each one: the very sentences pysbd's own `segment` gives."""
    from rag.sentences import _segment, _segmenter

    assert _segment(para) == _segmenter().segment(para)


def test_pysbd_patterns_are_compiled_once() -> None:
    """pysbd's modules call `re` through a cache that keeps their patterns (see _Patterns)."""
    import sys

    from rag.sentences import _Patterns, _compiled, _segmenter

    _segmenter()
    assert isinstance(sys.modules["pysbd.abbreviation_replacer"].re, _Patterns)
    split_sentences("Dr. Okafor met Gov. Reyes at 5 p.m. in the U.K. on Friday.")
    before = _compiled.cache_info().misses
    split_sentences("Dr. Okafor met Gov. Reyes at 5 p.m. in the U.K. on Friday.")
    assert _compiled.cache_info().misses == before  # nothing compiled a second time
