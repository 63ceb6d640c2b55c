"""A question -> an Answer: the one core that the Python API, CLI, chat window and eval share.

>>> from rag import answer
>>> a = answer("Where did the ministers agree to create a database to track migrants?")  # doctest: +SKIP
>>> a.text  # doctest: +SKIP
'Security and human rights ministers ... agreed at a meeting in Sarajevo ... [1]'
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
import time
from pathlib import Path
from typing import Iterator

from .config import Config
from .errors import IndexMissingError, InputError
from .expand import expanded
from .retrieve import Filters, retrieve
from .storage import Index, check_settings, open_index, outdated_corpus, read_manifest
from .types import Answer, Passage

log = logging.getLogger("rag.build")
_lock = threading.Lock()
_loaded: dict[str, tuple[str, Index]] = {}  # index folder -> (generation, Index)
MAX_QUESTION_CHARS = 2000
MAX_HISTORY_MESSAGES = 10  # the turns a follow-up is read against (rag.followup reads the last few)
MAX_HISTORY_CHARS = 8000  # of each of them


def load_index(cfg: Config, *, build_if_missing: bool = True) -> Index:
    """The index for `cfg`, loaded once and reloaded only when a new build replaced it."""
    key = str(Path(cfg.index_dir).resolve())
    with _lock:
        try:
            manifest = read_manifest(cfg.index_dir)
        except IndexMissingError:
            if not build_if_missing:
                raise
            from .build import index

            index(cfg.corpus, config=cfg.with_(lock_wait=float("inf")))  # another build of it: wait, then reuse it
            manifest = read_manifest(cfg.index_dir)
        corpus = outdated_corpus(manifest, cfg) if build_if_missing else None
        if corpus is not None:  # built by another rag: rebuilt from its own articles, as on first start
            from .build import index

            log.warning("the index in %s was built by another version of rag: rebuilding it from %s", cfg.index_dir, corpus)
            index(corpus, config=cfg.with_(lock_wait=float("inf")))
            manifest = read_manifest(cfg.index_dir)
        gen = manifest["generation"]
        cached = _loaded.get(key)
        if cached is None or cached[0] != gen:
            _loaded[key] = (gen, open_index(cfg))
        idx = _loaded[key][1]
        check_settings(idx.manifest, cfg, cfg.index_dir)  # the same folder, other settings asked
        return idx


def search(
    question: str, *, top_k: int | None = None, filters: Filters | None = None, config: Config | None = None
) -> list[Passage]:
    """The passages retrieval finds for `question`, best first."""
    cfg = _settings(top_k, filters, config)
    question = _check(question)
    from .embed import embed_query

    idx = load_index(cfg)
    query = expanded(question, idx, cfg.bm25_stemmer)  # "IOM" searched with the words the articles spell it in
    return retrieve(idx, query, embed_query(query, cfg.embedder), cfg, filters)


def stream(
    question: str,
    *,
    top_k: int | None = None,
    history: list[dict] | None = None,
    filters: Filters | None = None,
    config: Config | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer's text in pieces, then the complete `Answer`.

    `history` is the conversation so far as OpenAI-style messages
    ({"role": "user" | "assistant", "content": ...}); a follow-up that leans on it
    ("and what did he say about Greece?") is rewritten into a standalone question first
    (`rag.followup`); `Answer.standalone` shows the rewrite.
    """
    cfg = _settings(top_k, filters, config)
    question = _check(question)
    history = _check_history(history)
    from .generate import make_generator
    from .embed import embed_query

    idx = load_index(cfg)
    t0 = time.perf_counter()
    query = standalone(question, history, cfg, idx)  # a follow-up becomes a standalone question
    # A question that stands alone is judged alone: what the conversation said gives none of its
    # words (`rag.question.given_by`), though an earlier answer may have quoted them all.
    leaning = history if query != question else None
    query = expanded(query, idx, cfg.bm25_stemmer)  # and "IOM" is searched with the words the articles spell it in
    q_vec = embed_query(query, cfg.embedder)
    t1 = time.perf_counter()
    passages = retrieve(idx, query, q_vec, cfg, filters)
    t2 = time.perf_counter()
    first = None  # when the first piece of the answer was ready: what a reader waits for
    for event in make_generator(idx, cfg).stream(query, q_vec, passages, leaning):
        if first is None:
            first = time.perf_counter() - t0
        if isinstance(event, Answer):
            timings = {"embed": t1 - t0, "retrieve": t2 - t1, "answer": time.perf_counter() - t2}
            timings["total"] = time.perf_counter() - t0
            timings["first_piece"] = first
            rewritten = query if query != question else ""
            event = replace(event, question=question, standalone=rewritten, timings={**event.timings, **timings})
        yield event


