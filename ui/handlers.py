"""The window's events -> calls into rag: ask (streamed), start over, show an answer's sources,
refresh what the window says about the index, add articles. Nothing here retrieves or answers by
itself: the settings become a rag.Config and a rag.Filters for the same `rag.stream` every front
end calls, and new articles go through `rag.index`.

A session is a dict kept per browser tab (gr.State): what the chat shows, the clean turns rag
sees as `history` (no errors, no footers), and the sources panel of each answer.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path

import gradio as gr

import rag
from rag.errors import IndexMismatchError, RagError
from ui import cards, overview, uploads

log = logging.getLogger(__name__)
N_EXAMPLES = 4
# The answer is shown growing at most this often: every update costs the server a pass over the
# chat and a message to the browser (50 concurrent extractive answers: 2,825 word-by-word updates).
STREAM_EVERY = 0.1  # seconds


def one_line(text) -> str:
    """An error as one line, starting with a capital letter."""
    line = " ".join(str(text).split())
    return line[:1].upper() + line[1:]


def new_session() -> dict:
    return {"chat": [], "history": [], "panels": {}, "sources": cards.EMPTY}


def settings(cfg, answerer=None, top_k=None, mode=None, articles=None, date_from=None, date_to=None):
    """The window's settings -> (rag.Config, rag.Filters or None). A bad value is a RagError."""
    cfg = cfg.with_(generator=answerer or None, top_k=int(top_k) if top_k else None, mode=mode or None)
    filters = rag.Filters(
        sources=tuple(articles or ()),
        date_from=(date_from or "").strip() or None,
        date_to=(date_to or "").strip() or None,
    )
    return cfg, (filters if filters.active else None)


class Handlers:
    def __init__(self, cfg):
        self.cfg = cfg

    def respond(self, question, answerer, top_k, mode, articles, date_from, date_to, session):
        """Stream one answer: yields (chat, sources panel, textbox, session)."""
        session = session or new_session()
        question = question or ""
        chat, history, panels = list(session["chat"]), list(session["history"]), dict(session["panels"])
        panel = session["sources"]
        if question.strip():
            chat.append({"role": "user", "content": cards.md_escape(question)})
            yield chat, cards.PENDING, "", session
        turn = len(chat)  # the index the answer will have in the chat: unique within the session
        text, final, filters, shown_at = "", None, None, 0.0
        try:
            cfg, filters = settings(self.cfg, answerer, top_k, mode, articles, date_from, date_to)
            for event in _stream(question, history, filters, cfg):
                if isinstance(event, str):
                    text += event
                    if time.monotonic() - shown_at >= STREAM_EVERY:  # the first piece at once
                        shown = cards.answer_markdown(text, turn, range(1, 100))
                        yield chat + [{"role": "assistant", "content": shown}], gr.skip(), gr.skip(), session
                        shown_at = time.monotonic()
                else:
                    final = event
            if final is None:
                raise RuntimeError("the answer stream ended without a final answer")
        except Exception as err:  # noqa: BLE001 - every failure becomes one line in the chat
            if isinstance(err, RagError):
                message = f"⚠ {one_line(err)}"
            else:  # a bug, not the user's fault: the traceback goes to the server log
                log.exception("answering %r failed", question)
                message = "⚠ Something went wrong while answering; the details are in the server log."
            chat.append({"role": "assistant", "content": cards.md_escape(message)})
            yield chat, panel, "", {**session, "chat": chat}
            return
        chat.append({"role": "assistant", "content": _message(final, turn, filters)})
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": final.text}]
        panel = cards.sources_html(final, turn, self._documents(cfg))
        panels[turn] = panel
        yield chat, panel, gr.skip(), {"chat": chat, "history": history, "panels": panels, "sources": panel}

    def _documents(self, cfg) -> dict:
        """The cleaned articles of the index the answer came from (already loaded: no disk read)."""
        try:
            return rag.load_index(cfg).documents
        except RagError:
            return {}

    def clear(self):
        """Start over: an empty chat, no sources, an empty question box."""
        return [], cards.EMPTY, "", new_session()

    def select(self, session, evt: gr.SelectData):
        """A click on an answer brings its source cards back into the panel."""
        session = session or new_session()
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return session["panels"].get(index, gr.skip())

    def refresh(self):
        """(status line, example buttons..., article filter) for the index as it is now."""
        try:
            idx = rag.load_index(self.cfg, build_if_missing=False)
        except RagError as err:
            problem = f"{one_line(err)} Add articles below, or run `rag index`."
            return (overview.status_html(None, problem), *[gr.update(visible=False)] * N_EXAMPLES, gr.update(choices=[]))
        questions = overview.examples(idx.documents, N_EXAMPLES)
        buttons = [
            gr.update(value=questions[i], visible=True) if i < len(questions) else gr.update(visible=False)
            for i in range(N_EXAMPLES)
        ]
        return overview.status_html(idx.manifest), *buttons, gr.update(choices=overview.article_choices(idx.documents))

    def upload(self, files):
        """Add uploaded files to the corpus and index them; yields one status line at a time, as
        literal Markdown (an uploaded file's name is the uploader's text)."""
        for line in self._upload(files):
            yield cards.md_escape(line)

    def _upload(self, files):
        if not files:
            yield "⚠ Choose one or more .txt, .md or .html files first."
            return
        pairs = [(str(f), Path(str(f)).name) for f in (files if isinstance(files, list) else [files])]
        try:
            written = uploads.add(pairs, Path(self.cfg.corpus), self.cfg.max_file_mb)
        except uploads.UploadError as err:
            yield f"⚠ {one_line(err)}. Nothing was added."
            return
        names = ", ".join(p.name for p in written)
        yield f"Added {names}; indexing…"
        lines: queue.Queue = queue.Queue()
        outcome: dict = {}
        worker = threading.Thread(target=self._index, args=(lines, outcome), daemon=True)
        worker.start()
        while worker.is_alive() or not lines.empty():
            try:
                yield f"Indexing {names}: {lines.get(timeout=0.5)}"
            except queue.Empty:
                pass
        err = outcome.get("error")
        if err is None:
            report = outcome["report"]
            held = f"{overview.counted(report.documents, 'article')} in {overview.counted(report.chunks, 'chunk')}"
            yield f"✓ Indexed {names}: the index now holds {held}."
            return
        uploads.remove(written)
        if type(err).__name__ == "IndexBusyError":
            yield "⚠ The index is being rebuilt by another process; nothing was added. Try again in a minute."
        elif isinstance(err, RagError):
            yield f"⚠ {one_line(err)}. Nothing was added."
        else:
            yield "⚠ Indexing failed (the details are in the server log); nothing was added."

    def _index(self, lines: queue.Queue, outcome: dict) -> None:
        """rag.index over the corpus, its log lines (one per stage) passed on as progress."""
        handler = _QueueHandler(lines)
        build_log = logging.getLogger("rag.build")
        level = build_log.level
        build_log.addHandler(handler)
        build_log.setLevel(logging.INFO)
        try:
            outcome["report"] = rag.index(self.cfg.corpus, config=self.cfg.with_(progress=False))
            rag.load_index(self.cfg)  # load the new generation now, not in the next question
        except Exception as err:  # noqa: BLE001 - reported to the user in one line by upload()
            if not isinstance(err, RagError):
                log.exception("indexing the uploads failed")
            outcome["error"] = err
        finally:
            build_log.removeHandler(handler)
            build_log.setLevel(level)


