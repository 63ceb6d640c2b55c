"""Web chat window over rag (Gradio). Run it with `python -m ui.app`.

Gradio is imported only here, never by rag; `ui.cards` renders sources without it.
"""
