"""Screenshots of the web chat for the README, taken from the live app in Debian's chromium.

``python -m evals.screenshots [--out docs/screenshots]`` serves the web chat over a private copy of
the corpus (its own index in a temporary folder, so the repository's index is not touched), asks a
cautioned question and a product question in a desktop (1280×900) and a phone (390×844) window, and
writes ``desktop.png`` and ``phone.png``. Playwright drives ``/usr/bin/chromium`` (never
``playwright install``). :func:`take_screenshots` works on any running chat (the browser tests use it).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from assistant.config import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
CAUTIONED = "Can I take vitamin K2 if I'm on warfarin?"
PRODUCTS = "Which products contain MK-7?"
LAYOUTS: dict[str, Any] = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def ask(page: Any, question: str) -> None:
    """Type a question, press Enter and wait until the answer and the question box have settled."""
    from playwright.sync_api import expect

    before = page.locator('#chat [data-testid="bot"]').count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(page.locator('#chat [data-testid="bot"]').nth(before)).not_to_have_text("", timeout=60_000)
    expect(box).to_have_value("", timeout=60_000)
    page.wait_for_timeout(400)


def take_screenshots(url: str, out_dir: Path, browser: Any = None) -> list[Path]:
    """``desktop.png`` and ``phone.png`` of the chat at ``url``: a cautioned answer, then a product
    table, its first source link clicked (one device pixel per CSS pixel keeps each PNG small).
    ``browser``: a Playwright chromium already running (else Debian's chromium is started)."""
    if browser is not None:
        return [_shoot(browser, url, out_dir, name) for name in LAYOUTS]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return [_shoot(own, url, out_dir, name) for name in LAYOUTS]
        finally:
            own.close()


def _shoot(browser: Any, url: str, out_dir: Path, name: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    phone = name == "phone"
    context = browser.new_context(viewport=LAYOUTS[name], device_scale_factor=1, is_mobile=phone,
                                  has_touch=phone)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.locator("#new-chat").click()
        ask(page, CAUTIONED)
        ask(page, PRODUCTS)
        page.locator("#products-table a.cite").first.click()
        page.wait_for_timeout(400)
        page.evaluate("window.scrollTo(0, 0); document.querySelectorAll('.table-scroll')"
                      ".forEach((e) => { e.scrollLeft = 0; })")
        path = out_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    finally:
        context.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)

    from assistant import Assistant, Settings
    from evals.bench.procs import free_port
    from webchat.app import build_app, launch

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO_ROOT / "corpus", root / "corpus")
        settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index",
                            feedback_db=root / "feedback.sqlite3", port=free_port())
        demo = build_app(Assistant(settings), settings)
        _, url, _ = launch(demo, settings, prevent_thread_lock=True, quiet=True)
        try:
            for path in take_screenshots(url, args.out):
                print(f"{path} ({path.stat().st_size // 1024} KB)")
        finally:
            demo.close()


if __name__ == "__main__":
    main()
