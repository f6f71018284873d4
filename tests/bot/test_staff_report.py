"""The staff report: right figures, no outside requests, no personal details, escaped text, an empty clinic."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest

from bot.activity import CATEGORIES, ActivityLog, QueueItem
from bot.answers.store import AnswerStore
from bot.review import ReviewGroup, group_questions
from bot.staff_report import LABELS, render_staff_report, write_staff_report

TODAY = date(2025, 3, 10)
DAYS = 7  # 4 to 10 March
PERSONAL = "my name is Ann Lee, call 555-123-4567, born 03/04/1961, email ann@example.com: where do i park"
PERSONAL_DETAILS = ("Ann Lee", "555-123-4567", "03/04/1961", "ann@example.com", "1961")


class _Page(HTMLParser):
    """Tables by caption (rows of cell texts), headings in order, every <th>'s attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[tuple[int, str]] = []
        self.header_cells: list[dict[str, str | None]] = []
        self._caption: list[str] | None = None
        self._title = ""
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.header_cells.append(dict(attrs))
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._title = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "table":
            self.tables[self._title] = self._rows
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        for part in (self._caption, self._cell, self._heading):
            if part is not None:
                part.append(data)

    def table(self, caption_start: str) -> dict[str, list[str]]:
        """The table whose caption starts so, as {row header: the other cells}, header row left out."""
        (rows,) = [rows for caption, rows in self.tables.items() if caption.startswith(caption_start)]
        return {row[0]: row[1:] for row in rows[1:]}


def _at(day: int, hour: int = 10) -> datetime:
    return datetime.combine(date(2025, 3, day), time(hour))


@pytest.fixture
def log(fresh_store: AnswerStore, answer_entries) -> ActivityLog:
    """Activity over a week and the day before it, a retired answer, thumbs, and a small review queue."""
    fresh_store.load(answer_entries)
    log = ActivityLog(fresh_store._engine)
    turns = {
        3: [("answered", "about.what_is_il2")] * 5,  # the day before the period: not counted
        4: [("answered", "about.what_is_il2")] * 3 + [("unsure", None)],
        6: [("answered", "side_effects.overview")] * 2
        + [("did_you_mean", None), ("out_of_scope", None), ("referral", None), ("feedback", None)],
        9: [("answered", "about.what_is_il2"), ("answered", "about.retired_one"), ("urgent", None)]
        + [("emergency", None), ("other", None)],
    }
    for day, outcomes in turns.items():
        for hour, (category, answer_id) in enumerate(outcomes, start=8):
            log.record_turn(category, answer_id, at=_at(day, hour))
    for answer_id, helpful, not_helpful in (
        ("side_effects.overview", 1, 3),
        ("about.what_is_il2", 5, 1),
        ("living.eating", 2, 0),
    ):
        for index in range(helpful + not_helpful):
            log.record_feedback(answer_id, index < helpful, at=_at(5 + index % 4))
    log.record_feedback("side_effects.overview", False, at=_at(2))  # before the period
    for day, text in enumerate(
        [
            "where do i park for my il2 admission",
            "where can i park at the cancer center",
            "is there parking at the hospital",
            "is there wifi in the ward",
            "will i have wifi in my room",
            PERSONAL,
            "<script>alert(1)</script> is there wifi",
        ],
        start=4,
    ):
        log.record_review_item(text, reason="unanswered", at=_at(day))
    return log


@pytest.fixture
def groups(log: ActivityLog, answer_entries) -> list[ReviewGroup]:
    return group_questions(log.open_items(), answer_entries)


@pytest.fixture
def page(log: ActivityLog, fresh_store: AnswerStore, groups: list[ReviewGroup]) -> str:
    return render_staff_report(log, fresh_store, groups, today=TODAY, days=DAYS)


def test_period_and_generation_date(page: str) -> None:
    assert "Period: 4 March 2025 to 10 March 2025 (7 days)" in page
    assert "Report made on 10 March 2025" in page
    assert "<title>Staff report: IL-2 patient assistant, 4 March 2025 to 10 March 2025</title>" in page


def test_shares_over_the_period(page: str) -> None:
    # 14 questions in the period: 7 answered directly, one of each other outcome; feedback clicks and the
    # day before the period are not counted.
    assert "Patients asked 14 questions in this period. The assistant answered 50% of them directly." in page
    shares = _Page(page).table("Share of the 14 questions")
    assert shares[LABELS["answered"][1]][:2] == ["7", "50%"]
    for category in CATEGORIES[1:]:
        assert shares[LABELS[category][1]][:2] == ["1", "7%"], category


def test_every_category_has_plain_words() -> None:
    assert tuple(LABELS) == CATEGORIES


def test_questions_per_day_table_has_every_day(page: str) -> None:
    daily = _Page(page).table("Questions per day")
    assert list(daily) == ["Tue 4 Mar", "Wed 5 Mar", "Thu 6 Mar", "Fri 7 Mar", "Sat 8 Mar", "Sun 9 Mar", "Mon 10 Mar"]
    # All, then the categories in CATEGORIES order
    assert daily["Tue 4 Mar"] == ["4", "3", "0", "1", "0", "0", "0", "0", "0"]
    assert daily["Thu 6 Mar"] == ["5", "2", "1", "0", "1", "1", "0", "0", "0"]
    assert daily["Sun 9 Mar"] == ["5", "2", "0", "0", "0", "0", "1", "1", "1"]
    assert daily["Wed 5 Mar"] == ["0"] * 9


