"""A question set (JSONL) + the index -> answer-quality metrics, through `rag.answer` itself.

Each line: {"id", "question", "answerable": true, "gold": file, "must_contain": [term or [alternatives]]}
or {"id", "question", "answerable": false, "kind": "off-topic" | "on-topic"}. A row with
"history": [earlier user questions] is a conversation: the earlier turns are answered in order
first, and the question is asked with them as its history.

Metrics (answerable questions unless said otherwise):
- gold@1, gold@3, MRR: rank of the gold article among the distinct articles of the retrieved passages;
- cited: the gold article is among the answer's citations;
- right: not abstained, and every must_contain term (or one alternative) is in the answer text;
- wrongly refused: answerable questions refused; refused: unanswerable questions refused;
- overall: right plus rightly refused, over all questions; all_refuse: the same for refusing all;
- refusal AUC: ROC AUC of the answer's confidence between answerable questions answered right
  and unanswerable ones: how well the signal behind refusal separates them, whatever the threshold;
- abstention precision: over all refusals, those that were right;
- latency p50 / p95: wall time of `rag.answer` per question, model and index already loaded.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from rag import Config, answer, load_index
from rag.errors import InputError

from .metrics import auc


def load_questions(path: Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no question set at {path}")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["question"], row["answerable"]  # noqa: B018 - required keys
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path}:{n}: not a question record (needs question and answerable)") from None
        rows.append(row)
    if not rows:
        raise InputError(f"{path} holds no questions")
    return rows


def contains(text: str, term: str | list[str]) -> bool:
    """Is `term` (or one of its alternatives) in `text` as whole words? "11" is not in "2011"."""
    import re

    alternatives = [term] if isinstance(term, str) else term
    return any(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", text, re.I) for a in alternatives)


def run_qa(path: Path, cfg: Config) -> dict:
    questions = load_questions(path)
    load_index(cfg)
    answer("warm-up: load the model", config=cfg)
    __import__("rag.entities").entities.warm_up()  # spaCy too, outside the timed questions  # latency is measured with the model loaded
    rows = []
    for q in questions:
        history = converse(q.get("history", []), cfg)
        t0 = time.perf_counter()
        a = answer(q["question"], history=history, config=cfg)
        seconds = time.perf_counter() - t0
        right = q["answerable"] and not a.abstained and all(contains(a.text, t) for t in q.get("must_contain", []))
        rows.append(row(q, a, seconds, right=right))
    return summarize(rows, str(path), cfg)


def converse(turns: list[str], cfg: Config) -> list[dict]:
    """A conversation's earlier user turns, each answered in order: the history of the next."""
    history: list[dict] = []
    for turn in turns:
        a = answer(turn, history=history, config=cfg)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": a.text}]
    return history


MARKER = re.compile(r"\[\d+\]")


def row(q: dict, a, seconds: float, *, right: bool) -> dict:
    """One scored question, as `summarize` reads it (the seed sets and SQuAD share it)."""
    docs = list(dict.fromkeys(p.chunk.doc_id for p in a.passages))
    return {
        "id": q.get("id"),
        "answerable": q["answerable"],
        "abstained": a.abstained,
        "rank": docs.index(q["gold"]) + 1 if q.get("gold") in docs else None,
        "cited": q.get("gold") in {c.source for c in a.citations},
        "correct": right,
        "confidence": a.confidence,
        "words": None if a.abstained else len(MARKER.sub(" ", a.text).split()),
        "seconds": seconds,
        "first_piece": a.timings.get("first_piece", seconds),
        "reason": a.reason,
        "markers": checked_markers(a),
        "dropped": len(a.checks.get("dropped", [])),
        "written": len(a.checks.get("written", [])),
        # None: no model was asked; else whether the answer shown is the model's, not the quote it fell back to
        "model_answer": (not a.checks.get("fell_back") and not a.abstained) if a.checks.get("asked_model") else None,
        "tokens_per_s": tokens_per_second(a.checks),
        "model_first_token": a.checks.get("ttft_s"),  # None: no model was asked
        "read": (a.checks.get("reader") or {}).get("log_odds") is not None,  # the reader was asked (rag.reader)
    }


def checked_markers(a) -> tuple[int, int]:
    """(markers, markers whose sentence the cited snippet supports), by `rag.verify.support`:
    the check behind citation_precision, the same for every answerer."""
    from rag.verify import support

    if a.abstained:
        return 0, 0
    snippets = {c.n: c.snippet for c in a.citations}
    total = good = 0
    for sentence, markers in re.findall(r"(.+?)\s*((?:\[\d+\])+)", a.text):
        cited = [snippets.get(int(n)) for n in re.findall(r"\d+", markers)]
        total += len(cited)
        if all(cited) and support(sentence.strip(), cited):
            good += len(cited)
    return total, good


def tokens_per_second(checks: dict) -> float | None:
    """A language model's writing speed: cl100k tokens of its reply after the first one arrived."""
    if not checks.get("reply") or not checks.get("ttft_s"):
        return None
    from rag.tokens import get_encoding

    writing = checks["seconds"] - checks["ttft_s"]
    return len(get_encoding().encode(checks["reply"])) / writing if writing > 0 else None


