"""Refresh the README's screenshots of the widget: `make screenshots` (python -m tests.browser.screenshots).

Starts the real assistant and the demo clinic site like the browser tests do, has a short conversation in
headless Chromium and saves docs/widget-desktop.png (1280 x 800) and docs/widget-phone.png (360 x 740).
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.settings import ANSWERS_DIR, PROJECT_ROOT
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE
from tests.browser.widget_page import ChatWidget
from tests.fixtures.servers import start_bot, start_demo_site

DOCS = PROJECT_ROOT / "docs"


def converse(page: Page, site: str) -> None:
    """Open the chat, pick a topic with a button, then ask a question: bubbles, buttons and a source."""
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.kind("topic_menu").last.get_by_role("button", name="Side effects").click()
    widget.wait_for_reply()
    widget.ask("will il2 make me throw up")
    widget.kind("answer").last.wait_for()
    page.locator(".il2-log").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    page.mouse.move(0, 0)


def main() -> None:
    """Take both screenshots."""
    DOCS.mkdir(exist_ok=True)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database = f"sqlite:///{workdir / 'answers.sqlite3'}"
        AnswerStore(make_engine(database)).load(load_answer_files(ANSWERS_DIR))
        bot = stack.enter_context(contextmanager(start_bot)(workdir, database))
        site = stack.enter_context(contextmanager(start_demo_site)(bot.demo_port, bot.base_url, workdir / "demo.log"))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            converse(page, site)
            path = DOCS / f"widget-{name}.png"
            page.screenshot(path=str(path))
            print(f"saved {path.relative_to(PROJECT_ROOT)}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
