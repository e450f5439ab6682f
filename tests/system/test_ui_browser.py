"""The web chat in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

Two live apps on free loopback ports, each started once per module: one over the session Assistant,
one over an Assistant whose corpus holds a product file with an XSS payload (and marker-like text).
Covered: answers, sources and cautions; citation links that bring their card into view; a
conversation that survives a reload (votes included); the copy button, read back from the real
clipboard; the phone layout (390×844, no sideways scroll); axe-core (axe-playwright-python, which
bundles it) finding nothing serious or critical. Screenshots go to the test's ``tmp_path`` and to
``test-output/`` (git-ignored); ``python -m evals.screenshots`` makes the README's.
"""

from __future__ import annotations

import re
import shutil
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.config import REPO_ROOT
from evals import screenshots as shots
from webchat import app as ui

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
OUTPUT = REPO_ROOT / "test-output"
TIMEOUT_MS = 30_000

PHONE = {"width": 390, "height": 844}
SCRIPT = "<script>window.__xss=1</script>"
FAKE_LINK = '<a href="#source-1">[1]</a>'  # marker-like corpus text: it must stay text
IMG = '<img src=x onerror="window.__xss=1">'
ALERT = "<img src=x onerror=\"alert('xss')\">"
XSS_PRODUCT = f"""---
id: vitamin-k2-p99
order: 99
title: Zebrafix K2 Drops [1] {FAKE_LINK} {SCRIPT}
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


def new_page(browser: Any, viewport: dict[str, int] | None = None) -> Any:
    """A page in a fresh context (its own localStorage) that may use the clipboard."""
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000},
                                  permissions=["clipboard-read", "clipboard-write"],
                                  is_mobile=phone, has_touch=phone)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    return pg


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    pg = new_page(browser)
    yield pg
    pg.context.close()


@pytest.fixture()
def phone(browser: Any) -> Iterator[Any]:
    pg = new_page(browser, PHONE)
    yield pg
    pg.context.close()


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
    expect(page.get_by_role("heading", level=1)).to_have_text(ui.TITLE)
    expect(page.locator("#page-header")).to_contain_text("Answers from 1 monograph: Vitamin K2")
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

    # "New chat" empties the chat and the panels; an abstention says the monograph doesn't cover it
    page.locator("#new-chat").click()
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
    # the marker-like text of the product title is text; the real markers are links to their cards
    expect(bot).to_contain_text(f"Zebrafix K2 Drops [1] {FAKE_LINK}")
    links = bot.locator("a")
    assert links.count() >= 1 and links.count() == bot.locator("a.cite").count()
    for i in range(links.count()):
        number = re.fullmatch(r"\[(\d+)\]", links.nth(i).inner_text())
        assert number, links.nth(i).inner_text()
        assert links.nth(i).get_attribute("href") == f"#source-{number.group(1)}"
        expect(page.locator(f"#sources #source-{number.group(1)}")).to_have_count(1)
    assert "Zebrafix K2 Drops [1] &lt;a href=" in bot.inner_html()
    sources = page.locator("#sources")
    expect(sources).to_contain_text(SCRIPT)
    expect(sources).to_contain_text(IMG)
    expect(page.locator("#products-table")).to_contain_text(SCRIPT)

    question = f"What is in Zebrafix K2 Drops [2]? {FAKE_LINK} {SCRIPT}{IMG}{ALERT}"
    ask(page, question)
    user = page.locator('#chat [data-testid="user"]').last
    expect(user).to_contain_text(SCRIPT)
    expect(user).to_contain_text(ALERT)
    expect(user).to_contain_text(FAKE_LINK)
    assert page.locator('#chat [data-testid="user"] a').count() == 0
    page.wait_for_timeout(1000)  # give any injected handler a chance to fire
    screenshot(page, tmp_path, "chat-xss")

    assert page.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#chat img, #sources img, #products-table img").count() == 0
    assert page.locator("#chat script, #sources script, #products-table script").count() == 0
    expect(page.get_by_text("<script>").first).to_be_visible()


# ------------------------------------------------------------------------------- issue 16


def bots(page: Any) -> Any:
    return page.locator('#chat [data-testid="bot"]')


def test_clicking_a_marker_brings_its_card_into_view_and_marks_it(phone: Any,
                                                                   chat_app: tuple[str, Settings]) -> None:
    """On a phone the sources are below the chat, out of view: a click on a marker scrolls its card
    into view and marks it and its highlighted sentence; a marker of an earlier answer first brings
    that answer's sources back."""
    url, _ = chat_app
    phone.goto(url)
    first = ask(phone, "Can I take vitamin K2 if I'm on warfarin?")
    ask(phone, "Which products contain MK-7?")
    panel = phone.locator("#sources .sources-panel")
    expect(panel).to_have_attribute("data-turn", "1")
    phone.evaluate("window.scrollTo(0, 0)")
    card = phone.locator("#sources #source-3")
    expect(card).not_to_be_in_viewport()
    last = bots(phone).nth(1)
    last.locator('a.cite[href="#source-3"]').first.click()
    expect(card).to_be_in_viewport()
    expect(card).to_have_class(re.compile(r"\bcited-target\b"))
    expect(card.locator("mark").first).to_be_in_viewport()
    mark_outline = card.locator("mark").first.evaluate("e => getComputedStyle(e).outlineStyle")
    assert mark_outline == "solid"

    # a marker of the first answer: its sources come back, then its card is brought into view
    phone.evaluate("window.scrollTo(0, 0)")
    first.locator('a.cite[href="#source-2"]').click()
    expect(panel).to_have_attribute("data-turn", "0")
    card = phone.locator("#sources #source-2")
    expect(card).to_be_in_viewport()
    expect(card).to_have_class(re.compile(r"\bcited-target\b"))
    expect(phone.locator("#sources li.cited-target")).to_have_count(1)
    expect(phone.locator("#products-table")).to_be_hidden()  # the first answer has no table
    assert phone.url.endswith("/")  # the page itself did not navigate


