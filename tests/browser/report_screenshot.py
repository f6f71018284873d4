"""Refresh docs/staff-report.png: `python -m tests.browser.report_screenshot`.

Renders the staff report from a made-up demo clinic (four weeks of questions, some thumbs up and down,
a few unanswered groups about parking, wifi and pets: no real patient data) and takes a full-page
screenshot 1280 wide in headless Chromium. The browser test renders the same demo.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot.activity import ActivityLog
from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.review import ReviewGroup, group_questions
from bot.settings import ANSWERS_DIR, PROJECT_ROOT
from bot.staff_report import write_staff_report
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP

SCREENSHOT = PROJECT_ROOT / "docs" / "staff-report.png"
DEMO_TODAY = date(2025, 3, 28)
DEMO_DAYS = 28

_OUTCOMES = {  # relative frequency of what a question got
    "answered": 62,
    "did_you_mean": 9,
    "unsure": 8,
    "out_of_scope": 6,
    "referral": 8,
    "urgent": 3,
    "emergency": 1,
    "other": 3,
}
_POPULAR = {  # answer id: how often it is given, relative
    "side_effects.overview": 14,
    "side_effects.fever_chills": 9,
    "side_effects.nausea_diarrhea": 8,
    "about.what_is_il2": 7,
    "practical.planning_time": 6,
    "side_effects.weight_gain_swelling": 5,
    "outcomes.response_rate": 5,
    "living.eating": 4,
    "practical.travel_lodging": 3,
    "later_effects.thyroid": 2,
}
_VOTES = {  # answer id: (helpful, not helpful)
    "practical.travel_lodging": (3, 5),
    "side_effects.weight_gain_swelling": (6, 3),
    "outcomes.response_rate": (9, 2),
    "living.eating": (5, 1),
    "side_effects.overview": (21, 1),
}
_UNANSWERED = (
    ("where do i park for my il2 admission", "unanswered"),
    ("where can i park at the cancer center", "unanswered"),
    ("is there parking at the hospital", "unanswered"),
    ("where do I park, my name is Sam Green", "unanswered"),
    ("can my family park near the ward", "not_helpful"),
    ("how much does parking cost at the hospital", "unanswered"),
    ("is there wifi in the ward", "unanswered"),
    ("what is the wifi password on the il2 unit", "unanswered"),
    ("will i have wifi in my room", "unanswered"),
    ("can pets visit during treatment", "unanswered"),
    ("can my dog visit me in hospital", "unanswered"),
    ("what should I pack for a week in hospital", "unanswered"),
    ("is there a cafe for visitors", "unanswered"),
)


@dataclass(frozen=True)
class Demo:
    """The demo clinic's data, ready for `render_staff_report`."""

    log: ActivityLog
    store: AnswerStore
    groups: list[ReviewGroup]
    today: date = DEMO_TODAY
    days: int = DEMO_DAYS


def build_demo(workdir: Path) -> Demo:
    """Fill an SQLite database in `workdir` with the demo clinic's made-up activity."""
    entries = load_answer_files(ANSWERS_DIR)
    engine = make_engine(f"sqlite:///{workdir / 'demo.sqlite3'}")
    store = AnswerStore(engine)
    store.load(entries)
    log = ActivityLog(engine)
    rng = random.Random(2)
    start = DEMO_TODAY - timedelta(days=DEMO_DAYS - 1)
    for offset in range(DEMO_DAYS):
        day = start + timedelta(days=offset)
        busy = 4 if day.weekday() >= 5 else 11  # fewer questions at weekends
        for _ in range(busy + rng.randint(0, 8) + offset // 4):
            at = datetime.combine(day, time(8)) + timedelta(minutes=rng.randint(0, 13 * 60))
            (category,) = rng.choices(list(_OUTCOMES), weights=list(_OUTCOMES.values()))
            answer = rng.choices(list(_POPULAR), weights=list(_POPULAR.values()))[0] if category == "answered" else None
            log.record_turn(category, answer, at=at)
    for answer_id, (helpful, not_helpful) in _VOTES.items():
        for index in range(helpful + not_helpful):
            at = datetime.combine(start + timedelta(days=rng.randrange(DEMO_DAYS)), time(12))
            log.record_feedback(answer_id, index < helpful, at=at)
    for index, (text, reason) in enumerate(_UNANSWERED):
        log.record_review_item(text, reason=reason, at=datetime.combine(start + timedelta(days=2 * index), time(10)))
    return Demo(log, store, group_questions(log.open_items(), entries))


def main() -> None:
    """Render the demo report and save the full-page screenshot."""
    SCREENSHOT.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        demo = build_demo(Path(tmp))
        page_path = write_staff_report(
            Path(tmp) / "report.html", demo.log, demo.store, demo.groups, today=demo.today, days=demo.days
        )
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport=DESKTOP)
        page.goto(page_path.as_uri())
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
    print(f"saved {SCREENSHOT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
