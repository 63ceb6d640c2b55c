"""The chat app, served for real on a loopback port and driven through gradio_client.

Real model, real index (built under pytest's tmp dir, never the repo's index/), no mocks.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest.importorskip("gradio")
from gradio_client import Client  # noqa: E402

import rag  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))
pytestmark = pytest.mark.slow

ON_TOPIC = "Where did the ministers agree to create a database to track migrants?"  # the README's example question
OFF_TOPIC = "Who won the 2018 football World Cup final?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ui_config(tmp_path_factory) -> "rag.Config":
    """One index for every UI test module: built once under the session's tmp dir."""
    index_dir = tmp_path_factory.getbasetemp() / "ui_index"
    return rag.Config.load(index_dir=index_dir, progress=False)


def serve(config):
    """Start the app in-process on a free loopback port; returns (demo, url)."""
    from ui.app import build_app, launch

    demo = build_app(config)
    _, url, _ = launch(
        demo,
        config=config,
        server_name="127.0.0.1",
        server_port=free_port(),
        prevent_thread_lock=True,
        quiet=True,
    )
    return demo, url


def core_answer(question: str, config) -> "rag.Answer":
    """The core's own Answer, via rag.stream (its last event)."""
    events = list(rag.stream(question, history=None, config=config))
    return events[-1]


