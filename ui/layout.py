"""A rag.Config -> the chat window's gr.Blocks: conversation, source cards, settings, uploads.

Events and what they call live in `ui.handlers`; this module only places components and wires
them. The public API (gradio_client) is `/ask` (question and settings -> chat, sources, textbox)
and `/clear`; every other event is private.
"""

from __future__ import annotations

import gradio as gr

import rag
from rag.config import GENERATORS, MODES
from ui import cards
from ui.handlers import N_EXAMPLES, Handlers, new_session

ASK_CONCURRENCY = 4  # answers run at once (threads); the rest queue
PLACEHOLDER = (
    "**Ask about the news articles.**\n\n"
    "Answers quote the articles and cite them with [1], [2] markers that lead to the source cards "
    "on the right. Follow-up questions keep the conversation's context."
)
# Scroll to, and flash, the card a clicked [n] marker names (after its answer's cards are shown).
SHOW_CARD_JS = """
() => {
  const id = decodeURIComponent((window.location.hash || "").slice(1));
  if (!/^src-\\d+-\\d+$/.test(id)) return;
  const el = document.getElementById(id);
  if (!el) return;
  el.scrollIntoView({block: "nearest"});
  el.classList.add("flash");
  setTimeout(() => el.classList.remove("flash"), 1500);
}
"""


def answerers(cfg) -> list[tuple[str, str]]:
    """The answerers to offer: extractive always; a language model where one can be reached."""
    import importlib.util
    import os

    labels = {"extractive": "Extractive (quotes the articles)", "local": "Local model (bundled 0.5B)",
              "openai": "Language model endpoint"}
    offered = {"extractive", cfg.generator}
    if cfg.llm_model_path or importlib.util.find_spec("xllamacpp"):
        offered.add("local")
    if cfg.llm_base_url or os.environ.get("OPENAI_BASE_URL"):
        offered.add("openai")
    return [(labels[g], g) for g in GENERATORS if g in offered]


def _props(update: dict) -> dict:
    """A gr.update(...) dict as constructor arguments."""
    return {"value": "", "visible": False, **{k: v for k, v in update.items() if k != "__type__"}}


def build(cfg: rag.Config) -> gr.Blocks:
    """The chat window over rag, answering with `cfg` unless the window's settings say otherwise."""
    h = Handlers(cfg)
    first = h.refresh()  # what the window shows before its first refresh on page load
    with gr.Blocks(title="News QA", analytics_enabled=False) as demo:
        session = gr.State(new_session())
        with gr.Row(elem_id="header"):
            gr.Markdown("## News QA\nAnswers grounded in the article collection, with their sources.")
            status = gr.HTML(first[0], elem_id="status", js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chatbot = gr.Chatbot(
                    label="Conversation", height=520, placeholder=PLACEHOLDER, feedback_options=None,
                    buttons=["copy"], group_consecutive_messages=False, latex_delimiters=[],
                    sanitize_html=True, elem_id="chat",
                )
                with gr.Row():
                    textbox = gr.Textbox(
                        label="Question", placeholder="Ask a question and press Enter…", show_label=False,
                        container=False, scale=5, autofocus=True, max_lines=4, elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="ask")
                    new_chat = gr.Button("Start over", variant="secondary", scale=0, min_width=120, elem_id="new-chat")
                with gr.Row(elem_id="examples"):
                    gr.Markdown("**Try:**", container=False, min_width=0)
                    example_buttons = [
                        gr.Button(**_props(update), size="sm", variant="secondary",
                                  scale=0, min_width=0, elem_classes=["example"])
                        for update in first[1 : 1 + N_EXAMPLES]
                    ]
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(
                    cards.EMPTY, label="Sources", css_template=cards.CARDS_CSS, js_on_load=None,
                    elem_id="sources", padding=True,
                )
        with gr.Accordion("Settings", open=False, elem_id="settings"):
            with gr.Row():
                answerer = gr.Dropdown(answerers(cfg), value=cfg.generator, label="Answerer", elem_id="answerer")
                top_k = gr.Slider(1, 20, value=cfg.top_k, step=1, label="Passages to read", elem_id="top-k")
                mode = gr.Dropdown(list(MODES), value=cfg.mode, label="Retrieval", elem_id="mode")
            with gr.Row():
                # Custom values allowed: an API client may name an article uploaded after this page was built.
                articles = gr.Dropdown(_props(first[-1]).get("choices", []), value=[], multiselect=True, allow_custom_value=True,
                                       label="Only these articles (none: all)", scale=3, elem_id="articles")
                date_from = gr.Textbox("", label="From date", placeholder="YYYY-MM-DD", scale=1, elem_id="date-from")
                date_to = gr.Textbox("", label="To date", placeholder="YYYY-MM-DD", scale=1, elem_id="date-to")
        with gr.Accordion("Add articles", open=False, elem_id="add"):
            gr.Markdown(
                f"Upload `.txt`, `.md` or `.html` news articles (at most {cfg.max_file_mb:g} MB each). "
                "They are added to the corpus folder and indexed; the chat uses them as soon as this says ✓."
            )
            upload = gr.UploadButton(
                "Upload articles", file_count="multiple", file_types=[".txt", ".md", ".html"], elem_id="upload"
            )
            upload_status = gr.Markdown(elem_id="upload-status")

        ask_inputs = [textbox, answerer, top_k, mode, articles, date_from, date_to, session]
        outputs = [chatbot, sources, textbox, session]
        ask = dict(outputs=outputs, concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY)
        textbox.submit(h.respond, ask_inputs, api_name="ask", **ask)
        send.click(h.respond, ask_inputs, api_visibility="private", **ask)
        for button in example_buttons:
            button.click(h.respond, [button, *ask_inputs[1:]], api_visibility="private", **ask)
        new_chat.click(h.clear, None, outputs, api_name="clear")
        chatbot.clear(h.clear, None, outputs, api_visibility="private")
        chatbot.select(h.select, session, sources, api_visibility="private").then(
            None, None, None, js=SHOW_CARD_JS, api_visibility="private"
        )
        overview_outputs = [status, *example_buttons, articles]
        demo.load(h.refresh, None, overview_outputs, api_visibility="private")
        upload.upload(
            h.upload, upload, upload_status, concurrency_id="index", concurrency_limit=1, api_visibility="private"
        ).then(h.refresh, None, overview_outputs, api_visibility="private")
    return demo
