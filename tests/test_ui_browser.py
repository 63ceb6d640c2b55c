"""The chat app in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Types questions, presses Enter, waits for the streamed answer and its source cards, and saves
a screenshot after a real answer. Skipped only when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian chromium is not installed (/usr/bin/chromium): apt-get install chromium",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_ui import ON_TOPIC, SEED_FILES, serve, ui_config  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# The README's screenshot is refreshed with `make screenshot` (UI_SCREENSHOT=ui/screenshot.png);
# a plain test run writes to the temp folder and leaves the work tree clean.
SCREENSHOT = Path(os.environ.get("UI_SCREENSHOT") or Path(tempfile.gettempdir()) / "rag-ui-screenshot.png")
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
ANSWER_TIMEOUT_MS = 120_000  # the first question may load the model and build the index
FOLLOW_UP = "What did they agree to create?"

BOT = "#chat [data-testid='bot']"
USER = "#chat [data-testid='user']"
CARD = "#sources .src-card"
QUESTION = "#question textarea"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    demo, url = serve(ui_config(tmp_path_factory))
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)
    page.wait_for_selector(QUESTION)
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def ask(page, question: str, n_answers: int) -> str:
    """Type a question, press Enter, wait until answer number `n_answers` has finished streaming."""
    page.fill(QUESTION, question)
    page.press(QUESTION, "Enter")
    bot = page.locator(BOT)
    expect(bot).to_have_count(n_answers, timeout=ANSWER_TIMEOUT_MS)
    # The sources panel says "Searching" until the final answer arrives.
    expect(page.locator("#sources")).not_to_contain_text("Searching", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(QUESTION)).to_have_value("")
    return bot.nth(n_answers - 1).inner_text()


def save_screenshot(page) -> None:
    """The conversation from its first question, beside the source cards."""
    page.wait_for_timeout(500)  # let the chat's own autoscroll settle first
    page.locator(USER).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))


def test_question_streams_answer_with_source_card_then_follow_up(page):
    answer = ask(page, ON_TOPIC, 1)
    assert "[1]" in answer, answer
    expect(page.locator(BOT).first).to_be_visible()
    expect(page.locator(USER).first).to_have_text(ON_TOPIC)

    cards = page.locator(CARD)
    expect(cards.first).to_be_visible()
    sources = cards.evaluate_all("els => els.map(e => e.dataset.source)")
    assert set(sources) <= set(SEED_FILES) and sources, sources
    expect(cards.first).to_contain_text(sources[0])  # the file name is shown on the card

    save_screenshot(page)

    follow_up = ask(page, FOLLOW_UP, 2)
    assert follow_up.strip() and not follow_up.startswith("⚠"), follow_up
    expect(page.locator(USER)).to_have_count(2)
    expect(page.locator(USER).nth(1)).to_have_text(FOLLOW_UP)
    if os.environ.get("UI_SCREENSHOT_FOLLOW_UP"):
        save_screenshot(page)


def test_example_button_asks_its_question(page):
    example = page.locator("#examples button").first
    question = example.inner_text()
    example.click()
    expect(page.locator(BOT)).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(USER).first).to_have_text(question)
    expect(page.locator(CARD).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)


def test_empty_question_shows_one_line_error(page):
    page.press(QUESTION, "Enter")
    bot = page.locator(BOT)
    expect(bot).to_have_count(1, timeout=30_000)
    message = bot.first.inner_text().strip()
    assert message.startswith("⚠"), message
    assert "\n" not in message and "Traceback" not in message
    expect(page.locator(USER)).to_have_count(0)
