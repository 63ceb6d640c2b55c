"""Folders of news articles with questions written for them -> answer-quality metrics, through `rag.answer`.

A set is a folder: `articles/` (read as `rag index` reads a folder) and `questions.jsonl`, one
question a line:

    {"id": "A01", "type": "answerable", "article": "hail.txt", "question": "...", "expected": "412"}
    {"id": "U01", "type": "unanswerable", "article": "hail.txt", "question": "...", "expected": null}
    {"id": "C01", "type": "conversation", "article": "hail.txt",
     "turns": [{"question": "...", "expected": "..."}, {"question": "And since when?", "expected": null}]}

`expected` is a span of the article; an answer is right when it is no refusal and holds it, by
SQuAD's normalization (case, punctuation and articles aside). A conversation's second turn is
asked with the first and its answer as history; a turn whose `expected` is null is unanswerable.
Each set is indexed alone, its articles the whole corpus as a user's folder would be (cached by
their content). `eval/news/` holds the development sets; see the README for what fits what.

>>> [q["id"] for q in rows_of([{"id": "C1", "type": "conversation", "article": "a.txt", "turns": [
...     {"question": "Who won?", "expected": "Ann"}, {"question": "When?", "expected": None}]}])]
['C1.1', 'C1.2']
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from rag import Config, answer, index, load_index
from rag.errors import InputError

from .benchmark import cache_folder
from .qa import row, summarize
from .squad import contains_gold

TYPES = ("answerable", "unanswerable", "conversation")


def sets_in(paths: list[Path]) -> list[Path]:
    """The set folders named: each path is a set, or a folder of sets (`eval/news`)."""
    found = []
    for path in map(Path, paths):
        if (path / "questions.jsonl").is_file():
            found.append(path)
        elif path.is_dir() and (inner := sorted(p.parent for p in path.glob("*/questions.jsonl"))):
            found += inner
        else:
            raise InputError(f"no questions.jsonl in {path} or in its folders")
    return found


def load_set(folder: Path) -> list[dict]:
    """The set's questions as scored rows (`rows_of`); a malformed line is a one-line error."""
    path = folder / "questions.jsonl"
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            ok = isinstance(record, dict) and record.get("type") in TYPES and isinstance(record.get("article"), str)
            ok = ok and (len(record.get("turns") or []) == 2 if record["type"] == "conversation" else isinstance(record.get("question"), str))
        except ValueError:
            ok = False
        if not ok:
            raise InputError(f"{path}:{n}: not a question of a news set (see eval/news.py)")
        records.append(record)
    if not records:
        raise InputError(f"{path} holds no questions")
    return rows_of(records)


def rows_of(records: list[dict]) -> list[dict]:
    """One row per question asked: a conversation gives two, the second with the first as history."""
    rows = []
    for r in records:
        turns = r["turns"] if r["type"] == "conversation" else [{"question": r["question"], "expected": r.get("expected")}]
        if r["type"] == "unanswerable":
            turns = [{**turns[0], "expected": None}]
        for n, turn in enumerate(turns, 1):
            rows.append({"id": f"{r['id']}.{n}" if len(turns) > 1 else r["id"], "question": turn["question"],
                         "expected": turn.get("expected"), "answerable": turn.get("expected") is not None,
                         "gold": r["article"], "follows": n > 1})
    return rows


def set_index(folder: Path, cfg: Config, root: Path | None = None) -> Config:
    """`cfg` pointed at the set's own index, built (or found) in a folder named by its articles'
    content, under `root` (default: the benchmarks' cache folder)."""
    articles = folder / "articles"
    if not articles.is_dir():
        raise InputError(f"no articles folder in {folder}")
    digest = hashlib.sha256()
    for p in sorted(articles.rglob("*")):
        if p.is_file():
            digest.update(p.relative_to(articles).as_posix().encode() + b"\0" + p.read_bytes())
    name = f"news-{folder.name}-{digest.hexdigest()[:12]}"
    cfg = cfg.with_(corpus=articles, index_dir=Path(root) / name if root else cache_folder(name))
    index(config=cfg)
    load_index(cfg, build_if_missing=False)
    return cfg


def run_set(folder: Path, cfg: Config, root: Path | None = None) -> list[dict]:
    """Every question of one set through `rag.answer`, scored."""
    questions = load_set(folder)
    cfg = set_index(folder, cfg, root)
    answer("warm-up: load the model", config=cfg)
    scored, history = [], []
    for q in questions:
        if not q["follows"]:
            history = []
        t0 = time.perf_counter()
        a = answer(q["question"], history=history, config=cfg)
        seconds = time.perf_counter() - t0
        right = q["answerable"] and not a.abstained and contains_gold(a.text, [q["expected"]])
        scored.append(row(q, a, seconds, right=right))
        history = [{"role": "user", "content": q["question"]}, {"role": "assistant", "content": a.text}]
    return scored


def run_news(paths: list[Path], cfg: Config, root: Path | None = None) -> dict:
    """The metrics of `eval.qa.summarize` over every set named, and of each set (`sets`);
    `root`: where the sets' indexes are kept (`set_index`)."""
    __import__("rag.entities").entities.warm_up()  # spaCy, outside the timed questions
    every, per_set = [], {}
    for folder in sets_in(paths):
        rows = run_set(folder, cfg, root)
        every += [{**r, "id": f"{folder.name}/{r['id']}"} for r in rows]
        per_set[folder.name] = summarize(rows, str(folder), cfg)
    result = summarize(every, ", ".join(per_set), cfg)
    result["sets"] = {name: {k: m[k] for k in ("right", "cited", "wrongly_refused", "refused", "refusal_auc", "questions")}
                      for name, m in per_set.items()}
    return result
