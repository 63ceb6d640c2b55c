"""A question set (JSONL) + the index -> answer-quality metrics, through `rag.answer` itself.

Each line: {"id", "question", "answerable": true, "gold": file, "must_contain": [term or [alternatives]]}
or {"id", "question", "answerable": false, "kind": "off-topic" | "on-topic"}.

Metrics (answerable questions unless said otherwise):
- gold@1, gold@3, MRR: rank of the gold article among the distinct articles of the retrieved passages;
- gold cited: the gold article is among the answer's citations;
- accuracy: not abstained, and every must_contain term (or one alternative) is in the answer text;
- abstention precision / recall: over all questions, refusals that were right / unanswerables refused;
- wrongly refused: answerable questions refused;
- latency p50 / p95: wall time of `rag.answer` per question, model and index already loaded.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from rag import Config, answer, load_index
from rag.errors import InputError


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
    answer("warm-up: load the model", config=cfg)  # latency is measured with the model loaded
    rows = []
    for q in questions:
        t0 = time.perf_counter()
        a = answer(q["question"], config=cfg)
        seconds = time.perf_counter() - t0
        docs = list(dict.fromkeys(p.chunk.doc_id for p in a.passages))
        rank = docs.index(q["gold"]) + 1 if q.get("gold") in docs else None
        rows.append({
            "id": q.get("id"),
            "answerable": q["answerable"],
            "abstained": a.abstained,
            "rank": rank,
            "cited": q.get("gold") in {c.source for c in a.citations},
            "correct": q["answerable"] and not a.abstained and all(contains(a.text, t) for t in q.get("must_contain", [])),
            "seconds": seconds,
            "reason": a.reason,
        })
    return summarize(rows, str(path), cfg)


def summarize(rows: list[dict], name: str, cfg: Config) -> dict:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    refused = [r for r in rows if r["abstained"]]
    times = sorted(r["seconds"] for r in rows)
    share = lambda xs, n: round(len(xs) / n, 4) if n else 0.0  # noqa: E731
    return {
        "set": name,
        "mode": cfg.mode,
        "questions": {"answerable": len(ans), "unanswerable": len(una)},
        "gold@1": share([r for r in ans if r["rank"] == 1], len(ans)),
        "gold@3": share([r for r in ans if r["rank"] and r["rank"] <= 3], len(ans)),
        "mrr": round(sum(1 / r["rank"] for r in ans if r["rank"]) / len(ans), 4) if ans else 0.0,
        "gold_cited": share([r for r in ans if r["cited"]], len(ans)),
        "accuracy": share([r for r in ans if r["correct"]], len(ans)),
        "abstention_precision": share([r for r in refused if not r["answerable"]], len(refused)),
        "abstention_recall": share([r for r in una if r["abstained"]], len(una)),
        "wrongly_refused": share([r for r in ans if r["abstained"]], len(ans)),
        "latency_ms": {"p50": round(_pct(times, 50) * 1000, 1), "p95": round(_pct(times, 95) * 1000, 1)},
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
    lines = [
        f"{m['set']}: {q['answerable']} answerable + {q['unanswerable']} unanswerable questions, mode {m['mode']}",
        "",
        f"  {'gold article at rank 1':<34}{m['gold@1']:>8.1%}",
        f"  {'gold article in top 3':<34}{m['gold@3']:>8.1%}",
        f"  {'MRR (gold article)':<34}{m['mrr']:>8.3f}",
        f"  {'gold article cited':<34}{m['gold_cited']:>8.1%}",
        f"  {'answer accuracy':<34}{m['accuracy']:>8.1%}",
        f"  {'abstention precision':<34}{m['abstention_precision']:>8.1%}",
        f"  {'abstention recall (refused)':<34}{m['abstention_recall']:>8.1%}",
        f"  {'answerable wrongly refused':<34}{m['wrongly_refused']:>8.1%}",
        f"  {'latency p50 / p95 (ms)':<34}{m['latency_ms']['p50']:>8.1f} / {m['latency_ms']['p95']:.1f}",
    ]
    if m["failures"]:
        lines += ["", "  misses: " + ", ".join(f["id"] or "?" for f in m["failures"])]
    return "\n".join(lines)
