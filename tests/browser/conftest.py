"""Browser fixtures: the demo clinic site (allowed and not allowed origins) and headless Debian Chromium."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, expect, sync_playwright

from bot.local_servers import free_port
from bot.settings import PROJECT_ROOT
from tests.fixtures.servers import RunningBot, start_demo_site

CHROMIUM = os.environ.get("IL2BOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

expect.set_options(timeout=30_000)  # the first answers of a freshly started assistant can take a few seconds


@pytest.fixture(scope="session")
def demo_site(running_bot: RunningBot, tmp_path_factory) -> Iterator[str]:
    """The demo clinic website on the origin the assistant allows."""
    log = tmp_path_factory.mktemp("demo") / "demo.log"
    yield from start_demo_site(running_bot.demo_port, running_bot.base_url, log)


@pytest.fixture(scope="session")
def foreign_site(running_bot: RunningBot, tmp_path_factory) -> Iterator[str]:
    """The same pages on another origin, which the assistant does not allow."""
    log = tmp_path_factory.mktemp("foreign") / "foreign.log"
    yield from start_demo_site(free_port(), running_bot.base_url, log)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Package scope: Playwright's sync API keeps its event loop marked as running until it stops, which would
    # break asyncio tests that run after the browser tests.
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@dataclass
class PageProblems:
    """JavaScript errors and dialogs seen on a page (an XSS would open a dialog)."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def open_tab(browser: Browser, problems: PageProblems) -> Iterator[Callable[[dict[str, int]], Page]]:
    """Open fresh tabs (each with its own storage and cookies) of a given viewport size; closed after the test."""
    contexts: list[BrowserContext] = []

    def open_tab(viewport: dict[str, int]) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda error: problems.errors.append(str(error)))
        page.on("dialog", lambda dialog: (problems.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: _console_error(message, problems))
        return page

    yield open_tab
    for context in contexts:
        context.close()


def _console_error(message: ConsoleMessage, problems: PageProblems) -> None:
    if message.type == "error" and "Failed to load resource" not in message.text:
        problems.errors.append(message.text)


@pytest.fixture
def page(open_tab: Callable[[dict[str, int]], Page]) -> Page:
    """A fresh desktop-sized tab for each test."""
    return open_tab(DESKTOP)


@pytest.fixture
def phone_page(open_tab: Callable[[dict[str, int]], Page]) -> Page:
    """A fresh phone-sized tab (360 x 740)."""
    return open_tab(PHONE)
