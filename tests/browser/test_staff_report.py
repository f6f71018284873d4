"""The staff report in headless Chromium: no network request at all, and no serious axe-core violation.

Only the `browser`/`open_tab` fixtures are used: none of them starts the assistant (`running_bot`), the
report is a static file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from bot.activity import ActivityLog
from bot.answers.store import AnswerStore, make_engine
from bot.staff_report import write_staff_report
from tests.browser.conftest import AXE, DESKTOP, PHONE, PageProblems
from tests.browser.report_screenshot import build_demo
from tests.browser.widget_page import axe_violations


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The demo clinic's report, and a brand new clinic's empty one."""
    workdir = tmp_path_factory.mktemp("staff-report")
    demo = build_demo(workdir)
    full = write_staff_report(
        workdir / "full.html", demo.log, demo.store, demo.groups, today=demo.today, days=demo.days
    )
    engine = make_engine(f"sqlite:///{workdir / 'empty.sqlite3'}")
    empty = write_staff_report(workdir / "empty.html", ActivityLog(engine), AnswerStore(engine), [], today=demo.today)
    return {"full": full, "empty": empty}


def _load(page: Page, path: Path) -> list[str]:
    """Open the report and return the URL of every request the page made."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("networkidle")
    return requests


@pytest.mark.parametrize("kind", ["full", "empty"])
def test_report_makes_no_request_and_no_error(
    kind: str, reports: dict[str, Path], open_tab: Callable[[dict[str, int]], Page], problems: PageProblems
) -> None:
    page = open_tab(DESKTOP)
    assert _load(page, reports[kind]) == [reports[kind].as_uri()]
    # A resource the Content-Security-Policy had to block would show up here as a console error.
    assert problems.errors == [] and problems.dialogs == []
    assert page.get_by_role("heading", level=1).count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("kind", ["full", "empty"])
def test_report_has_no_serious_accessibility_violation(
    kind: str, viewport: dict[str, int], reports: dict[str, Path], browser: Browser
) -> None:
    # axe-core goes in as an inline script, which the report's policy forbids: bypass it for this tab. That
    # also makes the request check below about the markup itself, not about the policy blocking things.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    try:
        page = context.new_page()
        assert _load(page, reports[kind]) == [reports[kind].as_uri()]
        assert axe_violations(page, str(AXE)) == []
        if kind == "full":
            chart = page.get_by_role("img", name="Questions per day")
            assert chart.count() == 1 and chart.is_visible()
            # On a phone the wide table scrolls by itself; the page does not scroll sideways.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        else:
            assert page.get_by_role("heading", name="No questions yet").is_visible()
    finally:
        context.close()