def test_the_chart_is_inline_svg_with_a_text_alternative(page: str) -> None:
    (svg,) = re.findall(r"<svg[^>]*>", page)
    assert 'role="img"' in svg and 'aria-labelledby="chart-title"' in svg
    assert re.search(r'<svg[^>]*><title id="chart-title">Questions per day</title><desc id="chart-desc">', page)
    assert "The busiest day was 9 March 2025 with 5 questions" in page


def test_top_answers_by_title_and_retired_ones_by_id(page: str) -> None:
    top = _Page(page).table("Top 3 answers")
    assert top == {
        "What is IL-2?": ["4"],
        "Common side effects": ["2"],
        "about.retired_one (answer no longer in use)": ["1"],
    }
    assert list(top)[0] == "What is IL-2?"


def test_least_helpful_answers_first(page: str) -> None:
    votes = _Page(page).table("Helpful and not helpful votes")
    assert list(votes.items()) == [("Common side effects", ["1", "3"]), ("What is IL-2?", ["5", "1"])]


def test_largest_unanswered_groups(page: str, groups: list[ReviewGroup]) -> None:
    assert groups[0].size >= 3
    sizes = [int(size) for size in re.findall(r"<h3[^>]*>Group \d+: (\d+) questions?", page)]
    assert sizes == [group.size for group in groups[:5]]
    assert "&ldquo;where do i park for my il2 admission&rdquo;" in page
    assert "&ldquo;is there wifi in the ward&rdquo;" in page
    for block in re.findall(r"<section class=group.*?</section>", page, flags=re.S):
        assert block.count("<li>") <= 3
        assert "Closest existing answer: " in block


def test_nothing_is_loaded_from_anywhere(page: str) -> None:
    references = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)|url\(\s*["']?([^"')\s]*)""", page, flags=re.I)
    assert references, "the chart's internal references should have been found"
    assert all(value.startswith("#") for pair in references for value in pair if value), references
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(?:script|link|img|iframe|object|embed)\b|@import", page, flags=re.I)
    assert "Content-Security-Policy\" content=\"default-src 'none'" in page


def test_no_personal_details_or_sender_ids(page: str) -> None:
    for detail in PERSONAL_DETAILS:
        assert detail not in page
    assert "sender" not in page.lower()


def test_queued_text_is_redacted_again_and_escaped(log: ActivityLog, fresh_store: AnswerStore) -> None:
    # A row written by something that did not redact: the report still shows no personal detail or markup.
    raw = QueueItem(99, _at(8), PERSONAL, None, None, "unanswered", None)
    markup = QueueItem(100, _at(8), '<img src=x onerror="alert(1)"> & more', None, None, "unanswered", None)
    group = ReviewGroup(99, (raw, markup), None, 0.0, ())
    page = render_staff_report(log, fresh_store, [group], today=TODAY, days=DAYS)
    for detail in PERSONAL_DETAILS:
        assert detail not in page
    assert "my name is [name], call [number], born [date], email [email]" in page
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert([n])&quot;&gt; &amp; more" in page
    assert "none (this may need a new answer)" in page


def test_script_in_a_queued_question_is_escaped(page: str) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert([n])&lt;/script&gt; is there wifi" in page


def test_page_structure_for_assistive_technology(page: str) -> None:
    parsed = _Page(page)
    assert page.startswith('<!doctype html>\n<html lang="en">')
    levels = [level for level, _ in parsed.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), parsed.headings
    assert parsed.header_cells and all(cell.get("scope") in ("col", "row") for cell in parsed.header_cells)


def test_rendering_is_repeatable(log: ActivityLog, fresh_store: AnswerStore, groups, page: str) -> None:
    assert render_staff_report(log, fresh_store, groups, today=TODAY, days=DAYS) == page


def test_a_new_clinic_gets_a_friendly_empty_page(fresh_store: AnswerStore, answer_entries) -> None:
    fresh_store.load(answer_entries)
    page = render_staff_report(ActivityLog(fresh_store._engine), fresh_store, [], today=TODAY)
    assert "<h2>No questions yet</h2>" in page
    assert "Period: 9 February 2025 to 10 March 2025 (30 days)" in page
    assert "<svg" not in page and "<table" not in page
    assert page.rstrip().endswith("</html>")


def test_an_empty_database_renders_too(fresh_store: AnswerStore) -> None:
    page = render_staff_report(ActivityLog(fresh_store._engine), fresh_store, [], today=TODAY, days=1)
    assert "No questions yet" in page and "(1 day)" in page


def test_write_creates_the_folder(tmp_path, log: ActivityLog, fresh_store: AnswerStore, groups) -> None:
    path = write_staff_report(tmp_path / "reports" / "staff.html", log, fresh_store, groups, today=TODAY, days=DAYS)
    assert path.read_text(encoding="utf-8") == render_staff_report(log, fresh_store, groups, today=TODAY, days=DAYS)


def test_a_period_needs_a_day(log: ActivityLog, fresh_store: AnswerStore) -> None:
    with pytest.raises(ValueError):
        render_staff_report(log, fresh_store, [], today=TODAY, days=0)


def test_future_rows_are_not_in_the_daily_figures(log: ActivityLog, fresh_store: AnswerStore) -> None:
    log.record_turn("answered", "about.what_is_il2", at=datetime.combine(TODAY + timedelta(days=1), time(9)))
    page = render_staff_report(log, fresh_store, [], today=TODAY, days=DAYS)
    assert "Patients asked 14 questions" in page