def summarize(rows: list[dict], name: str, cfg: Config) -> dict:
    """The metrics of the module docstring, plus the keys every QA report shares:
    right, cited, wrongly_refused, refused, overall, all_refuse, refusal_auc, answer_words."""
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    refused = [r for r in rows if r["abstained"]]
    times = sorted(r["seconds"] for r in rows)
    first = sorted(r["first_piece"] for r in rows)
    share = lambda xs, n: round(len(xs) / n, 4) if n else 0.0  # noqa: E731
    right = [r for r in ans if r["correct"]]
    words = sorted(r["words"] for r in rows if r["words"] is not None)
    return {
        "set": name,
        "mode": cfg.mode,
        "questions": {"answerable": len(ans), "unanswerable": len(una)},
        "gold@1": share([r for r in ans if r["rank"] == 1], len(ans)),
        "gold@3": share([r for r in ans if r["rank"] and r["rank"] <= 3], len(ans)),
        "mrr": round(sum(1 / r["rank"] for r in ans if r["rank"]) / len(ans), 4) if ans else 0.0,
        "right": share(right, len(ans)),
        "cited": share([r for r in ans if r["cited"]], len(ans)),
        "wrongly_refused": share([r for r in ans if r["abstained"]], len(ans)),
        "refused": share([r for r in una if r["abstained"]], len(una)),
        "overall": share(right + [r for r in una if r["abstained"]], len(rows)),
        "all_refuse": share(una, len(rows)),
        "refusal_auc": round(auc([r["confidence"] for r in right], [r["confidence"] for r in una]), 4),
        "abstention_precision": share([r for r in refused if not r["answerable"]], len(refused)),
        "answer_words": words[len(words) // 2] if words else 0,
        "latency_ms": {"p50": round(_pct(times, 50) * 1000, 1), "p95": round(_pct(times, 95) * 1000, 1)},
        "generator": cfg.generator,
        "reader": cfg.reader,
        "reader_asked": share([r for r in rows if r.get("read")], len(rows)),
        "citation_precision": round(sum(r["markers"][1] for r in rows) / markers, 4) if (markers := sum(r["markers"][0] for r in rows)) else 1.0,
        "unsupported_dropped": round(sum(r["dropped"] for r in rows) / max(1, sum(r["dropped"] + r["written"] for r in rows)), 4),
        # model_written: of the answers the model was asked to write, the share it wrote (the rest fell back to the quote)
        "model_written": share([r for r in asked if r["model_answer"]], len(asked))
        if (asked := [r for r in rows if r.get("model_answer") is not None]) else None,
        # ttft_ms: the first piece a reader sees (for a model, its first checked sentence);
        # model_ttft_ms: the model's own first token, over the questions it was asked.
        "ttft_ms": {"p50": round(_pct(first, 50) * 1000, 1), "p95": round(_pct(first, 95) * 1000, 1)},
        "model_ttft_ms": {"p50": round(_pct(model, 50) * 1000, 1), "p95": round(_pct(model, 95) * 1000, 1)}
        if (model := sorted(r["model_first_token"] for r in rows if r.get("model_first_token"))) else None,
        "tokens_per_s": round(sum(speeds) / len(speeds), 1) if (speeds := [r["tokens_per_s"] for r in rows if r["tokens_per_s"]]) else None,
        "failures": [
            {"id": r["id"], "abstained": r["abstained"], "reason": r["reason"]}
            for r in rows
            if (r["answerable"] and not (r["correct"] and r["cited"])) or (not r["answerable"] and not r["abstained"])
        ],
    }


def _pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def format_table(m: dict) -> str:
    q = m["questions"]
    pct = lambda label, v: f"  {label:<40}{v:>8.1%}"  # noqa: E731
    lines = [
        f"{m['set']}: {q['answerable']} answerable + {q['unanswerable']} unanswerable questions, mode {m['mode']}",
        "",
        pct("gold article at rank 1", m["gold@1"]),
        pct("gold article in top 3", m["gold@3"]),
        f"  {'MRR (gold article)':<40}{m['mrr']:>8.3f}",
        pct("right (answer holds the answer)", m["right"]),
        pct("cited (gold article cited)", m["cited"]),
        pct("wrongly refused (answerable)", m["wrongly_refused"]),
        pct("refused (unanswerable)", m["refused"]),
        pct("overall (right or rightly refused)", m["overall"]) + f"   refusing all: {m['all_refuse']:.1%}",
        f"  {'refusal AUC (confidence)':<40}{m['refusal_auc']:>8.3f}",
        pct("abstention precision", m["abstention_precision"]),
        f"  {'answer words (median)':<40}{m['answer_words']:>8}",
        f"  {'latency p50 / p95 (ms)':<40}{m['latency_ms']['p50']:>8.1f} / {m['latency_ms']['p95']:.1f}",
        f"  {'first piece p50 / p95 (ms)':<40}{m['ttft_ms']['p50']:>8.1f} / {m['ttft_ms']['p95']:.1f}",
        pct("citation precision (verified)", m["citation_precision"]),
    ]
    if m["generator"] != "extractive":
        lines += [
            f"  {'answerer':<40}{m['generator']:>8}",
            pct("written sentences dropped", m["unsupported_dropped"]),
            pct("answers the model wrote (else quoted)", m["model_written"] or 0.0),
            f"  {'tokens/s (writing)':<40}{m['tokens_per_s'] or 0:>8.1f}",
        ]
    if m["failures"] and len(m["failures"]) <= 40:
        lines += ["", "  misses: " + ", ".join(f["id"] or "?" for f in m["failures"])]
    return "\n".join(lines)
