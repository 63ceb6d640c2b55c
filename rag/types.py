"""The records that pass between stages: Document -> Chunk -> Passage -> Answer (with Citations).

All are frozen dataclasses so a stage can never mutate what an earlier stage produced.
Character offsets (`start`, `end`) always index into the cleaned `Document.text`, so any
snippet can be traced back verbatim to the article it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One cleaned article.

    >>> Document(doc_id="a.txt", title="Headline", text="Body.").title
    'Headline'
    """

    doc_id: str  # file name relative to the corpus folder, or a dataset's own id
    title: str
    text: str  # cleaned body, headline excluded
    url: str | None = None
    date: str | None = None  # ISO 8601 date where the article gives one
    removed: tuple[str, ...] = ()  # boilerplate lines the cleaner dropped, for the report


@dataclass(frozen=True)
class Chunk:
    """A token-bounded, sentence-aligned slice of one document's text."""

    chunk_id: int
    doc_id: str
    title: str
    text: str
    start: int
    end: int
    n_tokens: int  # cl100k_base tokens in `text`
    sentences: tuple[tuple[int, int], ...] = ()  # sentence spans, offsets into the document text

    @property
    def embed_text(self) -> str:
        """What the embedding model sees: the headline gives every chunk its context."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class Sentence:
    """One sentence of the index, with its position in its document and its chunk."""

    sentence_id: int
    chunk_id: int
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and the per-signal scores behind it."""

    chunk: Chunk
    score: float
    signals: dict[str, float] = field(default_factory=dict)
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Citation:
    """Evidence for one `[n]` marker: a verbatim snippet from one article."""

    n: int  # the marker number used in Answer.text
    source: str  # article file name relative to the corpus folder
    title: str
    snippet: str  # verbatim sentence(s) of the article
    score: float
    url: str | None = None
    start: int = 0  # offsets of the snippet in the cleaned document text
    end: int = 0
    chunk_id: int = -1
    date: str | None = None  # the article's date (YYYY-MM-DD), when it gives one: news is read by it


@dataclass(frozen=True)
class Answer:
    """A grounded answer; `text` carries `[n]` markers indexing into `citations` (1-based)."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    passages: list[Passage] = field(default_factory=list)  # the evidence the answerer saw
    confidence: float = 0.0
    mode: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    reason: str = ""  # why the answerer abstained, when it did
    standalone: str = ""  # a follow-up rewritten with the conversation, as it was searched
    checks: dict = field(default_factory=dict)  # a language model's answer: what was verified, dropped, fallen back

    def to_dict(self) -> dict:
        """A JSON-ready view (used by `rag ask --json` and the eval runner)."""
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "mode": self.mode,
            "reason": self.reason,
            "standalone": self.standalone,
            "checks": self.checks,
            "citations": [c.__dict__ for c in self.citations],
            "passages": [
                {
                    "doc_id": p.chunk.doc_id,
                    "chunk_id": p.chunk.chunk_id,
                    "score": round(p.score, 4),
                    "signals": {k: round(v, 4) for k, v in p.signals.items()},
                }
                for p in self.passages
            ],
            "timings_ms": {k: round(v * 1000, 2) for k, v in self.timings.items()},
        }


def is_day(value) -> bool:
    """Is `value` a real day written YYYY-MM-DD, the one form a date takes here (an article's,
    a filter's)? `date.fromisoformat` alone also takes "20180705".

    >>> is_day("2018-07-05"), is_day("2018-02-30"), is_day("20180705"), is_day(None)
    (True, False, False, False)
    """
    import datetime as dt

    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return False
    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False