def test_the_conversation_survives_a_reload_and_votes_still_work(
        page: Any, chat_app: tuple[str, Settings]) -> None:
    url, settings = chat_app
    page.goto(url)
    ask(page, "What dose of MK-4 was used in women with osteoporosis?")
    ask(page, "Can I take vitamin K2 if I'm on warfarin?")
    texts = [bots(page).nth(i).inner_text() for i in range(2)]
    sources = page.locator("#sources").inner_text()
    page.reload()
    expect(bots(page)).to_have_count(2)
    assert [bots(page).nth(i).inner_text() for i in range(2)] == texts
    expect(page.locator('#chat [data-testid="user"]').first).to_have_text(
        "What dose of MK-4 was used in women with osteoporosis?")
    expect(page.locator("#caution-banner")).to_be_visible()
    assert page.locator("#sources").inner_text() == sources
    expect(bots(page).first.locator("a.cite").first).to_be_visible()

    # a thumbs-down on the restored first answer is stored
    with sqlite3.connect(settings.feedback_db) as con:
        before = con.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
    page.locator('#chat button[aria-label="Dislike"]').first.click()
    page.wait_for_timeout(1500)
    with sqlite3.connect(settings.feedback_db) as con:
        rows = con.execute("SELECT question, vote FROM feedback ORDER BY id").fetchall()
    assert rows[before:] == [("What dose of MK-4 was used in women with osteoporosis?", "down")]

    # a follow-up after the reload is answered in the restored conversation, then "New chat" clears
    ask(page, "Does it interact with Coumadin?")
    expect(bots(page)).to_have_count(3)
    page.locator("#new-chat").click()
    expect(bots(page)).to_have_count(0)
    page.reload()
    page.wait_for_timeout(1000)
    expect(bots(page)).to_have_count(0)


