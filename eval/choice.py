"""Questions' candidate sentences (features, which hold a gold answer) -> a choice model of which one answers.

Which sentence answers is a choice among the candidates one question retrieved, so the judge's
quoting model is a conditional logit (McFadden): P(sentence i | question) = softmax(X @ w)_i,
fitted by maximum likelihood of the candidates that hold a gold answer. A per-sentence logistic
regression also learns what makes a question easy (every candidate shares that); this model
learns only what makes a sentence beat the others. On SQuAD 2.0, fitted on four articles, it
picked a sentence holding the answer for 72.6% of the other four articles' answerable questions,
against 70.7% for the per-sentence model (`python -m eval.fit_judge`).

>>> X = np.array([[0.0], [1.0]])  # two candidates, one feature; the second holds the answer
>>> q = {"ev": type("Ev", (), {"X": X})(), "gold": np.array([False, True]), "article": "a"}
>>> w, _, _ = fit_choice([q] * 10, l2=1.0)
>>> bool(w[0] > 0)
True
"""

from __future__ import annotations

import numpy as np

L2_GRID = (0.1, 1.0, 10.0, 100.0, 300.0, 1000.0)


def fit_choice(questions: list[dict], l2: float | None = None) -> tuple[np.ndarray, float, float]:
    """(coef, intercept, l2) over rows {"ev": .X, "gold": bool per candidate, "article"}.

    The L2 penalty, unless given, is the one with the best leave-one-article-out accuracy (the
    left-out article's questions whose top candidate holds the answer). The scale of the scores
    (a temperature) is then fitted by likelihood, so that a difference of scores is the log of
    the ratio of two candidates' chances: `answer_ratio` reads them so.
    """
    stacked = np.concatenate([q["ev"].X for q in questions])
    mu, sd = stacked.mean(0), stacked.std(0) + 1e-9
    data = [((q["ev"].X - mu) / sd, q["gold"], q["article"]) for q in questions]
    articles = sorted({a for *_, a in data})

    def accuracy(penalty: float) -> float:
        hits = []
        for held in articles:
            w = _weights([(x, g) for x, g, a in data if a != held], penalty)
            hits += [bool(g[int(np.argmax(x @ w))]) for x, g, a in data if a == held]
        return float(np.mean(hits))

    if l2 is None:
        l2 = max(L2_GRID, key=lambda v: (accuracy(v), -v)) if len(articles) > 1 else 1.0
    w = _weights([(x, g) for x, g, _ in data], l2)
    w = w * _temperature([(x @ w, g) for x, g, _ in data])
    return w / sd, float(-(mu / sd) @ w), float(l2)


def _weights(data: list[tuple[np.ndarray, np.ndarray]], l2: float) -> np.ndarray:
    """Maximum penalized likelihood of the gold candidates (L-BFGS on the exact gradient)."""
    from scipy.optimize import minimize

    def loss(w):
        total, grad = l2 * (w @ w) / 2, l2 * w
        for x, gold in data:
            p = np.exp(x @ w - (x @ w).max())
            p /= p.sum()
            pg = p[gold].sum()
            total -= np.log(pg + 1e-12)
            grad = grad - (p[gold] @ x[gold]) / pg + p @ x
        return total, grad

    return minimize(loss, np.zeros(data[0][0].shape[1]), jac=True, method="L-BFGS-B").x


def _temperature(scored: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The factor t that maximizes the likelihood of softmax(t * scores) picking a gold candidate."""
    from scipy.optimize import minimize_scalar

    def nll(t):
        out = 0.0
        for s, gold in scored:
            e = np.exp(t * s - (t * s).max())
            out -= np.log(e[gold].sum() / e.sum() + 1e-12)
        return out

    return float(minimize_scalar(nll, bounds=(1e-3, 1e3), method="bounded").x)


def answer_ratio(scores: list[np.ndarray], quoted: float, most: int = 3) -> float:
    """The largest odds ratio to the best (0.05 to 1) at which answers quote `quoted` sentences
    on average (`most` at most): a length budget, so that a better model shows as answers that
    hold the answer more often at the same length, not as longer answers.

    >>> answer_ratio([np.log([1.0, 0.6])] * 2 + [np.log([1.0, 0.1])] * 2, quoted=1.5)
    0.6
    """

    def mean_quoted(ratio: float) -> float:
        return float(np.mean([(np.exp(np.sort(s)[::-1][:most] - s.max()) >= ratio - 1e-9).sum() for s in scores]))

    grid = np.round(np.arange(0.05, 1.0001, 0.01), 2)
    return float(max((r for r in grid if mean_quoted(r) >= quoted), default=0.05))