def text_of(message: dict) -> str:
    """A chat message's text, whether content is a string or Gradio 6's list of parts."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return ui_config(tmp_path_factory)


@pytest.fixture(scope="module")
def app_url(config):
    demo, url = serve(config)
    yield url
    demo.close()


@pytest.fixture
def client(app_url):
    """A fresh client per test: its own session, so its own conversation."""
    return Client(app_url, verbose=False)


def ask(client: Client, question: str):
    chat, sources, _textbox = client.predict(question, api_name="/ask")
    return chat, sources


def test_index_goes_to_tmp_not_repo(config):
    assert Path(config.index_dir).resolve() != (SEEDS.parent / "index").resolve()


def test_seed_question_is_answered_with_cited_seed_file(client):
    chat, sources = ask(client, ON_TOPIC)
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert text_of(chat[0]) == ON_TOPIC
    answer = text_of(chat[1])
    assert "[1]" in answer, answer
    assert 'class="src-card"' in sources
    cited = [name for name in SEED_FILES if f'data-source="{name}"' in sources]
    assert cited, sources


def test_follow_up_keeps_the_conversation(client):
    ask(client, ON_TOPIC)
    chat, sources = ask(client, "What did they agree to create?")
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    assert text_of(chat[2]) == "What did they agree to create?"
    assert text_of(chat[3]).strip()
    assert not text_of(chat[3]).startswith("⚠"), text_of(chat[3])


def test_off_topic_question_abstains_without_cards(client, config):
    assert core_answer(OFF_TOPIC, config).abstained  # the core's own verdict
    chat, sources = ask(client, OFF_TOPIC)
    answer = text_of(chat[-1])
    assert chat[-1]["role"] == "assistant" and answer.strip()
    assert "[1]" not in answer
    assert "src-card" not in sources
    assert "do not answer" in sources
    assert "Why: " in answer  # the refusal says why


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_gives_one_line_error(client, question):
    chat, _sources = ask(client, question)
    assert [m["role"] for m in chat] == ["assistant"]  # no empty user bubble
    message = text_of(chat[0])
    assert message.startswith("⚠ ")
    assert "\n" not in message and "Traceback" not in message
    assert len(message) < 300


def test_error_does_not_break_the_conversation(client):
    ask(client, ON_TOPIC)
    chat, sources = ask(client, "")
    assert [m["role"] for m in chat] == ["user", "assistant", "assistant"]
    assert 'class="src-card"' in sources  # the last answer's cards stay up
    chat, _ = ask(client, "What did they agree to create?")
    assert chat[-2]["role"] == "user" and not text_of(chat[-1]).startswith("⚠")


def test_new_chat_clears_the_session(client):
    ask(client, ON_TOPIC)
    chat, sources, _ = client.predict(api_name="/clear")
    assert chat == [] and "src-card" not in sources
    chat, _ = ask(client, ON_TOPIC)
    assert len(chat) == 2


def test_cards_escape_markup():
    from rag.types import Citation
    from ui import cards

    cit = Citation(
        n=1, source="x.txt", title="<b>Bold</b>", snippet="a <script>x</script>", score=0.5,
        url="javascript:alert(1)",
    )
    html = cards.card(cit)
    assert "<script>" not in html and "<b>" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html


def test_a_hostile_url_stays_inside_its_markdown_link():
    from rag.types import Answer, Citation
    from ui import cards

    cit = Citation(n=1, source="x.txt", title="T", snippet="s", score=0.5, url="https://x/a)<img src=x onerror=alert(1)>")
    footer = cards.sources_footer(Answer("q", "s [1]", [cit], False))
    target = footer.split("](", 1)[1]
    assert "<img" not in footer and target.index(")") == target.index(") (x.txt)")  # the link ends where it should
    assert "(https://x/a%29%3Cimg%20src=x%20onerror=alert%281%29%3E)" in footer


def test_the_answer_streams_before_it_is_final(client):
    job = client.submit(ON_TOPIC, api_name="/ask")
    chat, sources, _ = job.result(timeout=120)
    final = text_of(chat[-1])
    partial = [text_of(out[0][-1]) for out in job.outputs()[:-1] if out[0] and out[0][-1]["role"] == "assistant"]
    assert partial and all(p.strip() and p != final for p in partial), partial
    assert final.startswith(partial[0].rstrip()[:20])  # the first piece is the start of the answer


def test_settings_reach_the_core(client, config):
    """Article filter, passages, mode and answerer from the API become the Config and Filters."""
    chat, sources = ask_with(client, ON_TOPIC, articles=[SEED_FILES[0]])
    assert all(f'data-source="{SEED_FILES[0]}"' in card for card in sources.split('class="src-card"')[1:])
    expected = core_answer_with(ON_TOPIC, config.with_(mode="bm25", top_k=1))
    chat, _ = ask_with(client, ON_TOPIC, mode="bm25", top_k=1)
    assert text_of(chat[-1]).startswith(expected.text.split("[1]")[0].strip()[:60])
    chat, sources = ask_with(client, ON_TOPIC, date_from="2030-01-01")  # after every article
    assert "do not contain" in text_of(chat[-1]) and "filters" in text_of(chat[-1]) and "src-card" not in sources


def ask_with(client: Client, question: str, **settings):
    chat, sources, _textbox = client.predict(question, api_name="/ask", **settings)
    return chat, sources


def core_answer_with(question: str, config) -> "rag.Answer":
    return rag.answer(question, config=config)


def test_the_readme_client_example_runs(app_url):
    """The gradio_client example in README.md, run as written against this app."""
    import re

    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(from gradio_client import Client\n.*?)```", readme, re.S)
    assert block, "README.md has no gradio_client example"
    code = block.group(1).replace("http://127.0.0.1:7860/", app_url)
    out: dict = {}
    exec(compile(code, "README.md", "exec"), out)  # noqa: S102 - our own README
    assert "[1]" in out["answer"] and out["cards"].count('class="src-card"') >= 1


def test_an_unreachable_language_model_is_one_line_under_the_quoted_answer(config):
    """answerer 'openai' pointed at a closed port on this machine: the answer is quoted instead, and says why."""
    demo, url = serve(config.with_(llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_model="m", llm_timeout=5.0))
    try:
        chat, sources, _ = Client(url, verbose=False).predict(ON_TOPIC, answerer="openai", api_name="/ask")
    finally:
        demo.close()
    answer = text_of(chat[-1])
    note = [line for line in answer.split("\n") if line.startswith("_⚠")]
    assert len(note) == 1 and note[0].endswith("the answer is quoted from the articles instead._"), answer
    assert 'class="src-card"' in sources  # the quoted answer keeps its sources
