"""Web chat window over rag (Gradio). Run it with `rag chat` (or `python -m ui.app`).

`app` launches it, `layout` places the components, `handlers` turns events into rag calls,
`cards` renders sources (pure strings), `overview` describes the index, `uploads` checks and
writes new articles, `loadtest` measures many users at once. Gradio is imported only here,
never by rag.
"""
