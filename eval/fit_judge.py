"""Fit `rag/judge.json` on some articles of a SQuAD 2.0 file; report on the others.

    python -m eval.fit_judge ../shared/data/squad2/dev.json \
        --articles Normans,Huguenot,1973_oil_crisis,Packet_switching

The whole file is indexed (so retrieval meets the same distractors as in `rag eval --squad`),
but only questions on the named articles fit the two models; the figures printed at the end
are on the other articles' questions, which the fit never saw. Needs scikit-learn (a test
dependency), and writes the models as plain JSON (no pickle) with their provenance.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

from rag import Config, load_index
from rag.errors import InputError, RagError
from rag.evidence import FEATURES, corpus_figures, corpus_terms
from rag.rules import rule_out
from rag.judge import CHOICE_FEATURES, PATH, QUESTION_FEATURES, question_features
from rag.storage import _atomic_write

from .benchmark import cache_folder, ensure_index
from .choice import answer_ratio, fit_choice
from .metrics import auc
from .squad import contains_gold, load_squad

READER_RANGE = (2, 98)  # percentiles of the reader's log-odds beyond which the decision is not asked of it
REFUSE_SHARE = 0.05  # the threshold refuses this share of the fitting articles' answerable questions
SHORTLIST = 8  # candidates the choice model reads (the best of them by the features every candidate has)
QUOTED = 1.5  # answers quote this many sentences on average over the fitting articles' answerable questions
OFF_TOPIC_EVERY = 4  # one fitting question in this many is also asked of the other articles only


def collect(path: Path, cfg: Config, fit_articles: set[str], extra: list[dict] = ()) -> list[dict]:
    """Every question's candidate sentences, their features, and which hold a gold answer.

    Plus off-topic rows: every OFF_TOPIC_EVERY-th question of a fitting article asked of the
    other fitting articles only (a retrieval filter), so that the judge also learns what a
    question about something the articles never cover looks like; SQuAD has none of those.
    Plus `extra` (`--extra`, see `read_extra`): unanswerable questions written for the fitting
    articles, of the kind SQuAD lacks too, asked of the whole corpus.
    """
    from rag.align import features as aligned
    from rag.embed import embed
    from rag.asked_role import about_role
    from rag.generate import ExtractiveGenerator
    from rag.retrieve import Filters, retrieve

    ds = load_squad(path)
    unknown = fit_articles - {d.doc_id for d in ds.documents}
    if unknown:
        raise InputError(f"no article {sorted(unknown)[0]!r} in {path}")
    cfg = cfg.with_(index_dir=cache_folder(f"squad-{ds.name}"))
    ensure_index(ds.documents, cfg)
    idx = load_index(cfg, build_if_missing=False)
    gen = ExtractiveGenerator(idx, cfg)
    figures, terms = corpus_figures(idx), corpus_terms(idx)  # the rules see what the answerer's rules see
    vecs = embed([q["question"] for q in ds.questions], cfg.embedder, batch_size=cfg.batch_size, progress=cfg.progress)

    def row(article, answerable, qi, ev, gold):
        # every candidate's alignment (`rag.align`), so that `fit` can shortlist with its own model
        return {"article": article, "answerable": answerable, "qi": qi, "ev": ev, "figures": figures, "terms": terms, "gold": gold,
                "aligned": aligned(idx, qi, ev.sentence_ids, cfg.embedder, cfg.bm25_stemmer),
                "role_about": np.array([about_role(idx, qi, s) for s in ev.sentence_ids.tolist()], dtype=bool)}

    out = []
    for q, v in zip(ds.questions, vecs):
        qi, ev = gen.evidence(q["question"], v, retrieve(idx, q["question"], v, cfg))
        gold = [q["answerable"] and contains_gold(idx.sentences[s].text, q["answers"]) for s in ev.sentence_ids.tolist()]
        out.append(row(q["gold"], q["answerable"], qi, ev, np.array(gold, dtype=bool)))
    fitting = [(q, v) for q, v in zip(ds.questions, vecs) if q["gold"] in fit_articles]
    for q, v in fitting[::OFF_TOPIC_EVERY]:
        elsewhere = Filters(sources=tuple(sorted(fit_articles - {q["gold"]})))
        qi, ev = gen.evidence(q["question"], v, retrieve(idx, q["question"], v, cfg, elsewhere))
        out.append(row(q["gold"], False, qi, ev, np.zeros(len(ev.sentence_ids), dtype=bool)))
    extra_vecs = embed([q["question"] for q in extra], cfg.embedder, batch_size=cfg.batch_size) if extra else []
    for q, v in zip(extra, extra_vecs):
        qi, ev = gen.evidence(q["question"], v, retrieve(idx, q["question"], v, cfg))
        out.append(row(q["article"], False, qi, ev, np.zeros(len(ev.sentence_ids), dtype=bool)))
    return out


def read_extra(path: Path, fit_articles: set[str]) -> list[dict]:
    """Questions written for the fitting articles that they do not answer, one JSON object a line
    ({"article", "question", "answerable": false, ...}): "a figure, name or date the article never
    gives", the on-topic unanswerable question of news readers, which SQuAD's adversarial ones
    are not. Only fitting articles may appear (the others are what the fit is reported on)."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
            ok = isinstance(q, dict) and isinstance(q.get("question"), str) and q.get("answerable") is False
        except ValueError:
            ok = False
        if not ok:
            raise InputError(f"{path}:{n}: not an object with a question and \"answerable\": false")
        if q.get("article") not in fit_articles:
            raise InputError(f"{path}:{n}: article {q.get('article')!r} is not one of the fitting articles")
        rows.append(q)
    return rows


