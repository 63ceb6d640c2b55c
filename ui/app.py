"""The chat window: ask about the news articles, watch the answer stream in, check its sources.

    rag chat [--host 127.0.0.1] [--port 7860]

`build_app(config)` returns the gr.Blocks; `main()` launches it. Follow-up questions pass the
conversation so far to rag as `history`. Errors a user can fix (rag.errors.RagError) show as one
line in the chat; anything else is logged on the server and shown as one line too.
"""

from __future__ import annotations

import logging
import sys

import gradio as gr

import rag
from rag.errors import RagError
from ui import cards

log = logging.getLogger(__name__)

EXAMPLES = [
    "Where did the Balkan ministers meet?",
    "What did the Balkan countries agree to create to track migrants?",
    "Who did Boštjan Poklukar host?",
    "What did Cerar say about the Balkan migration route?",
]

# Gradio 6 takes theme and CSS in launch(): use `launch(demo, ...)` below, as main() does.
# System fonts only: the page must look right offline, with no font downloads.
THEME = gr.themes.Default(
    primary_hue="blue",
    font=("system-ui", "-apple-system", "Segoe UI", "Roboto", "Liberation Sans", "sans-serif"),
    font_mono=("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"),
)
CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto !important; }
#examples { flex-wrap: wrap; gap: 6px; align-items: center; }
#examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
#examples button { white-space: nowrap; }
#chat .placeholder-content { text-align: center; padding: 0 15%; color: var(--body-text-color-subdued); }
#sources { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
           max-height: 576px; overflow-y: auto !important; }
"""

PLACEHOLDER = (
    "**Ask about the news articles.**\n\n"
    "Answers quote the articles and cite them with [1], [2] markers; "
    "the sources appear on the right. Follow-up questions keep the conversation's context."
)


def _one_line(text) -> str:
    """An error as one line, starting with a capital letter."""
    line = " ".join(str(text).split())
    return line[:1].upper() + line[1:]


def _new_session() -> dict:
    # "chat": what the Chatbot shows; "history": the clean turns rag sees (no errors, no footers);
    # "sources": the panel for the latest answer, shown again after an error.
    return {"chat": [], "history": [], "sources": cards.EMPTY}


def build_app(config=None) -> gr.Blocks:
    """The chat app over rag, answering with `config` (default: rag.Config.load())."""
    cfg = config if config is not None else rag.Config.load()

    def respond(question, session):
        """Stream one answer: yields (chat, sources panel, textbox, session)."""
        session = session or _new_session()
        question = question or ""
        chat, history, panel = list(session["chat"]), list(session["history"]), session["sources"]
        if question.strip():
            chat.append({"role": "user", "content": question})
            yield chat, cards.PENDING, "", session
        text, final = "", None
        try:
            for event in rag.stream(question, top_k=cfg.top_k, history=history, config=cfg):
                if isinstance(event, str):
                    text += event
                    shown = cards.md_escape(text)
                    yield chat + [{"role": "assistant", "content": shown}], gr.skip(), gr.skip(), session
                else:
                    final = event
            if final is None:
                raise RuntimeError("the answer stream ended without a final answer")
        except Exception as err:  # noqa: BLE001 - every failure becomes one line in the chat
            if isinstance(err, RagError):
                message = f"⚠ {_one_line(err)}"
            else:  # a bug, not the user's fault: the traceback goes to the server log
                log.exception("answering %r failed", question)
                message = "⚠ Something went wrong while answering; the details are in the server log."
            chat.append({"role": "assistant", "content": message})
            yield chat, panel, "", {"chat": chat, "history": history, "sources": panel}
            return
        note = final.checks.get("fallback")  # the language model could not answer: say why, in one line
        note = f"\n\n_⚠ {cards.md_escape(_one_line(note))}; the answer is quoted from the articles instead._" if note else ""
        chat.append({"role": "assistant", "content": cards.md_escape(final.text) + note + cards.sources_footer(final)})
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": final.text},
        ]
        panel = cards.sources_html(final)
        yield chat, panel, gr.skip(), {"chat": chat, "history": history, "sources": panel}

    def clear():
        return [], cards.EMPTY, "", _new_session()

    with gr.Blocks(title="News QA", analytics_enabled=False) as demo:
        session = gr.State(_new_session())
        gr.Markdown("## News QA\nAnswers grounded in the article collection, with their sources.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=520,
                    placeholder=PLACEHOLDER,
                    feedback_options=None,
                    buttons=["copy"],
                    group_consecutive_messages=False,
                    elem_id="chat",
                )
                with gr.Row():
                    textbox = gr.Textbox(
                        label="Question",
                        placeholder="Ask a question and press Enter…",
                        show_label=False,
                        container=False,
                        scale=5,
                        autofocus=True,
                        elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80)
                    new_chat = gr.Button("New chat", variant="secondary", scale=1, min_width=80)
                with gr.Row(elem_id="examples"):
                    gr.Markdown("**Try:**", container=False, min_width=0)
                    example_buttons = [
                        gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0)
                        for q in EXAMPLES
                    ]
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(
                    cards.EMPTY,
                    label="Sources",
                    css_template=cards.CARDS_CSS,
                    js_on_load=None,
                    elem_id="sources",
                    padding=True,
                )

        outputs = [chatbot, sources, textbox, session]
        shared = dict(outputs=outputs, concurrency_id="rag", concurrency_limit=1)
        textbox.submit(respond, [textbox, session], api_name="ask", **shared)
        send.click(respond, [textbox, session], api_visibility="private", **shared)
        for button in example_buttons:
            button.click(respond, [button, session], api_visibility="private", **shared)
        new_chat.click(clear, None, outputs, api_name="clear")
        chatbot.clear(clear, None, outputs, api_visibility="private")
    return demo


def launch(demo: gr.Blocks, **kwargs):
    """demo.queue().launch(**kwargs) with this app's theme and CSS."""
    return demo.queue().launch(theme=THEME, css=CSS, **kwargs)


def main(host: str = "127.0.0.1", port: int = 7860, share: bool = False, config=None) -> None:
    """Launch the chat window; it binds to loopback unless `host` says otherwise.

    The index is loaded first (built from the corpus if missing) and the model warmed up, in
    the foreground, so the window opens ready and a broken corpus is reported before it opens.
    """
    # Libraries log their internals at INFO (faiss's loader, bm25s); only ours is wanted here.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("rag").setLevel(logging.INFO)  # a build on first start logs each stage
    try:
        cfg = config if config is not None else rag.Config.load()
        if not sys.stderr.isatty():  # progress bars in a log file are noise: the INFO lines say it
            cfg = cfg.with_(progress=False)
        print(f"Loading the index in {cfg.index_dir} (building it from {cfg.corpus} if missing)...", flush=True)
        rag.search("warm up", top_k=1, config=cfg)
        demo = build_app(cfg)
    except RagError as err:
        raise SystemExit(f"error: {_one_line(err)}") from None
    launch(demo, server_name=host, server_port=port, share=share)