class _QueueHandler(logging.Handler):
    def __init__(self, lines: queue.Queue):
        super().__init__(logging.INFO)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.put(one_line(record.getMessage()))


def _stream(question, history, filters, cfg):
    """rag.stream, asked once more if the index could not be opened before any text came: a build
    that commits while `rag.load_index` opens the generation it just read removes that generation
    (rag.storage drops old generations at once), and the next attempt opens the new one."""
    events = rag.stream(question, history=history, filters=filters, config=cfg)
    try:
        first = next(events)
    except IndexMismatchError:
        log.warning("the index changed while it was opened; asking again")
        events = rag.stream(question, history=history, filters=filters, config=cfg)
        first = next(events)
    yield first
    yield from events


def _message(final, turn: int, filters) -> str:
    """A finished answer as the chat shows it: linked markers, notes, and a sources footer."""
    text = cards.answer_markdown(final.text, turn, [c.n for c in final.citations])
    if final.standalone:
        text += f"\n\n<sub>Searched as: {cards.md_escape(final.standalone)}</sub>"
    note = final.checks.get("fallback")  # the language model could not answer: say why, in one line
    if note:
        text += f"\n\n_⚠ {cards.md_escape(one_line(note))}; the answer is quoted from the articles instead._"
    elif final.checks.get("quoted"):  # the model was not asked: each sentence that may answer is quoted
        text += f"\n\n<sub>{cards.md_escape(one_line(final.checks['quoted']))}</sub>"
    if final.abstained and final.reason:  # a refusal says why ("the articles never mention 2015")
        text += f"\n\n<sub>Why: {cards.md_escape(one_line(final.reason))}</sub>"
    if final.abstained and filters is not None:
        text += "\n\n_Only the articles the filters allow were searched: clear them to search them all._"
    return text + cards.sources_footer(final)
