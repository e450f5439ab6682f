"""The web chat in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

Two live apps on free loopback ports, each started once per module: one over the session Assistant,
one over an Assistant whose corpus holds a product file with an XSS payload. Screenshots go to the
test's ``tmp_path`` and to ``test-output/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.config import REPO_ROOT
from webchat import app as ui

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
OUTPUT = REPO_ROOT / "test-output"
TIMEOUT_MS = 30_000

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
ALERT = "<img src=x onerror=\"alert('xss')\">"
XSS_PRODUCT = f"""---
id: vitamin-k2-p99
order: 99
title: Zebrafix K2 Drops {SCRIPT}
name: Zebrafix K2 Drops
nutrients:
- nutrient: vitamin K2
  amount: 50 mcg
  form: MK-7
---

Zebrafix K2 Drops {SCRIPT} provide vitamin K2 (50 mcg as MK-7) in an olive oil base {IMG}{ALERT} for daily
bone support.
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(assistant: Assistant, settings: Settings) -> tuple[Any, str]:
    settings = settings.model_copy(update={"port": free_port()})
    demo = ui.build_app(assistant, settings)
    _, url, _ = ui.launch(demo, settings, prevent_thread_lock=True, quiet=True)
    return demo, url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="module")
def chat_app(assistant: Assistant, base_settings: Settings,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    settings = base_settings.model_copy(
        update={"feedback_db": tmp_path_factory.mktemp("browser-fb") / "feedback.sqlite3"})
    demo, url = serve(assistant, settings)
    try:
        yield url, settings
    finally:
        demo.close()


@pytest.fixture(scope="module")
def xss_url(tmp_path_factory: pytest.TempPathFactory, base_settings: Settings,
            embeddings: Any) -> Iterator[str]:
    root = tmp_path_factory.mktemp("xss-kb")
    shutil.copytree(base_settings.corpus_dir, root / "corpus")
    (root / "corpus" / "vitamin-k2" / "products" / "99-zebrafix-k2-drops.md").write_text(
        XSS_PRODUCT, encoding="utf-8")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index",
                        feedback_db=root / "feedback.sqlite3")
    demo, url = serve(Assistant(settings, embeddings=embeddings), settings)
    try:
        yield url
    finally:
        demo.close()


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter and wait for the answer bubble to settle; returns it."""
    bots_before = page.locator('#chat [data-testid="bot"]').count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    bot = page.locator('#chat [data-testid="bot"]').nth(bots_before)
    expect(bot).to_be_visible()
    expect(bot).not_to_have_text("")
    expect(page.locator("#question textarea")).to_have_value("")
    page.wait_for_timeout(300)  # let the last streamed update land
    return bot


def screenshot(page: Any, tmp_path: Path, name: str) -> Path:
    out = tmp_path / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    OUTPUT.mkdir(exist_ok=True)
    shutil.copy(out, OUTPUT / out.name)
    return out


def test_warfarin_question_shows_answer_sources_and_caution_banner(
        page: Any, chat_app: tuple[str, Settings], tmp_path: Path) -> None:
    url, settings = chat_app
    page.goto(url)
    expect(page.get_by_text("Information from the monograph, not medical advice.")).to_be_visible()
    expect(page.locator("#caution-banner")).to_be_hidden()
    bot = ask(page, "Can I take vitamin K2 if I'm on warfarin?")
    expect(bot).to_contain_text("[1]")
    expect(bot).to_contain_text("warfarin")
    banner = page.locator("#caution-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Caution")
    sources = page.locator("#sources")
    expect(sources.locator("li.source").first).to_be_visible()
    expect(sources).to_contain_text("Clinical Notes")
    expect(sources).to_contain_text("vitamin-k2/monograph.md")
    expect(sources.locator("mark").first).to_be_visible()
    # the banner is above the answer and looks different from it
    assert banner.bounding_box()["y"] < bot.bounding_box()["y"]
    banner_bg = banner.locator(".caution-box").evaluate("e => getComputedStyle(e).backgroundColor")
    bot_bg = bot.evaluate("e => getComputedStyle(e).backgroundColor")
    assert banner_bg != bot_bg
    shot = screenshot(page, tmp_path, "chat-warfarin")
    assert shot.stat().st_size > 10_000

    # thumbs up on the answer is stored in the feedback file
    page.locator('#chat button[aria-label="Like"]').first.click()
    page.wait_for_timeout(1500)
    with sqlite3.connect(settings.feedback_db) as con:
        rows = con.execute("SELECT question, vote FROM feedback").fetchall()
    assert rows == [("Can I take vitamin K2 if I'm on warfarin?", "up")]

    # clear empties the chat and the panels; an abstention says the monograph doesn't cover it
    page.locator("#clear-button").click()
    expect(page.locator('#chat [data-testid="bot"]')).to_have_count(0)
    expect(banner).to_be_hidden()
    bot = ask(page, "Is vitamin K2 good for migraines?")
    expect(bot).to_contain_text("doesn't cover")
    expect(banner).to_be_hidden()
    expect(sources).to_contain_text("No sources")
    assert page.dialogs == []


def test_example_question_and_empty_question(page: Any, chat_app: tuple[str, Settings],
                                             tmp_path: Path) -> None:
    url, _ = chat_app
    page.goto(url)
    page.get_by_role("button", name="Which products contain MK-7?").click()
    bot = page.locator('#chat [data-testid="bot"]').first
    expect(bot).to_contain_text("MK-7")
    table = page.locator("#products-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_be_visible()
    screenshot(page, tmp_path, "chat-products")
    bot = ask(page, "   ")
    expect(bot).to_contain_text("empty")
    bot = ask(page, "What dose of MK-4 was used in women with osteoporosis?")
    expect(bot).to_contain_text("[1]")


def test_xss_in_corpus_and_question_renders_as_text(page: Any, xss_url: str, tmp_path: Path) -> None:
    page.goto(xss_url)
    bot = ask(page, "Which products contain MK-7?")
    expect(bot).to_contain_text("Zebrafix")
    expect(bot).to_contain_text(SCRIPT)  # the corpus payload, shown literally in the answer
    sources = page.locator("#sources")
    expect(sources).to_contain_text(SCRIPT)
    expect(sources).to_contain_text(IMG)
    expect(page.locator("#products-table")).to_contain_text(SCRIPT)

    question = f"What is in Zebrafix K2 Drops? {SCRIPT}{IMG}{ALERT}"
    ask(page, question)
    user = page.locator('#chat [data-testid="user"]').last
    expect(user).to_contain_text(SCRIPT)
    expect(user).to_contain_text(ALERT)
    page.wait_for_timeout(1000)  # give any injected handler a chance to fire
    screenshot(page, tmp_path, "chat-xss")

    assert page.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#chat img, #sources img, #products-table img").count() == 0
    assert page.locator("#chat script, #sources script, #products-table script").count() == 0
    expect(page.get_by_text("<script>").first).to_be_visible()