def fit(rows: list[dict], fit_articles: set[str]) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    train = [r for r in rows if r["article"] in fit_articles and len(r["gold"])]
    # Does this sentence hold an answer at all (a per-sentence logistic regression): the
    # absolute evidence that whether to answer rests on.
    holding = [r for r in train if r["answerable"] and r["gold"].any()]
    sent = LogisticRegression(C=1.0, max_iter=5000).fit(
        np.concatenate([r["ev"].X for r in holding]), np.concatenate([r["gold"] for r in holding])
    )
    coef, intercept = sent.coef_[0], float(sent.intercept_[0])

    def best(r):
        scores = r["ev"].X @ coef + intercept
        return question_features(r["ev"], scores), bool(r["gold"][int(np.argmax(scores))])

    # answerable, but the best sentence misses: neither kind to learn from
    kept = [(x, r["answerable"]) for r in train for x, right in [best(r)] if right or not r["answerable"]]
    qx, qy = [x for x, _ in kept], [int(a) for _, a in kept]
    scaler = StandardScaler().fit(qx)
    ans = LogisticRegression(C=0.1, max_iter=5000).fit(scaler.transform(qx), qy)
    # Which sentence answers, among the question's candidates (a choice model): what is quoted.
    # First a shortlist by the features every candidate has, then the choice among it with
    # how closely each meets the question (`rag.align`), which is too slow to read for all.
    short, short_offset, short_l2 = fit_choice(holding)
    shortlist = {"coef": short.round(6).tolist(), "intercept": round(short_offset, 6), "l2": short_l2, "size": SHORTLIST}
    listed = [q for q in (quoting(r, shortlist) for r in holding) if q["gold"].any()]
    choice, offset, l2 = fit_choice(listed)
    model = {
        "sentence": {"coef": coef.round(6).tolist(), "intercept": round(intercept, 6)},
        "answerable": {
            "mean": scaler.mean_.round(6).tolist(),
            "scale": scaler.scale_.round(6).tolist(),
            "coef": ans.coef_[0].round(6).tolist(),
            "intercept": round(float(ans.intercept_[0]), 6),
        },
        "shortlist": shortlist,
        "choice": {"coef": choice.round(6).tolist(), "intercept": round(offset, 6), "l2": l2},
    }
    # The threshold: with the answer-typing rules, REFUSE_SHARE of the fitting articles'
    # answerable questions are refused.
    answerable = [r for r in train if r["answerable"]]
    listed = [quoting(r, shortlist) for r in answerable]
    chosen = [q["ev"].X @ choice + offset for q in listed]  # each shortlisted candidate's choice score
    conf = []
    for r, q, c in zip(answerable, listed, chosen):
        ruled_out = bool(rule_out(r["qi"], r["ev"], r["ev"].X @ coef + intercept, r.get("figures"),
                                  *first_typed(q, int(np.argmax(c))), r.get("terms")))
        conf.append(-1.0 if ruled_out else float(ans.predict_proba(scaler.transform([best(r)[0]]))[0, 1]))
    model["threshold"] = round(float(np.sort(conf)[int(REFUSE_SHARE * len(conf))]), 6)
    model["answer_ratio"] = answer_ratio(chosen, QUOTED)
    return model


def quoting(r: dict, shortlist: dict) -> dict:
    """Row `r` as the choice model reads it: its shortlisted candidates, alignment columns added."""
    from rag.judge import Judge

    rows = Judge({}, {}, 0.5, {}, shortlist=shortlist).shortlisted(r["ev"])
    return {**r, "ev": r["ev"].take(rows, r["aligned"][rows]), "gold": r["gold"][rows], "role_about": r["role_about"][rows]}


