"""Tests for rag.evidence: one feature row per distinct sentence of the retrieved passages."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed import embed_query
from rag.evidence import FEATURES, gather, max_idf, paragraph, term_weights
from rag.question import analyze
from rag.retrieve import retrieve

SHARES = ("overlap", "context_overlap", "missing_idf", "salient")
YES_NO = ("typed", "typed_about", "kind_other", "negation_mismatch")
WHEN = "When did the Balkan countries agree to create a joint database?"


def evidence(idx, cfg, question):
    vec = embed_query(question, cfg.embedder)
    passages = retrieve(idx, question, vec, cfg)
    qi = analyze(question, cfg.bm25_stemmer)
    return qi, passages, gather(idx, qi, vec, passages, cfg.bm25_stemmer)


@pytest.fixture(scope="module")
def when(seed_index, seed_config):
    return evidence(seed_index, seed_config, WHEN)


def test_one_row_per_distinct_sentence_of_the_passages(seed_index, when):
    _, passages, ev = when
    first_rank = {}
    for r, p in enumerate(passages):
        for sid in seed_index.chunk_sentences[p.chunk.chunk_id].tolist():
            first_rank.setdefault(sid, r)
    assert len(passages) > 1
    assert ev.sentence_ids.tolist() == list(first_rank)  # every sentence once, in first-seen order
    assert ev.passage_ranks.tolist() == list(first_rank.values())
    assert ev.X.shape == (len(first_rank), len(FEATURES))
    assert np.isfinite(ev.X).all()


def test_values_are_in_their_ranges(when):
    _, passages, ev = when
    for name in SHARES:
        assert ((ev.column(name) >= 0) & (ev.column(name) <= 1)).all(), name
    for name in YES_NO:
        assert set(ev.column(name).tolist()) <= {0.0, 1.0}, name
    assert ((ev.column("dense") >= -1) & (ev.column("dense") <= 1)).all()
    # a sentence's own terms are also in its paragraph
    assert (ev.column("overlap") <= ev.column("context_overlap") + 1e-9).all()
    assert (ev.column("typed_about") <= ev.column("typed")).all()
    assert ev.column("kind_other").tolist() == [0.0] * len(ev.X)  # a "when" question asks for a date
    assert ev.column("passage_rank").tolist() == ev.passage_ranks.astype(float).tolist()
    assert ev.column("passage_z").tolist() == [passages[r].score for r in ev.passage_ranks]


def test_typed_marks_the_sentences_holding_a_date(seed_index, when):
    qi, _, ev = when
    assert qi.kind == "date"
    texts = [seed_index.sentences[int(s)].text for s in ev.sentence_ids]
    typed = dict(zip(texts, ev.column("typed").tolist()))
    answer = next(t for t in texts if "agreed at a meeting in Sarajevo on Thursday" in t)
    assert typed[answer] == 1.0
    assert 0.0 in typed.values()  # and not every sentence does


def test_a_question_asking_for_no_kind(seed_index, seed_config):
    _, _, ev = evidence(seed_index, seed_config, "Why did the Balkan countries want a joint database?")
    assert ev.column("kind_other").tolist() == [1.0] * len(ev.X)
    assert ev.column("typed").tolist() == [1.0] * len(ev.X)  # any sentence may answer


def test_no_passages_no_rows(seed_index, seed_config):
    qi = analyze(WHEN)
    ev = gather(seed_index, qi, embed_query(WHEN, seed_config.embedder), [], seed_config.bm25_stemmer)
    assert ev.X.shape == (0, len(FEATURES)) and len(ev.sentence_ids) == 0


def test_a_term_the_corpus_never_uses_weighs_as_the_rarest(seed_index, seed_config):
    weights = term_weights(seed_index, analyze("zyzzyva migrants", seed_config.bm25_stemmer))
    assert weights["zyzzyva"] == max_idf(seed_index)
    assert 0 < weights["migrant"] < max_idf(seed_index)


def test_paragraph_is_the_headline_and_the_sentences_line(seed_index):
    sid = 0
    sent = seed_index.sentences[sid]
    doc = seed_index.documents[sent.doc_id]
    text = paragraph(seed_index, sid)
    assert text.startswith(doc.title + "\n") and sent.text in text
    assert "\n" not in text[len(doc.title) + 1 :]  # one line of the article


def test_a_quotation_whose_speaker_is_only_he_or_she_has_the_sentence_before_in_its_paragraph():
    from types import SimpleNamespace

    from rag.types import Document, Sentence

    text = ("Talks in Lyon\n\nMayor Anna Berg spoke to reporters after the vote.\n\n"
            "“The bridge opens in May,” she added.\n\n“Taxes will not rise,” the council said.")
    doc = Document("a.txt", "Talks in Lyon", text)
    spans = [(text.index(s), text.index(s) + len(s)) for s in (
        "Mayor Anna Berg spoke to reporters after the vote.", "“The bridge opens in May,” she added.",
        "“Taxes will not rise,” the council said.")]
    idx = SimpleNamespace(documents={"a.txt": doc}, cache={},
                          sentences=[Sentence(i, 0, "a.txt", a, b, text[a:b]) for i, (a, b) in enumerate(spans)])
    assert paragraph(idx, 1) == "Talks in Lyon\nMayor Anna Berg spoke to reporters after the vote.\n“The bridge opens in May,” she added."
    assert paragraph(idx, 2) == "Talks in Lyon\n“Taxes will not rise,” the council said."  # it names its speaker


def test_a_paragraph_opening_with_a_pronoun_has_the_sentence_before_as_the_index_splits_it():
    from types import SimpleNamespace

    from rag.types import Document, Sentence

    text = ("Ship refloated\n\nThe ship came free at 6:15 a.m. on the high tide, the port said.\n\n"
            "It had grounded at 3:40 a.m. on Monday.\n\nIt is unclear why it grounded.\n\nHis crew is safe.")
    sents = ("The ship came free at 6:15 a.m. on the high tide, the port said.", "It had grounded at 3:40 a.m. on Monday.",
             "It is unclear why it grounded.", "His crew is safe.")
    doc = Document("a.txt", "Ship refloated", text)
    idx = SimpleNamespace(documents={"a.txt": doc}, cache={}, sentences=[
        Sentence(i, 0, "a.txt", text.index(s), text.index(s) + len(s), s) for i, s in enumerate(sents)])
    assert paragraph(idx, 1) == f"Ship refloated\n{sents[0]}\n{sents[1]}"  # what "it" is: not cut at "a.m."
    assert paragraph(idx, 2) == f"Ship refloated\n{sents[2]}"  # "It is unclear ...": "it" stands for nothing
    assert paragraph(idx, 3) == f"Ship refloated\n{sents[2]}\n{sents[3]}"  # whose crew
