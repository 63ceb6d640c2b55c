"""Evidence -> which sentences answer (a score each) and whether any does (a confidence).

Three linear models over the corpus-independent features of `rag.evidence`, fitted by
`python -m eval.fit_judge` on part of SQuAD 2.0's dev set and stored in `judge.json` beside
this file with their provenance (which articles fitted them; report on the others):

- the sentence model (a logistic regression) scores each candidate: how likely it holds an
  answer at all;
- the answerability model (a logistic regression) reads the sentence model's best sentence's
  features plus the best of each feature over all candidates, and gives the confidence that
  the articles answer the question at all; below the threshold, the answer is a refusal;
- the choice model (a conditional logit, `eval/choice.py`) picks which candidates are quoted:
  the best, and runners-up within `answer_ratio` of its odds. It reads the `shortlist` (the
  `size` best candidates by a first conditional logit over the features above), each with the
  features above and how closely its words meet the question's (`rag.align`, too slow to read
  for every candidate).
  Whether to answer and what to quote are two questions: the first needs absolute evidence,
  the second only which candidate beats the others. The threshold and the ratio were set on
  the fitting articles only (`threshold_rule`, `answer_ratio_rule` in the file);
- the reader model (a logistic regression over two numbers: the answerability model's log-odds
  and the language model's, `rag.reader`) gives the confidence when a reader is on, with a
  threshold of its own. The reader is asked only when its answer could change the decision:
  when a reader log-odds within the range it gave on the fitting articles (`reader.range`,
  its 2nd and 98th percentiles) could put the confidence on either side of the threshold.

>>> j = load()
>>> sorted(j.sentence)[:2], 0 < j.threshold < 1
(['coef', 'intercept'], True)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from pathlib import Path

import numpy as np

from .align import ALIGNED
from .errors import ConfigError
from .evidence import FEATURES, Evidence

CHOICE_FEATURES = (*FEATURES, *ALIGNED)

PATH = Path(__file__).with_name("judge.json")
# Per-question features: the best of each over all candidates (min for missing_idf: the best
# case is that nothing is missing), after the best sentence's own features and its score.
SUMMARY = ("dense_z", "context_overlap", "missing_idf", "salient", "typed_about", "passage_z")


@dataclass(frozen=True)
class Judge:
    sentence: dict  # {"coef": [...], "intercept": float}
    answerable: dict  # {"mean": [...], "scale": [...], "coef": [...], "intercept": float}
    threshold: float
    provenance: dict
    answer_ratio: float = 0.5  # runners-up quoted at this share of the best's odds (`ExtractiveGenerator.choose`)
    choice: dict | None = None  # {"coef": [...], "intercept": float} over CHOICE_FEATURES; None: quote by `sentence`
    shortlist: dict | None = None  # {"coef": [...], "intercept": float, "size": int} over FEATURES
    reader: dict | None = None  # {"coef": [judge, reader], "intercept", "threshold", "range": [lo, hi], "model"}

    def sentence_scores(self, ev: Evidence) -> np.ndarray:
        """Log-odds that each candidate sentence holds the answer: what refusal rests on."""
        return ev.X @ np.asarray(self.sentence["coef"]) + self.sentence["intercept"]

    def shortlisted(self, ev: Evidence) -> np.ndarray:
        """The rows of the candidates the choice model reads, in their order in `ev`.

        >>> from rag.evidence import Evidence
        >>> ev = Evidence(np.arange(3), np.zeros(3, int), np.array([[0.0], [2.0], [1.0]]))
        >>> Judge({}, {}, 0.5, {}, shortlist={"coef": [1.0], "intercept": 0.0, "size": 2}).shortlisted(ev).tolist()
        [1, 2]
        """
        if self.shortlist is None:
            return np.arange(len(ev.sentence_ids))
        scores = ev.X[:, : len(FEATURES)] @ np.asarray(self.shortlist["coef"]) + self.shortlist["intercept"]
        return np.sort(np.argsort(-scores, kind="stable")[: int(self.shortlist["size"])])

    def choice_scores(self, ev: Evidence) -> np.ndarray:
        """Which candidate answers, relative to the others (differences are log-odds): what is
        quoted. `ev` holds the shortlist with the alignment columns when there is a shortlist."""
        if self.choice is None:
            return self.sentence_scores(ev)
        return ev.X @ np.asarray(self.choice["coef"]) + self.choice["intercept"]

    def confidence(self, ev: Evidence, scores: np.ndarray) -> float:
        """Probability that the question is answered by the best-scoring sentence's evidence."""
        x = question_features(ev, scores)
        a = self.answerable
        z = (x - np.asarray(a["mean"])) / np.asarray(a["scale"])
        return _sigmoid(float(z @ np.asarray(a["coef"]) + a["intercept"]))

    def with_reader(self, confidence: float, log_odds: float) -> float:
        """The probability that the articles answer, from the judge's confidence and the reader's log-odds."""
        r = self.reader
        z = r["coef"][0] * _logit(confidence) + r["coef"][1] * log_odds + r["intercept"]
        return _sigmoid(z)

    def read(self, confidence: float, log_odds: Callable[[], float]) -> tuple[float, float | None]:
        """(the reader model's confidence, the reader's log-odds or None when it was not asked).

        Not asked when no reader answer in its usual range could change the decision; the
        confidence is then the one its least helpful answer would give (the decision stands).

        >>> j = Judge({}, {}, 0.5, {}, reader={"coef": [1.0, 1.0], "intercept": 0.0, "threshold": 0.5, "range": [-2, 2]})
        >>> j.read(0.99, lambda: 1 / 0)[1] is None, j.read(0.5, lambda: 1.5)
        (True, (0.8175744761936437, 1.5))
        """
        lo, hi = self.reader["range"]
        t = self.reader["threshold"]
        worst, best = self.with_reader(confidence, lo), self.with_reader(confidence, hi)
        if worst >= t:
            return worst, None
        if best < t:
            return best, None
        x = float(log_odds())
        return self.with_reader(confidence, x), x


