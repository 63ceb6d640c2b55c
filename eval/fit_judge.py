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
import sys
from pathlib import Path

import numpy as np

from rag import Config, load_index
from rag.evidence import FEATURES
from rag.generate import rule_out
from rag.judge import PATH, QUESTION_FEATURES, question_features

from .benchmark import cache_folder, ensure_index
from .metrics import auc
from .squad import contains_gold, load_squad

REFUSE_SHARE = 0.05  # the threshold refuses this share of the fitting data's answerable questions


def collect(path: Path, cfg: Config) -> list[dict]:
    """Every question's candidate sentences, their features, and which hold a gold answer."""
    from rag.embed import embed
    from rag.generate import ExtractiveGenerator
    from rag.retrieve import retrieve

    ds = load_squad(path)
    cfg = cfg.with_(index_dir=cache_folder(f"squad-{ds.name}"))
    ensure_index(ds.documents, cfg)
    idx = load_index(cfg, build_if_missing=False)
    gen = ExtractiveGenerator(idx, cfg)
    vecs = embed([q["question"] for q in ds.questions], cfg.model, batch_size=cfg.batch_size, progress=cfg.progress)
    out = []
    for q, v in zip(ds.questions, vecs):
        qi, ev = gen.evidence(q["question"], v, retrieve(idx, q["question"], v, cfg))
        gold = [q["answerable"] and contains_gold(idx.sentences[s].text, q["answers"]) for s in ev.sentence_ids.tolist()]
        out.append({"article": q["gold"], "answerable": q["answerable"], "qi": qi, "ev": ev, "gold": np.array(gold, dtype=bool)})
    return out


def collect_set(path: Path, cfg: Config) -> list[dict]:
    """A question set's single-turn questions (JSONL, as `eval.qa`), as rows like `collect`'s:
    a sentence counts as holding the answer when it is in the gold article and holds one of the
    must_contain terms."""
    from rag.embed import embed_query
    from rag.generate import ExtractiveGenerator
    from rag.retrieve import retrieve

    from .qa import contains, load_questions

    idx = load_index(cfg)
    gen = ExtractiveGenerator(idx, cfg)
    out = []
    for q in load_questions(path):
        if q.get("history"):
            continue
        v = embed_query(q["question"], cfg.model)
        qi, ev = gen.evidence(q["question"], v, retrieve(idx, q["question"], v, cfg))
        terms = [t for t in q.get("must_contain", [])]
        gold = [
            q["answerable"] and idx.sentences[s].doc_id == q["gold"] and any(contains(idx.sentences[s].text, t) for t in terms)
            for s in ev.sentence_ids.tolist()
        ]
        out.append({"article": f"{path.name}", "answerable": q["answerable"], "qi": qi, "ev": ev, "gold": np.array(gold, dtype=bool)})
    return out


