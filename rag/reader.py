"""A question + the sentence an answer would quote -> a language model's log-odds that it answers.

The judge (`rag.judge`) weighs evidence that any corpus shares (cosines, shared terms, names,
the kind of thing asked for), but it cannot read: "When did the Normans conquer France?" looks
as well covered by "The Normans conquered England in 1066" as the real question does. SQuAD 2.0's
unanswerable questions are written to fool exactly that. A language model reads the sentence
and the question together, so the answerer asks one, in a single pass over a short prompt:

    Text: The Normans conquered England in 1066.
    Question: When did the Normans conquer France?
    Does the text state the answer to the question?

and reads how likely its first word is "Yes" against "No" (no text is generated). The log-odds
go into the judge's reader model (`judge.json`, fitted with the same model by
`python -m eval.fit_judge --reader`), which weighs them with the judge's own confidence. The
reader is the bundled Qwen2.5-Coder-1.5B in this process (`rag.models`, `rag.llama`): about 60
prompt tokens, about a second on two cores, so it is asked only when its answer could change
the decision (`Judge.read`). The 0.5B model reads far worse (an ad-hoc trial on 200 questions
of the fitting articles, not kept, found it barely better than chance there).

>>> prompt("Who wrote Hamlet?", "Hamlet was written by Shakespeare.")[1]["content"].splitlines()[0]
'Text: Hamlet was written by Shakespeare.'
"""

from __future__ import annotations

import math

MODEL = "qwen2.5-coder-1.5b"  # the model the reader weights in judge.json were fitted with
SYSTEM = "You check whether a text states the answer to a question. Reply Yes or No."
_FLOOR = 1e-6  # a probability below anything the model reports among its top tokens


def prompt(question: str, sentence: str) -> list[dict]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Text: {sentence}\nQuestion: {question}\nDoes the text state the answer to the question?"},
    ]


def yes_log_odds(first_token: dict[str, float]) -> float:
    """log P(yes) - log P(no) over the spellings of each among the likeliest first tokens.

    >>> round(yes_log_odds({"Yes": math.log(0.6), "No": math.log(0.3), " no": math.log(0.1)}), 3)
    0.405
    """
    p = {"yes": _FLOOR, "no": _FLOOR}
    for token, logprob in first_token.items():
        word = token.strip().lower()
        if word in p:
            p[word] += math.exp(logprob)
    return math.log(p["yes"]) - math.log(p["no"])


class Reader:
    """Asks a chat model (anything with `first_token(messages)`, e.g. `rag.llama.LocalChat`)."""

    def __init__(self, chat):
        self.chat = chat

    def log_odds(self, question: str, sentence: str) -> float:
        return yes_log_odds(self.chat.first_token(prompt(question, sentence)))


def make_reader(cfg) -> Reader | None:
    """The reader `cfg.reader` names (`Config` checked it is one of `READERS`), or None for "off".
    LLMError or ConfigError when the bundled model cannot be loaded (the caller then decides
    without it)."""
    if cfg.reader == "off":
        return None
    from .llama import LocalChat
    from .models import model_file

    return Reader(LocalChat(model_file(MODEL), cfg.llm_threads, timeout=cfg.llm_timeout))