def first_typed(listed: dict, first: int) -> tuple[bool, bool]:
    """Does the candidate to be quoted first hold the kind of thing asked for, and is it about the
    role a person is asked for by (`rule_out`'s `first_typed` and `first_about`)?"""
    return bool(listed["ev"].column("typed")[first]), bool(listed["role_about"][first])


def fit_reader(rows: list[dict], model: dict, fit_articles: set[str], idx, reader, cache: Path | None = None) -> dict:
    """The reader model: the judge's log-odds and the reader's about the sentence to be quoted
    first (`rag.reader`), weighed by a logistic regression on the fitting articles' questions.

    Its threshold refuses REFUSE_SHARE of their answerable questions, like the judge's; its
    range is READER_RANGE of the reader's log-odds (see `Judge.read`). What the reader said is
    kept in `cache` (JSON, keyed by the prompt), so that a refit asks it again only about what it
    has not read: asking takes about 30 minutes, the fit seconds."""
    from dataclasses import replace

    from sklearn.linear_model import LogisticRegression
    from tqdm import tqdm

    from rag.judge import _logit
    from rag.reader import MODEL, prompt

    judge = _judge(model)
    train = [r for r in rows if r["article"] in fit_articles and len(r["gold"])]
    said_before = json.loads(cache.read_text(encoding="utf-8")) if cache and cache.exists() else {}

    def ask(question: str, sentence: str) -> float:
        key = hashlib.sha1(json.dumps(prompt(question, sentence)).encode()).hexdigest()  # a new prompt asks anew
        if key not in said_before:
            said_before[key] = reader.log_odds(question, sentence)
            if cache and len(said_before) % 50 == 0:  # a killed run keeps what it asked
                _atomic_write(cache, json.dumps(said_before))
        return said_before[key]

    seen = []  # (judge confidence, reader log-odds, answerable, quoted sentence holds the answer, ruled out)
    for r in tqdm(train, desc="reader", unit="q", leave=False, disable=not sys.stderr.isatty()):
        ev, scores = r["ev"], judge.sentence_scores(r["ev"])
        listed = quoting(r, judge.shortlist)
        first = int(np.argmax(judge.choice_scores(listed["ev"])))
        if rule_out(r["qi"], ev, scores, r.get("figures"), *first_typed(listed, first), r.get("terms")):  # refused before the reader is asked
            seen.append((0.5, 0.0, r["answerable"], False, True))
            continue
        said = ask(r["qi"].text, idx.sentences[int(listed["ev"].sentence_ids[first])].text)
        seen.append((judge.confidence(ev, scores), said, r["answerable"], bool(listed["gold"][first]), False))
    # answerable, but the sentence quoted first misses: neither kind to learn from
    if cache:
        _atomic_write(cache, json.dumps(said_before))
    kept = [(p, x, a) for p, x, a, right, ruled in seen if not ruled and (right or not a)]
    fit = LogisticRegression(C=1.0, max_iter=5000).fit([(_logit(p), x) for p, x, _ in kept], [int(a) for *_, a in kept])
    (a, b), c = fit.coef_[0], float(fit.intercept_[0])
    weighed = replace(judge, reader={"coef": [a, b], "intercept": c})  # what answering computes (`Judge.with_reader`)
    conf = sorted(-1.0 if ruled else weighed.with_reader(p, x) for p, x, ans, _, ruled in seen if ans)
    lo, hi = np.percentile([k[1] for k in kept], READER_RANGE)
    return {
        "coef": [round(float(a), 6), round(float(b), 6)],
        "intercept": round(c, 6),
        "threshold": round(conf[int(REFUSE_SHARE * len(conf))], 6),
        "range": [round(float(lo), 6), round(float(hi), 6)],
        "model": MODEL,
    }


