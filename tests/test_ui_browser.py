"""The chat app in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

One app on 127.0.0.1 for the module, over a copy of the seeds plus a hostile article (a
`<script>` headline, HTML, Markdown images and links, a source URL that tries to break out of its
link), indexed under the test's tmp dir. Every page records its requests, dialogs and JavaScript
errors: a test fails if any request leaves 127.0.0.1, any dialog opens or any script error occurs.
Screenshots go under the tmp dir; `make screenshot` refreshes ui/screenshot.png for the README.
Skipped only when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian chromium is not installed (/usr/bin/chromium): apt-get install chromium",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright  # noqa: E402

import rag  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_ui import OFF_TOPIC, ON_TOPIC, SEEDS, serve  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# Headless on a closed network: no background fetches, no sandbox as root, a fresh profile.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 120_000  # the first question may load the models
ON_TOPIC_SOURCE = "003_d7e33aac75d08225.txt"  # the article that reports the Sarajevo meeting
FOLLOW_UP = "What did they agree to create?"
HOSTILE = "hostile.txt"
HOSTILE_URL = "https://x/a)<img/src=x/onerror=alert(1)>"
HOSTILE_TEXT = f"""Harbour <script>alert('headline')</script> festival <img src=x onerror=alert(2)> draws crowds
The lighthouse keepers of Port Wenlow held their annual harbour festival on Saturday. <script>alert('body')</script>
The festival organiser, Mira Tollan, said that four thousand visitors came to the harbour. ![pixel](http://203.0.113.9/pixel.png)
Visitors were told to [click here](javascript:alert(3)) and <a href="http://203.0.113.9/">see the photos</a> <iframe src="http://203.0.113.9/"></iframe>.
Source: {HOSTILE_URL}
"""
HOSTILE_QUESTION = "Who organised the harbour festival in Port Wenlow?"
UPLOADED = "orchard.md"
UPLOADED_TEXT = """# Kestrel Valley orchards report a record pear harvest

Growers in the Kestrel Valley picked 12,000 tonnes of pears this autumn, the largest harvest on record.

The valley's growers' cooperative said the warm spring and a new irrigation scheme explained the harvest.
"""
UPLOADED_QUESTION = "How many tonnes of pears did the Kestrel Valley growers pick?"

BOT = "#chat [data-testid='bot']"
USER = "#chat [data-testid='user']"
CARD = "#sources .src-card"
QUESTION = "#question textarea"
DATE_FROM = "#date-from textarea, #date-from input"


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("browser_corpus")
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    (corpus / HOSTILE).write_text(HOSTILE_TEXT, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("browser_index")
    cfg = rag.Config.load(corpus=corpus, index_dir=index_dir, progress=False)
    rag.index(corpus, config=cfg)
    return cfg


@pytest.fixture(scope="module")
def app_url(config):
    demo, url = serve(config)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    hosts: set[str] = set()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(urlparse(req.url).hostname or req.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    page.wait_for_selector(QUESTION)
    yield page
    page.screenshot(path=str(tmp_path / "page.png"))
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not dialogs, f"a dialog opened: {dialogs}"
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {hosts}"


def ask(page, question: str, n_answers: int) -> str:
    """Type a question, press Enter, wait until answer number `n_answers` has finished streaming."""
    page.fill(QUESTION, question)
    page.press(QUESTION, "Enter")
    expect(page.locator(BOT)).to_have_count(n_answers, timeout=ANSWER_TIMEOUT_MS)
    # The sources panel says "Searching" until the final answer arrives.
    expect(page.locator("#sources")).not_to_contain_text("Searching", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(QUESTION)).to_have_value("")
    return page.locator(BOT).nth(n_answers - 1).inner_text()


def set_text(page, selector: str, value: str) -> None:
    """Fill a settings box and leave it, so the app has the value before the next question.

    In CI, a box freshly shown by its accordion twice lost a value filled at once: it read back
    empty, and a question asked then went without it (never seen outside CI; the cause is not
    known). So fill, leave the box (Tab), let the page settle, and fill again until it holds.
    """
    box = page.locator(selector)
    expect(box).to_be_visible()
    for _ in range(5):
        box.fill(value)
        box.press("Tab")
        page.wait_for_timeout(300)
        if box.input_value() == value:
            break
    expect(box).to_have_value(value)


def card_sources(page) -> list[str]:
    return page.locator(CARD).evaluate_all("els => els.map(e => e.dataset.source)")


def save_screenshot(page, path: Path) -> None:
    """The conversation from its first question, beside the source cards."""
    page.wait_for_timeout(500)  # let the chat's own autoscroll settle first
    page.locator(USER).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def test_answer_streams_with_a_card_naming_the_article_then_a_follow_up(page, tmp_path):
    page.fill(QUESTION, ON_TOPIC)
    page.press(QUESTION, "Enter")
    expect(page.locator(USER).first).to_have_text(ON_TOPIC)
    expect(page.locator(BOT)).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#sources")).not_to_contain_text("Searching", timeout=ANSWER_TIMEOUT_MS)
    answer = page.locator(BOT).first.inner_text()
    assert "[1]" in answer, answer
    expect(page.locator(CARD).first).to_be_visible()
    assert ON_TOPIC_SOURCE in card_sources(page)
    first = page.locator(CARD).first
    expect(first).to_contain_text(first.get_attribute("data-source"))  # the file is named on the card
    expect(first.locator(".src-passage mark")).to_have_count(1)  # the cited sentence, highlighted
    first.locator("details summary").click()  # the whole cleaned article opens in place
    expect(first.locator(".src-article-text")).to_be_visible()
    save_screenshot(page, Path(os.environ.get("UI_SCREENSHOT") or tmp_path / "answer.png"))

    follow_up = ask(page, FOLLOW_UP, 2)
    assert follow_up.strip() and not follow_up.startswith("⚠"), follow_up
    expect(page.locator(USER).nth(1)).to_have_text(FOLLOW_UP)
    assert page.locator(CARD).first.get_attribute("id").startswith("src-3-")  # the follow-up's cards

    # The first answer's [1] brings back the first answer's card and lands on it.
    page.locator(BOT).first.locator("a[href='#src-1-1']").click()
    expect(page.locator("#src-1-1")).to_be_visible()
    assert ON_TOPIC_SOURCE in card_sources(page)
    expect(page.locator(BOT).first).to_have_text(re.compile(re.escape(answer.split("[1]")[0].strip()[:40])))


def test_unanswerable_question_is_refused_without_cards(page):
    answer = ask(page, OFF_TOPIC, 1)
    assert "do not contain" in answer, answer
    expect(page.locator("#sources")).to_contain_text("do not answer")
    expect(page.locator(CARD)).to_have_count(0)


def test_start_over_clears_the_conversation(page):
    ask(page, ON_TOPIC, 1)
    page.click("#new-chat")
    expect(page.locator(BOT)).to_have_count(0)
    expect(page.locator(CARD)).to_have_count(0)
    ask(page, FOLLOW_UP, 1)  # no history now: the same words are a first question


def test_settings_change_the_answer(page):
    default = ask(page, ON_TOPIC, 1)
    page.click("#settings")  # open the accordion
    set_text(page, DATE_FROM, "2019-01-01")  # after the only dated seed
    filtered = ask(page, ON_TOPIC, 2)
    assert filtered != default
    assert "do not contain" in filtered and "filters" in filtered, filtered
    set_text(page, DATE_FROM, "not a date")
    message = ask(page, ON_TOPIC, 3)
    assert message.startswith("⚠") and "YYYY-MM-DD" in message and "\n" not in message.strip(), message


def test_hostile_article_stays_inert(page, tmp_path):
    answer = ask(page, HOSTILE_QUESTION, 1)
    assert "Port Wenlow" in answer or "Tollan" in answer, answer
    assert HOSTILE in card_sources(page)
    # The footer's link to the hostile URL stays one link per citation, percent-encoded, with no
    # markup in it (the answer may quote two of its sentences: the organiser's name comes first).
    footer_links = page.locator(f"{BOT} sub a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    cited = len(set(re.findall(r"\[(\d+)\]", answer)))
    assert footer_links == ["https://x/a%29%3Cimg/src=x/onerror=alert%281%29%3E"] * cited and cited, (footer_links, answer)
    cards = page.locator(f"{CARD}[data-source='{HOSTILE}']")
    assert cards.count() == cited
    for i in range(cited):  # each card of the article (one per citation) shows its markup as text
        card = cards.nth(i)
        expect(card.locator(".src-title")).to_contain_text("<script>alert('headline')</script>")
        card.locator("details summary").click()
        expect(card.locator(".src-article-text")).to_contain_text("![pixel](http://203.0.113.9/pixel.png)")
    for area in ("#chat", "#sources"):
        assert page.locator(f"{area} script, {area} img, {area} iframe").count() == 0
        hrefs = page.locator(f"{area} a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h and h.lower().startswith(("javascript:", "data:"))], hrefs
    # A question carrying markup is shown as the text it is, too.
    hostile_question = "Who came to ![x](http://203.0.113.9/q.png) the <img src=x onerror=alert(9)> harbour festival?"
    ask(page, hostile_question, 2)
    shown = page.locator(USER).nth(1).inner_text().replace("\u2060", "")  # the joiner that stops autolinks
    assert shown.strip() == hostile_question
    assert page.locator("#chat img, #chat script").count() == 0
    page.screenshot(path=str(tmp_path / "hostile.png"))


def test_upload_an_article_then_ask_about_it(page, config, tmp_path):
    bad = tmp_path / "binary.txt"  # an allowed type, but not text: refused by the core's loader
    bad.write_bytes(bytes(range(256)) * 8)
    before = sorted(p.name for p in Path(config.corpus).iterdir())
    page.click("#add")
    page.locator("#upload input[type=file], input[type=file]").first.set_input_files(str(bad))
    expect(page.locator("#upload-status")).to_contain_text("Nothing was added", timeout=30_000)
    assert "binary.txt" in page.locator("#upload-status").inner_text()
    assert sorted(p.name for p in Path(config.corpus).iterdir()) == before  # nothing changed

    good = tmp_path / UPLOADED
    good.write_text(UPLOADED_TEXT, encoding="utf-8")
    page.locator("#upload input[type=file], input[type=file]").first.set_input_files(str(good))
    expect(page.locator("#upload-status")).to_contain_text("✓ Indexed", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#status")).to_contain_text(f"{len(before) + 1} articles")
    answer = ask(page, UPLOADED_QUESTION, 1)
    assert "12,000" in answer, answer
    assert card_sources(page) and card_sources(page)[0] == UPLOADED


def test_example_button_asks_its_question(page):
    example = page.locator("#examples button").first
    question = example.inner_text()
    assert question.startswith("What do the articles say about")
    example.click()
    expect(page.locator(BOT)).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(USER).first).to_have_text(question)
    expect(page.locator(CARD).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)


def test_empty_question_shows_one_line_error(page):
    page.press(QUESTION, "Enter")
    expect(page.locator(BOT)).to_have_count(1, timeout=30_000)
    message = page.locator(BOT).first.inner_text().strip()
    assert message.startswith("⚠"), message
    assert "\n" not in message and "Traceback" not in message
    expect(page.locator(USER)).to_have_count(0)