def fit(rows: list[dict], fit_articles: set[str], extra: list[dict] = ()) -> dict:
    """`extra`: rows of another corpus (news questions) that join the answerability model only,
    weighted so that they count as much, in all, as the fitting articles' questions."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    train = [r for r in rows if r["article"] in fit_articles and len(r["gold"])]
    sx = np.concatenate([r["ev"].X for r in train if r["answerable"] and r["gold"].any()])
    sy = np.concatenate([r["gold"] for r in train if r["answerable"] and r["gold"].any()])
    sent = LogisticRegression(C=1.0, max_iter=5000).fit(sx, sy)
    coef, intercept = sent.coef_[0], float(sent.intercept_[0])

    def best(r):
        scores = r["ev"].X @ coef + intercept
        return question_features(r["ev"], scores), bool(r["gold"][int(np.argmax(scores))])

    qx, qy, qw = [], [], []
    for group in (train, [r for r in extra if len(r["gold"])]):
        kept = [(best(r), r["answerable"]) for r in group]
        # answerable, but the best sentence misses: neither kind to learn from
        kept = [(x, a) for (x, right), a in kept if right or not a]
        qx += [x for (x, _) in kept]
        qy += [int(a) for (_, a) in kept]
        qw += [1.0 / len(kept)] * len(kept) if kept else []
    scaler = StandardScaler().fit(qx)
    weights = np.array(qw) * len(qw) / sum(qw)
    ans = LogisticRegression(C=0.1, max_iter=5000).fit(scaler.transform(qx), qy, sample_weight=weights)
    model = {
        "sentence": {"coef": coef.round(6).tolist(), "intercept": round(intercept, 6)},
        "answerable": {
            "mean": scaler.mean_.round(6).tolist(),
            "scale": scaler.scale_.round(6).tolist(),
            "coef": ans.coef_[0].round(6).tolist(),
            "intercept": round(float(ans.intercept_[0]), 6),
        },
    }
    # The threshold: with the answer-typing rules, REFUSE_SHARE of the answerable questions of
    # the fitting articles (and of the news sets, counting equally) are refused.
    conf, weight = [], []
    for group in (train, extra):
        answerable = [r for r in group if r["answerable"] and len(r["gold"])]
        for r in answerable:
            scores = r["ev"].X @ coef + intercept
            ruled_out = bool(rule_out(r["qi"], r["ev"], scores))
            conf.append(-1.0 if ruled_out else float(ans.predict_proba(scaler.transform([best(r)[0]]))[0, 1]))
            weight.append(1.0 / len(answerable))
    order = np.argsort(conf, kind="stable")
    cumulative = np.cumsum(np.array(weight)[order]) / sum(weight)
    model["threshold"] = round(float(np.array(conf)[order][np.searchsorted(cumulative, REFUSE_SHARE)]), 6)
    return model


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.fit_judge", description=__doc__.split("\n")[0])
    p.add_argument("squad", type=Path)
    p.add_argument("--articles", required=True, help="comma-separated titles that fit; the rest are held out")
    p.add_argument("--news", type=Path, action="append", default=[],
                   help="a question set over seeds/ (JSONL) that joins the answerability model (repeatable)")
    p.add_argument("--out", type=Path, default=PATH)
    args = p.parse_args(argv)
    cfg = Config.load(progress=sys.stderr.isatty())
    fit_articles = set(args.articles.split(","))
    rows = collect(args.squad, cfg)
    unknown = fit_articles - {r["article"] for r in rows}
    if unknown:
        print(f"error: no article {sorted(unknown)[0]!r} in {args.squad}", file=sys.stderr)
        return 1
    extra = [r for path in args.news for r in collect_set(path, cfg.with_(index_dir=cache_folder("fit-seeds")))]
    model = fit(rows, fit_articles, extra)
    held_out = sorted({r["article"] for r in rows} - fit_articles)
    model |= {
        "features": list(FEATURES),
        "question_features": list(QUESTION_FEATURES),
        "threshold_rule": f"refuses {REFUSE_SHARE:.0%} of the fitting data's answerable questions (each corpus counting equally)",
        "provenance": {
            "fitted_on": {
                "file": args.squad.name,
                "sha256": hashlib.sha256(args.squad.read_bytes()).hexdigest(),
                "articles": sorted(fit_articles),
            },
            "news_sets": [str(p) for p in args.news],
            "held_out_articles": held_out,
            "command": "python -m eval.fit_judge " + " ".join(argv if argv is not None else sys.argv[1:]),
        },
    }
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    report(rows, model, set(held_out))
    return 0


def report(rows: list[dict], model: dict, articles: set[str]) -> None:
    from rag.judge import Judge

    judge = Judge(model["sentence"], model["answerable"], model["threshold"], {})
    right, refused, conf = [], [], []
    for r in (r for r in rows if r["article"] in articles):
        if not len(r["gold"]):
            refused.append(True), conf.append(0.0), right.append(False)
            continue
        scores = judge.sentence_scores(r["ev"])
        c = judge.confidence(r["ev"], scores)
        no = bool(rule_out(r["qi"], r["ev"], scores)) or c < judge.threshold
        conf.append(c), refused.append(no), right.append(bool(r["gold"][int(np.argmax(scores))]))
    ans = [i for i, r in enumerate(r for r in rows if r["article"] in articles) if r["answerable"]]
    una = [i for i in range(len(conf)) if i not in set(ans)]
    print(f"held out ({', '.join(sorted(articles))}): {len(ans)} answerable, {len(una)} unanswerable")
    print(f"  best sentence holds the answer  {np.mean([right[i] for i in ans]):.3f}")
    print(f"  refusal AUC                     {auc([conf[i] for i in ans if right[i]], [conf[i] for i in una]):.3f}")
    print(f"  wrongly refused                 {np.mean([refused[i] for i in ans]):.3f}")
    print(f"  refused                         {np.mean([refused[i] for i in una]):.3f}")


if __name__ == "__main__":
    sys.exit(main())
