"""SQuAD 2.0 JSON -> articles and questions -> answer-quality metrics through `rag.answer`.

Each `title` becomes one article: its paragraphs in order, the title as headline, indexed by the
same `rag.index` as any corpus. Every question goes through `rag.answer` over the whole index
(the system must find the paragraph itself, unlike SQuAD's reading-comprehension setting).

An answer is right when it contains one of the gold answers after SQuAD's own normalization
(lower case, no punctuation, no articles), as whole words:

>>> contains_gold("It was founded in 911 by Rollo [1].", ["911"])
True
>>> contains_gold("In 9110 [1].", ["911"])
False
"""

from __future__ import annotations

import json
import random
import re
import string
import time
from dataclasses import dataclass
from pathlib import Path

from rag import Config, answer, load_index
from rag.errors import InputError
from rag.types import Document

from .benchmark import cache_folder, ensure_index
from .qa import MARKER, row, summarize

SEED = 13  # the fixed seed of --max-questions sampling


@dataclass(frozen=True)
class SquadDataset:
    name: str
    documents: list[Document]
    questions: list[dict]  # {"id", "question", "answerable", "gold" (doc_id), "answers"}


def load_squad(path) -> SquadDataset:
    """Read SQuAD 2.0 JSON exactly as published (`data` -> `title`, `paragraphs` -> `qas`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: SQuAD file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        documents, questions = [], []
        for article in data:
            title = article["title"]
            paragraphs = [p["context"].strip() for p in article["paragraphs"]]
            documents.append(Document(doc_id=title, title=title.replace("_", " "), text="\n\n".join(paragraphs)))
            for p in article["paragraphs"]:
                for qa in p["qas"]:
                    impossible = bool(qa.get("is_impossible", False))
                    questions.append({
                        "id": qa["id"],
                        "question": qa["question"],
                        "answerable": not impossible,
                        "gold": title,
                        "answers": [] if impossible else [a["text"] for a in qa["answers"]],
                    })
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{path}: not SQuAD 2.0 JSON (data -> title, paragraphs -> context, qas)") from None
    if not questions:
        raise InputError(f"{path}: no questions")
    return SquadDataset(path.stem, documents, questions)


def sample(questions: list[dict], n: int | None, seed: int = SEED) -> list[dict]:
    """`n` questions drawn with a fixed seed, keeping the answerable/unanswerable mix."""
    if n is None or n >= len(questions):
        return questions
    if n < 1:
        raise InputError(f"--max-questions must be at least 1, not {n}")
    rng = random.Random(seed)
    ans = [q for q in questions if q["answerable"]]
    una = [q for q in questions if not q["answerable"]]
    k = round(n * len(ans) / len(questions))
    picked = {q["id"] for q in rng.sample(ans, k) + rng.sample(una, n - k)}
    return [q for q in questions if q["id"] in picked]  # dataset order


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation)


def normalize(text: str) -> str:
    """SQuAD's answer normalization (the official evaluation script's `normalize_answer`)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def contains_gold(text: str, answers: list[str]) -> bool:
    body = " " + normalize(MARKER.sub(" ", text)) + " "
    return any(f" {normalize(a)} " in body for a in answers if normalize(a))


def run_squad(path, cfg: Config, *, max_questions: int | None = None, index_dir: Path | None = None) -> dict:
    ds = load_squad(path)
    questions = sample(ds.questions, max_questions)
    cfg = cfg.with_(index_dir=Path(index_dir) if index_dir else cache_folder(f"squad-{ds.name}"))
    ensure_index(ds.documents, cfg)
    load_index(cfg, build_if_missing=False)
    answer("warm-up: load the model", config=cfg)
    __import__("rag.entities").entities.warm_up()  # spaCy too, outside the timed questions
    rows = []
    for q in questions:
        t0 = time.perf_counter()
        a = answer(q["question"], config=cfg)
        seconds = time.perf_counter() - t0
        rows.append(row(q, a, seconds, right=q["answerable"] and not a.abstained and contains_gold(a.text, q["answers"])))
    result = summarize(rows, str(path), cfg)
    fitted = fitted_articles(path)
    if fitted:  # the judge was fitted on some of these articles: the others are the honest figure
        article = {q["id"]: q["gold"] for q in questions}
        held = [r for r in rows if article[r["id"]] not in fitted]
        result["fitted_articles"] = sorted(fitted)
        result["held_out"] = summarize(held, f"{path} (articles the judge was not fitted on)", cfg) if held else None
    return result


def fitted_articles(path) -> set[str]:
    """The articles of this very file that `rag/judge.json` was fitted on (none for another file)."""
    import hashlib

    from rag.judge import load

    fitted = load().provenance.get("fitted_on", {})
    if fitted.get("sha256") != hashlib.sha256(Path(path).read_bytes()).hexdigest():
        return set()
    return set(fitted.get("articles", []))