def answer(
    question: str,
    *,
    top_k: int | None = None,
    history: list[dict] | None = None,
    filters: Filters | None = None,
    config: Config | None = None,
) -> Answer:
    """Answer `question` from the articles, citing them; builds the index first if missing."""
    final = None
    for event in stream(question, top_k=top_k, history=history, filters=filters, config=config):
        if isinstance(event, Answer):
            final = event
    return final


def _check(question: str) -> str:
    """`question` as clean one-line text, or an InputError saying in one line what is wrong with it.

    Control characters (NUL, bell, a terminal's colour codes pasted along) are dropped, every
    run of whitespace becomes one space; a question with no letter or digit left asks nothing.
    """
    if not isinstance(question, str):
        raise InputError(f"the question must be text (a str), not {type(question).__name__}")
    _check_text(question, "the question")
    from .load import inert

    text = " ".join(inert(question).split())  # no terminal escapes or control characters; one line
    if not text:
        raise InputError("the question is empty: ask something about the articles")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is too long ({len(question)} characters; at most {MAX_QUESTION_CHARS})")
    if not any(ch.isalnum() for ch in text):  # "?!?...", emoji: nothing to search for
        raise InputError("the question has no words: ask something about the articles")
    return text


def _check_history(history: list[dict] | None) -> list[dict]:
    """`history` as a list of {"role": "user" | "assistant", "content": str}, or an InputError."""
    if history is None:
        return []
    shape = 'a list of {"role": "user" | "assistant", "content": str} messages'
    if not isinstance(history, (list, tuple)):
        raise InputError(f"history must be {shape}, not {type(history).__name__}")
    for i, m in enumerate(history):
        if not isinstance(m, dict):
            raise InputError(f"history[{i}] must be a dict in {shape}, not {type(m).__name__}")
        if m.get("role") not in ("user", "assistant"):
            raise InputError(f'history[{i}]["role"] must be "user" or "assistant", not {m.get("role")!r:.40}')
        content = m.get("content")
        if not isinstance(content, str):
            raise InputError(f'history[{i}]["content"] must be text (a str), not {type(content).__name__}')
        _check_text(content, f'history[{i}]["content"]')
    # Only the last turns are read (`rag.followup`), and only so much of each: a pasted book in
    # the history must not cost minutes of tagging.
    return [{**m, "content": m["content"][:MAX_HISTORY_CHARS]} for m in history[-MAX_HISTORY_MESSAGES:]]


def _settings(top_k, filters, config) -> Config:
    """The settings of one call, or an InputError naming the argument of the wrong type."""
    if config is not None and not isinstance(config, Config):
        raise InputError(f"config must be a rag.Config, not {type(config).__name__}")
    if filters is not None and not isinstance(filters, Filters):
        raise InputError(f"filters must be a rag.Filters, not {type(filters).__name__}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int)):
        raise InputError(f"top_k must be a whole number, not {top_k!r}")
    return (config or Config.load()).with_(top_k=top_k)


def _check_text(text: str, what: str) -> None:
    """A lone surrogate is a byte never decoded (Python's surrogateescape): no library accepts it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(
            f"{what} is not valid text: character {err.start + 1} is a lone surrogate "
            f"(U+{ord(text[err.start]):04X}), an undecoded byte; decode the input as UTF-8 first"
        ) from None


def standalone(question: str, history: list[dict], cfg: Config, idx: Index | None = None) -> str:
    """A follow-up as a standalone question: by the language model when one is configured
    (and answers), else by the rules of `rag.followup`, which read in `idx`'s articles whether
    a person is "he" or "she" when the conversation does not say."""
    import numpy as np

    from .followup import is_follow_up, rewrite, rewrite_with_model
    from .referents import pronoun_of

    def pronoun(name: str) -> str | None:  # "How old is she?" after an answer naming a man and a woman
        # The articles naming the surname, found by BM25's postings (a chunk scores above zero only
        # if it holds the word), not by reading every article: a corpus may hold thousands.
        chunks = np.flatnonzero(idx.bm25.scores(name.split()[-1]) > 0)
        docs = dict.fromkeys(idx.chunks[int(c)].doc_id for c in chunks)
        return pronoun_of(name, "\n".join(idx.documents[d].text for d in docs))

    if cfg.generator == "extractive" or not is_follow_up(question, history):
        return rewrite(question, history, pronoun if idx is not None else None)
    from .errors import ConfigError
    from .llm import chat_model

    try:
        return rewrite_with_model(question, history, chat_model(cfg))
    except ConfigError:  # no model to ask: the answerer will say so; the rules still rewrite
        return rewrite(question, history, pronoun if idx is not None else None)
