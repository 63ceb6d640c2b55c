"""Tests for rag.chunk: exact boundaries at tiny budgets, overlap, verbatim offsets, and the
embedding model's 256-token limit held for headline + chunk (counted by its own tokenizer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.chunk import chunk_documents
from rag.clean import clean
from rag.load import read_files
from rag.tokens import get_encoding, model_token_counter
from rag.types import Document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MODEL = "all-MiniLM-L6-v2"

# cl100k_base: every sentence below is 3 tokens ("One", " two", ".").
FOUR = Document("a.txt", "T", "One two. Three four. Five six. Seven eight.")


def _texts(chunks) -> list[str]:
    return [c.text for c in chunks]


def _check_chunks(docs: list[Document], chunks, budget: int | None) -> None:
    """Offsets verbatim, sentence spans inside, cl100k budget held, every sentence covered."""
    by_id = {d.doc_id: d for d in docs}
    enc = get_encoding("cl100k_base")
    assert [c.chunk_id for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        doc = by_id[c.doc_id]
        assert doc.text[c.start : c.end] == c.text
        assert c.title == doc.title
        assert c.n_tokens == len(enc.encode(c.text))
        assert budget is None or c.n_tokens <= budget
        assert c.sentences[0][0] == c.start and c.sentences[-1][1] == c.end
        assert all(c.start <= s < e <= c.end for s, e in c.sentences)
    for doc in docs:  # nothing lost: every non-space character lies in some chunk's sentences
        covered = [False] * len(doc.text)
        for c in chunks:
            if c.doc_id == doc.doc_id:
                for s, e in c.sentences:
                    covered[s:e] = [True] * (e - s)
        assert all(ch.isspace() or hit for ch, hit in zip(doc.text, covered))


@pytest.mark.parametrize(
    "budget, overlap, expected",
    [
        (3, 0, ["One two.", "Three four.", "Five six.", "Seven eight."]),
        (6, 0, ["One two. Three four.", "Five six. Seven eight."]),
        (9, 0, ["One two. Three four. Five six.", "Seven eight."]),
        (16, 0, ["One two. Three four. Five six. Seven eight."]),
        # overlap repeats whole trailing sentences, up to `overlap` tokens
        (6, 3, ["One two. Three four.", "Three four. Five six.", "Five six. Seven eight."]),
        (9, 3, ["One two. Three four. Five six.", "Five six. Seven eight."]),
        (9, 6, ["One two. Three four. Five six.", "Three four. Five six. Seven eight."]),
        # a 3-token sentence does not fit a 2-token overlap: nothing is repeated
        (6, 2, ["One two. Three four.", "Five six. Seven eight."]),
    ],
)
def test_exact_chunks_of_a_tiny_document(budget: int, overlap: int, expected: list[str]) -> None:
    chunks = chunk_documents([FOUR], chunk_tokens=budget, overlap=overlap)
    assert _texts(chunks) == expected
    _check_chunks([FOUR], chunks, budget)


def test_exact_offsets_and_token_counts() -> None:
    chunks = chunk_documents([FOUR], chunk_tokens=6, overlap=3)
    assert [(c.chunk_id, c.start, c.end, c.n_tokens) for c in chunks] == [(0, 0, 20, 6), (1, 9, 30, 6), (2, 21, 43, 6)]
    assert chunks[1].sentences == ((9, 20), (21, 30))
    assert chunks[1].embed_text == "T\nThree four. Five six."


def test_overlap_always_moves_forward() -> None:
    # The overlap (6) could hold the whole previous chunk (6): it must still advance.
    chunks = chunk_documents([FOUR], chunk_tokens=6, overlap=6)
    assert _texts(chunks) == ["One two. Three four.", "Three four. Five six.", "Five six. Seven eight."]


def test_chunk_ids_run_across_documents() -> None:
    other = Document("b.txt", "", "Nine ten. Five six.")
    chunks = chunk_documents([FOUR, other], chunk_tokens=6, overlap=0)
    assert [(c.chunk_id, c.doc_id, c.text) for c in chunks] == [
        (0, "a.txt", "One two. Three four."),
        (1, "a.txt", "Five six. Seven eight."),
        (2, "b.txt", "Nine ten. Five six."),
    ]
    assert chunks[2].embed_text == "Nine ten. Five six."  # no headline, no leading newline


def test_chunk_spans_paragraphs_verbatim() -> None:
    doc = Document("c.txt", "T", "First para one. First para two.\nSecond para.")
    (chunk,) = chunk_documents([doc], chunk_tokens=16, overlap=0)
    assert chunk.text == doc.text
    assert chunk.sentences == ((0, 15), (16, 31), (32, 44))
    assert chunk.n_tokens == 11


def test_empty_document_has_no_chunks() -> None:
    assert chunk_documents([Document("e.txt", "T", "")], chunk_tokens=16, overlap=0) == []


def test_sentence_longer_than_the_budget_is_cut_at_word_boundaries() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve."
    doc = Document("b.txt", "T", text)
    chunks = chunk_documents([doc], chunk_tokens=5, overlap=0)
    assert [(c.text, c.start, c.end, c.n_tokens) for c in chunks] == [
        ("one two three four five", 0, 23, 5),
        ("six seven eight nine ten", 24, 48, 5),
        ("eleven twelve.", 49, 63, 4),
    ]
    assert " ".join(_texts(chunks)) == text  # nothing lost


def test_model_budget_binds_when_the_headline_leaves_little_room() -> None:
    count, max_len = model_token_counter(MODEL)
    title = " ".join(["migration"] * 124)
    assert count(title) == 126  # leaves 130 model tokens of 256
    body = " ".join(f"Sentence number {i} is here." for i in range(60))  # 6 model tokens each
    doc = Document("a.txt", title, body)
    chunks = chunk_documents([doc], chunk_tokens=1000, overlap=0, model=MODEL)
    assert [len(c.sentences) for c in chunks] == [21, 21, 18]  # 21 * 6 = 126 <= 130 < 22 * 6
    assert all(count(c.embed_text) <= max_len for c in chunks)
    assert " ".join(_texts(chunks)) == body
    # Without the model, only the cl100k budget applies and everything fits in one chunk.
    assert _texts(chunk_documents([doc], chunk_tokens=1000, overlap=0)) == [doc.text]


def test_an_overlong_headline_is_cut_to_half_the_window() -> None:
    count, max_len = model_token_counter(MODEL)
    doc = Document("t.txt", " ".join(["migration"] * 300), "Short body. Another sentence here.")
    (chunk,) = chunk_documents([doc], chunk_tokens=200, overlap=0, model=MODEL)
    assert doc.title.startswith(chunk.title) and count(chunk.title) <= max_len // 2
    assert chunk.text == doc.text


@pytest.fixture(scope="module")
def seed_docs() -> list[Document]:
    return clean(read_files(SEEDS))


@pytest.mark.parametrize("size", [64, 200, 400, 1000])
def test_seed_chunks_fit_the_model(seed_docs, size: int) -> None:
    count, max_len = model_token_counter(MODEL)
    assert max_len == 256
    chunks = chunk_documents(seed_docs, chunk_tokens=size, overlap=min(40, size // 4), model=MODEL)
    assert max(count(c.embed_text) for c in chunks) <= 256
    # The cl100k budget is not checked here: see test_cl100k_budget_holds_when_sentences_join.
    _check_chunks(seed_docs, chunks, None)
    assert {c.doc_id for c in chunks} == {d.doc_id for d in seed_docs}


def test_without_the_model_large_chunks_would_overflow(seed_docs) -> None:
    """Guards the test above: at 400 tokens the model limit is what keeps chunks small."""
    count, _ = model_token_counter(MODEL)
    chunks = chunk_documents(seed_docs, chunk_tokens=400, overlap=40)
    assert max(count(c.embed_text) for c in chunks) > 256


def _pathological(title_repeats: int) -> Document:
    words = [
        f"Border{i}" if i % 7 == 0 else w
        for i, w in enumerate(("refugees crossed the Western Balkan route, officials said; " * 300).split())
    ][:2000]
    sentence = " ".join(words) + "."
    title = " ".join(["Ministers discuss the migration situation in the Western Balkans"] * title_repeats)
    return Document("p.txt", title, f"Intro sentence here. {sentence} Final words.")


@pytest.mark.parametrize("size", [64, 200, 400, 1000])
def test_pathological_document_fits_the_model(size: int) -> None:
    count, _ = model_token_counter(MODEL)
    doc = _pathological(20)
    assert 150 < count(doc.title) < 256
    chunks = chunk_documents([doc], chunk_tokens=size, overlap=min(40, size // 4), model=MODEL)
    assert max(count(c.embed_text) for c in chunks) <= 256
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text and c.n_tokens <= size
    no_overlap = chunk_documents([doc], chunk_tokens=size, overlap=0, model=MODEL)
    assert " ".join(_texts(no_overlap)).split() == doc.text.split()  # nothing lost, nothing doubled


def test_headline_longer_than_the_model_limit_does_not_crash() -> None:
    doc = Document("t.txt", " ".join(["migration"] * 300), "Short body. Another sentence here.")
    chunks = chunk_documents([doc], chunk_tokens=200, overlap=0, model=MODEL)
    assert " ".join(_texts(chunks)).split() == doc.text.split()


def test_cl100k_budget_holds_when_sentences_join() -> None:
    doc = Document("q.txt", "T", "It works. 123 people came.")
    chunks = chunk_documents([doc], chunk_tokens=7, overlap=0)
    assert [(c.text, c.n_tokens) for c in chunks] == [("It works.", 3), ("123 people came.", 4)]


@pytest.mark.parametrize("kind", ["sentences", "no full stop", "no space"])
def test_a_300kb_paragraph_is_chunked_whole_and_within_the_model(kind: str) -> None:
    """One huge paragraph (a scraped page with no line breaks) is split in linear time
    (rag.sentences gives pysbd pieces of it) and chunked like any other text: nothing lost."""
    body = {
        "sentences": "Ministers met in Sarajevo on Thursday. They agreed on a joint database, officials said. " * 3500,
        "no full stop": "refugees crossed the Western Balkan route " * 7200,
        "no space": "x" * 300_000,
    }[kind]
    doc = Document("big.txt", "Big page", body.strip())
    assert len(doc.text) >= 299_000 and "\n" not in doc.text
    count, _ = model_token_counter(MODEL)
    chunks = chunk_documents([doc], chunk_tokens=200, overlap=0, model=MODEL)
    assert max(count(c.embed_text) for c in chunks) <= 256 and max(c.n_tokens for c in chunks) <= 200
    assert "".join("".join(c.text.split()) for c in chunks) == "".join(doc.text.split())
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
