"""The language-model answerer: what is done with a reply (scripted), and the real model."""

from __future__ import annotations

import pytest

from rag.embed import embed_query
from rag.errors import LLMError
from rag.generate import NOT_FOUND
from rag.retrieve import retrieve
from rag.types import Answer
from rag.write import REFUSAL, LLMGenerator

Q = "Where did the Balkan ministers agree to build a joint database?"


def run(seed_index, seed_config, chat, question=Q):
    cfg = seed_config.with_(generator="local")
    vec = embed_query(question, cfg.model)
    *deltas, final = LLMGenerator(seed_index, cfg, chat).stream(question, vec, retrieve(seed_index, question, vec, cfg))
    assert isinstance(final, Answer)
    return "".join(deltas), final


def test_supported_sentences_get_markers_from_the_check_not_the_model(seed_index, seed_config, scripted_chat):
    chat = scripted_chat("The ministers agreed in Sarajevo to set up a joint database [4]. ")
    text, a = run(seed_index, seed_config, chat)
    assert not a.abstained and a.citations
    assert text == a.text and a.text.endswith("]") and "[4]" not in a.text  # the model's own [4] is not kept
    assert [c.n for c in a.citations] == list(range(1, len(a.citations) + 1))
    assert any("Sarajevo" in c.snippet for c in a.citations)  # a marker points at a sentence that says so
    assert a.checks["written"] and not a.checks["dropped"]
    assert "<evidence>" in chat.sent[0][1]["content"] and "[1]" in chat.sent[0][1]["content"]


def test_a_sentence_with_an_invented_name_or_figure_is_dropped(seed_index, seed_config, scripted_chat):
    chat = scripted_chat("The ministers agreed in Sarajevo to set up a joint database. It will cost 40 million euros. "
                         "Vladimir Putin attended.")
    _, a = run(seed_index, seed_config, chat)
    assert len(a.checks["written"]) == 1
    assert a.checks["dropped"] == ["It will cost 40 million euros.", "Vladimir Putin attended."]
    assert "Putin" not in a.text and "40" not in a.text


def test_nothing_supported_falls_back_to_the_extractive_answer(seed_index, seed_config, scripted_chat):
    _, a = run(seed_index, seed_config, scripted_chat("The moon is made of cheese."))
    assert not a.abstained and "Sarajevo" in a.text
    assert a.checks["fell_back"] and "no sentence" in a.checks["fallback"]


def test_the_models_own_refusal_is_honoured(seed_index, seed_config, scripted_chat):
    text, a = run(seed_index, seed_config, scripted_chat(REFUSAL))
    assert a.abstained and text == NOT_FOUND and "language model" in a.reason


def test_a_failing_model_leaves_the_extractive_answer(seed_index, seed_config, scripted_chat):
    _, a = run(seed_index, seed_config, scripted_chat(error=LLMError("the endpoint http://127.0.0.1:9/v1 refused the connection")))
    assert not a.abstained and "Sarajevo" in a.text
    assert "refused the connection" in a.checks["fallback"]


def test_the_evidence_refusal_comes_before_the_model(seed_index, seed_config, scripted_chat):
    chat = scripted_chat("Paris.")
    _, a = run(seed_index, seed_config, chat, "How do I make spaghetti carbonara?")
    assert a.abstained and chat.sent == [] and a.checks["asked_model"] is False


def test_a_stream_that_breaks_keeps_the_sentences_already_checked(seed_index, seed_config, scripted_chat):
    chat = scripted_chat("The ministers agreed in Sarajevo to set up a joint database. And then", error=LLMError("the stream broke"))
    text, a = run(seed_index, seed_config, chat)
    assert text == a.text and "Sarajevo" in a.text and "And then" not in a.text
    assert "the stream broke" in a.checks["fallback"] and not a.checks.get("fell_back")