def _portable(arg: str) -> str:
    """A path argument as seen from the working directory (the repository), not this machine's root.

    >>> _portable(os.getcwd()), _portable("--articles"), _portable("/no/such/file")
    ('.', '--articles', '/no/such/file')
    """
    return os.path.relpath(arg) if os.path.isabs(arg) and os.path.exists(arg) else arg


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.fit_judge", description=__doc__.split("\n")[0])
    p.add_argument("squad", type=Path)
    p.add_argument("--articles", required=True, help="comma-separated titles that fit; the rest are held out")
    p.add_argument("--out", type=Path, default=PATH)
    p.add_argument("--extra", type=Path, help="JSON lines of unanswerable questions written for the fitting articles "
                   "(e.g. eval/fit_missing.jsonl), added to the fit")
    p.add_argument("--reader", action="store_true", help="also fit the reader model (asks the bundled 1.5B model "
                   "about every fitting question: about 30 minutes on 2 cores)")
    args = p.parse_args(argv)
    cfg = Config.load(progress=sys.stderr.isatty())
    fit_articles = set(args.articles.split(","))
    try:
        extra = read_extra(args.extra, fit_articles) if args.extra else []
        rows = collect(args.squad, cfg, fit_articles, extra)
    except RagError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    model = fit(rows, fit_articles)
    if args.reader:
        from rag.reader import MODEL, make_reader

        try:
            idx = load_index(cfg.with_(index_dir=cache_folder(f"squad-{args.squad.stem}")), build_if_missing=False)
            cache = cache_folder(f"squad-{args.squad.stem}-reader-{MODEL}.json")
            model["reader"] = fit_reader(rows, model, fit_articles, idx, make_reader(cfg.with_(reader="local")), cache)
        except RagError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    held_out = sorted({r["article"] for r in rows} - fit_articles)
    model |= {
        "features": list(FEATURES),
        "question_features": list(QUESTION_FEATURES),
        "choice_features": list(CHOICE_FEATURES),
        "threshold_rule": f"refuses {REFUSE_SHARE:.0%} of the fitting articles' answerable questions",
        "answer_ratio_rule": f"answers quote {QUOTED} sentences on average over the fitting articles' answerable questions",
        **({"reader_rule": f"the reader's threshold refuses {REFUSE_SHARE:.0%} of the fitting articles' answerable "
            f"questions; its range is percentiles {READER_RANGE[0]} to {READER_RANGE[1]} of its log-odds there"}
           if "reader" in model else {}),
        "provenance": {
            "fitted_on": {
                "file": args.squad.name,
                "sha256": hashlib.sha256(args.squad.read_bytes()).hexdigest(),
                "articles": sorted(fit_articles),
                **({"extra": {"file": args.extra.name, "sha256": hashlib.sha256(args.extra.read_bytes()).hexdigest(),
                              "questions": len(extra)}} if args.extra else {}),
            },
            "held_out_articles": held_out,
            "command": "python -m eval.fit_judge " + " ".join(map(_portable, argv if argv is not None else sys.argv[1:])),
        },
    }
    _atomic_write(args.out, json.dumps(model, indent=1) + "\n")
    report(rows, model, set(held_out))
    return 0


def _judge(model: dict):
    """The fitted models (no reader yet) as the Judge that answering uses."""
    from rag.judge import Judge

    return Judge(model["sentence"], model["answerable"], model["threshold"], {}, choice=model["choice"],
                 shortlist=model["shortlist"])


def report(rows: list[dict], model: dict, articles: set[str]) -> None:
    judge = _judge(model)
    right, chosen, refused, conf = [], [], [], []
    for r in (r for r in rows if r["article"] in articles):
        if not len(r["gold"]):
            refused.append(True), conf.append(0.0), right.append(False), chosen.append(False)
            continue
        scores = judge.sentence_scores(r["ev"])
        c = judge.confidence(r["ev"], scores)
        listed = quoting(r, judge.shortlist)
        first = int(np.argmax(judge.choice_scores(listed["ev"])))
        no = bool(rule_out(r["qi"], r["ev"], scores, r.get("figures"), *first_typed(listed, first), r.get("terms"))) or c < judge.threshold
        conf.append(c), refused.append(no), right.append(bool(r["gold"][int(np.argmax(scores))]))
        chosen.append(bool(listed["gold"][first]))
    ans = [i for i, r in enumerate(r for r in rows if r["article"] in articles) if r["answerable"]]
    una = [i for i in range(len(conf)) if i not in set(ans)]
    print(f"held out ({', '.join(sorted(articles))}): {len(ans)} answerable, {len(una)} unanswerable")
    print(f"  best sentence holds the answer  {np.mean([chosen[i] for i in ans]):.3f} (choice model; sentence model {np.mean([right[i] for i in ans]):.3f})")
    print(f"  refusal AUC                     {auc([conf[i] for i in ans if right[i]], [conf[i] for i in una]):.3f}")
    print(f"  wrongly refused                 {np.mean([refused[i] for i in ans]):.3f}")
    print(f"  refused                         {np.mean([refused[i] for i in una]):.3f}")


if __name__ == "__main__":
    sys.exit(main())
