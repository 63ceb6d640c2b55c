"""The chat window: ask about the news articles, watch the answer stream in, check its sources.

    rag chat [--host 127.0.0.1] [--port 7860] [--auth-file FILE]

`build_app(config)` returns the gr.Blocks (laid out in `ui.layout`, its events in `ui.handlers`);
`launch(demo, ...)` serves it with this app's theme, queue and limits; `main()` does both.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import gradio as gr

import rag
from rag.errors import ConfigError, InputError, RagError
from ui.handlers import one_line

log = logging.getLogger(__name__)
QUEUE_MAX = 256  # questions waiting beyond this are told the server is busy, not kept waiting

# Gradio 6 takes theme and CSS in launch(). System fonts only: the page must look right offline.
THEME = gr.themes.Default(
    primary_hue="blue",
    font=("system-ui", "-apple-system", "Segoe UI", "Roboto", "Liberation Sans", "sans-serif"),
    font_mono=("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"),
)
CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto !important; }
#header { align-items: center; }
#ask, #new-chat { white-space: nowrap; }
#status .status { margin: 0; text-align: right; color: var(--body-text-color-subdued); font-size: var(--text-sm); }
#status .status-problem { color: var(--color-accent); }
#examples { flex-wrap: wrap; gap: 6px; align-items: center; }
#examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
#examples button { white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis;
                   display: block; text-align: left; }
#chat .placeholder-content { text-align: center; padding: 0 15%; color: var(--body-text-color-subdued); }
#sources { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
           max-height: 576px; overflow-y: auto !important; }
"""


def build_app(config=None) -> gr.Blocks:
    """The chat app over rag, answering with `config` (default: rag.Config.load())."""
    from ui.layout import build

    return build(config if config is not None else rag.Config.load())


def launch(demo: gr.Blocks, *, config=None, **kwargs):
    """demo.queue(...).launch(**kwargs) with this app's theme, CSS, queue size and upload limit."""
    cfg = config if config is not None else rag.Config.load()
    kwargs.setdefault("max_file_size", int(cfg.max_file_mb * 1_000_000))
    kwargs.setdefault("footer_links", ["api"])
    return demo.queue(max_size=QUEUE_MAX).launch(theme=THEME, css=CSS, **kwargs)


def one_thread_per_request(cfg) -> None:
    """Run torch on one thread, when torch runs the model: the server answers several questions
    at once, each on its own thread, and on 2 cores an OpenMP team per question waits on the
    others (embedding one question took 0.48 s instead of 0.03 s with another process busy).
    ONNX Runtime, the default, never spin-waits: nothing to set."""
    if cfg.embed_backend != "torch":
        return
    import torch

    torch.set_num_threads(1)


def warm_up(cfg) -> None:
    """Load the index, the models and the answerer's parts before the first visitor comes: one
    question per example the window offers (a first question otherwise waits seconds)."""
    from ui import overview

    for question in ["warm up", *overview.examples(rag.load_index(cfg).documents, 2)]:
        list(rag.stream(question, config=cfg))


def read_auth_file(path: str | Path) -> list[tuple[str, str]]:
    """`user:password` lines (blank lines and # comments skipped) -> Gradio's auth list."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"cannot read the auth file {path}: {err.strerror or err}") from None
    pairs = []
    for n, line in enumerate(lines, 1):
        if line.strip() and not line.lstrip().startswith("#"):
            user, sep, password = line.strip().partition(":")
            if not (sep and user and password):
                raise ConfigError(f"{path}, line {n}: expected user:password")
            pairs.append((user, password))
    if not pairs:
        raise ConfigError(f"the auth file {path} names no user (lines of user:password)")
    return pairs


def main(host: str = "127.0.0.1", port: int = 7860, share: bool = False, config=None, auth_file=None) -> None:
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
        auth = read_auth_file(auth_file) if auth_file else None
        if not sys.stderr.isatty():  # progress bars in a log file are noise: the INFO lines say it
            cfg = cfg.with_(progress=False)
        print(f"Loading the index in {cfg.index_dir} (building it from {cfg.corpus} if missing)...", flush=True)
        one_thread_per_request(cfg)
        try:
            warm_up(cfg)
        except InputError as err:  # no articles yet: the window opens, so that some can be added in it
            print(f"warning: {one_line(err)}; the window opens so that articles can be added", file=sys.stderr)
        demo = build_app(cfg)
    except RagError as err:
        raise SystemExit(f"error: {one_line(err)}") from None
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        print(f"warning: serving on {host} without a login: anyone who can reach this port can ask "
              "questions and add articles (see --auth-file)", file=sys.stderr, flush=True)
    launch(demo, config=cfg, server_name=host, server_port=port, share=share, auth=auth)


if __name__ == "__main__":  # python -m ui.app [--host H] [--port P]: the same as `rag chat`
    from rag.cli import main as cli

    raise SystemExit(cli(["chat", *sys.argv[1:]]))