def test_copy_puts_the_answer_with_numbered_references_on_the_clipboard(
        page: Any, chat_app: tuple[str, Settings]) -> None:
    url, _ = chat_app
    page.goto(url)
    bot = ask(page, "Can I take vitamin K2 if I'm on warfarin?")
    page.get_by_role("button", name="Copy answer with sources").click()
    expect(page.locator("#sources .copy-status")).to_have_text("Copied the answer with its sources.")
    clip = page.evaluate("navigator.clipboard.readText()")
    assert clip == page.evaluate("window.__webchatCopied")  # the real clipboard holds what was handed
    assert clip.startswith("**Question:** Can I take vitamin K2 if I'm on warfarin?\n")
    assert bot.inner_text().split(" [1]")[0] in clip
    assert "**Cautions**" in clip and "**References**" in clip
    cards = page.locator("#sources li.source")
    assert cards.count() >= 1
    for i in range(cards.count()):
        card = cards.nth(i)
        n = card.locator(".marker").inner_text().strip("[]")
        section, title = card.locator(".section").inner_text(), card.locator(".title").inner_text()
        snippet = " ".join(card.locator(".snippet").inner_text().split())
        file = card.locator(".source-file").inner_text()
        assert f"- [{n}] {section} — {title}: “{snippet}” ({file})" in clip
    assert "&lt;" not in clip and "<mark>" not in clip and "<a " not in clip  # plain text, not HTML


def _page_overflow(pg: Any) -> list[str]:
    return pg.evaluate("""() => {
        const w = document.documentElement.clientWidth;
        return Array.from(document.querySelectorAll('body *'))
          .filter(e => { const r = e.getBoundingClientRect();
                         return r.width > 0 && (r.right > w + 1 || r.left < -1); })
          .filter(e => !e.closest('.table-scroll, [hidden]'))
          .map(e => e.tagName + '#' + e.id + '.' + String(e.className).slice(0, 40)).slice(0, 10);
    }""")


def test_phone_layout_has_no_sideways_scroll_and_sources_under_the_answer(
        phone: Any, chat_app: tuple[str, Settings]) -> None:
    url, _ = chat_app
    phone.goto(url)
    ask(phone, "Can I take vitamin K2 if I'm on warfarin?")
    bot = ask(phone, "Which products contain MK-7?")
    expect(phone.locator("#products-table")).to_be_visible()
    widths = phone.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, "
                            "window.innerWidth]")
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    assert _page_overflow(phone) == []
    sources = phone.locator("#sources").bounding_box()
    assert sources["y"] >= bot.bounding_box()["y"] + bot.bounding_box()["height"]
    assert sources["x"] >= 0 and sources["x"] + sources["width"] <= PHONE["width"]
    assert phone.locator("#question textarea").bounding_box()["width"] > 250  # room to type


def _serious(pg: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # judge the finished page: under load Gradio may still be fading elements in (semi-transparent
    # text reads as low contrast), so wait until no animation or transition is running
    # (a page still settling is judged again a moment later, three times at most: a lasting
    # contrast problem still fails)
    for attempt in range(3):
        pg.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=15_000)
        violations = Axe().run(pg).response["violations"]
        named = {v["id"] for v in violations}
        if not named & {"color-contrast"} or attempt == 2:
            break
        pg.wait_for_timeout(1_500)
    assert not named & {"page-has-heading-one", "image-redundant-alt", "color-contrast"}, named
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")]


def test_axe_finds_nothing_serious_on_desktop_and_phone(browser: Any, chat_app: tuple[str, Settings]) -> None:
    pytest.importorskip("axe_playwright_python")
    url, _ = chat_app
    for viewport in (None, PHONE):
        pg = new_page(browser, viewport)
        try:
            pg.goto(url)
            expect(pg.locator("#page-header h1")).to_be_visible()
            assert _serious(pg) == []  # the empty page
            ask(pg, "Can I take vitamin K2 if I'm on warfarin?")
            ask(pg, "Which products contain MK-7?")
            bots(pg).first.locator("a.cite").first.click()
            expect(pg.locator("#sources li.cited-target")).to_have_count(1)
            assert _serious(pg) == []  # a cautioned answer, a product table, a marked card
        finally:
            pg.context.close()


def test_screenshot_script_makes_small_desktop_and_phone_pngs(browser: Any, chat_app: tuple[str, Settings],
                                                             tmp_path: Path) -> None:
    url, _ = chat_app
    paths = shots.take_screenshots(url, tmp_path, browser=browser)
    assert [p.name for p in paths] == ["desktop.png", "phone.png"]
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and 20_000 < len(data) < 300_000, (path, len(data))
        width = int.from_bytes(data[16:20], "big")
        assert width == (390 if path.name == "phone.png" else 1280)