def _sigmoid(z: float) -> float:
    """1 / (1 + e^-z), with no overflow however far z is from 0 (a reader may be very sure).

    >>> _sigmoid(0.0), _sigmoid(-1000.0), round(_sigmoid(2.0), 6)
    (0.5, 0.0, 0.880797)
    """
    return 0.5 * (1.0 + math.tanh(z / 2))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(np.log(p / (1 - p)))


def question_features(ev: Evidence, scores: np.ndarray) -> np.ndarray:
    best = int(np.argmax(scores))
    summary = [ev.column(n).min() if n == "missing_idf" else ev.column(n).max() for n in SUMMARY]
    return np.concatenate([ev.X[best], [scores[best]], summary])


QUESTION_FEATURES = (*FEATURES, "best_score", *(f"all_{n}" for n in SUMMARY))


@lru_cache(maxsize=1)
def load(path: Path = PATH) -> Judge:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        judge = Judge(data["sentence"], data["answerable"], float(data["threshold"]), data.get("provenance", {}),
                      float(data.get("answer_ratio", 0.5)), choice=data.get("choice"), reader=data.get("reader"),
                      shortlist=data.get("shortlist"))
        if (
            list(data["features"]) != list(FEATURES)
            or len(judge.sentence["coef"]) != len(FEATURES)
            or judge.shortlist is None
            or len(judge.shortlist["coef"]) != len(FEATURES)
            or list(data.get("choice_features", ())) != list(CHOICE_FEATURES)
            or judge.choice is None
            or len(judge.choice["coef"]) != len(CHOICE_FEATURES)
            or any(len(judge.answerable[k]) != len(QUESTION_FEATURES) for k in ("mean", "scale", "coef"))
            or (judge.reader is not None and (len(judge.reader["coef"]) != 2 or len(judge.reader["range"]) != 2))
        ):
            raise ConfigError(f"{path} was fitted on other features: refit with `python -m eval.fit_judge`")
        return judge
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError(f"cannot read the answer judge {path}: {err}") from None
