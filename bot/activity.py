"""What patients did, kept for maintainers and clinic staff: turn outcomes, thumbs up/down, the review queue.

Nothing here stores a sender id, and the only text kept is the review queue's, redacted by the caller's
`bot.redaction.redact` before it reaches this module (`record_review_item` redacts again, so a caller
that forgets cannot store raw text).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.answers import schema
from bot.answers.models import FeedbackRow, TurnOutcomeRow, UnansweredQuestionRow
from bot.redaction import redact

logger = logging.getLogger(__name__)

MAX_QUEUED_CHARS = 500

ANSWERED = "answered"
DID_YOU_MEAN = "did_you_mean"
UNSURE = "unsure"
OUT_OF_SCOPE = "out_of_scope"
REFERRAL = "referral"
URGENT = "urgent"
EMERGENCY = "emergency"
FEEDBACK = "feedback"
OTHER = "other"
CATEGORIES = (ANSWERED, DID_YOU_MEAN, UNSURE, OUT_OF_SCOPE, REFERRAL, URGENT, EMERGENCY, OTHER)
"""What a patient message got, as the staff report counts it (feedback clicks are not questions)."""

_BY_REPLY_KIND = {
    "answer": ANSWERED,
    "detail": ANSWERED,
    "education": ANSWERED,
    "disambiguation": DID_YOU_MEAN,
    "fallback": UNSURE,
    "out_of_scope": OUT_OF_SCOPE,
    "feedback": FEEDBACK,
}


def turn_category(reply_kinds: Sequence[tuple[str, str | None]]) -> tuple[str, str | None]:
    """(category, answer id) of one turn from its replies' (kind, answer id), the one-time notice left out.

    Safety outcomes win over the education shown with them: an emergency is an emergency.
    """
    kinds = [(kind, answer_id) for kind, answer_id in reply_kinds if kind != "notice"]
    present = {kind for kind, _ in kinds}
    for kind, category in (("emergency", EMERGENCY), ("urgent", URGENT), ("redirect", REFERRAL)):
        if kind in present:
            return category, None
    if not kinds:
        return OTHER, None
    kind, answer_id = kinds[0]
    category = _BY_REPLY_KIND.get(kind, OTHER)
    return category, answer_id if category == ANSWERED else None


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _day_after(until: date | None) -> datetime:
    """The first moment after day `until` (no end: far in the future)."""
    return datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else datetime.max


@dataclass(frozen=True)
class QueueItem:
    """One redacted entry of the review queue."""

    id: int
    asked_at: datetime
    text: str
    best_guess: str | None
    confidence: float | None
    reason: str
    group_id: int | None


@dataclass(frozen=True)
class AnswerFeedback:
    """Thumbs up and down one answer got."""

    answer_id: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class PurgeReport:
    """Rows removed by `bot purge`."""

    review_items: int
    feedback: int
    turn_outcomes: int


TURN_FLUSH_SECONDS = 1.0
"""Turn counts are written in one batch at most this often: a turn costs no SQL write of its own."""


class ActivityLog:
    """Repository over the activity tables (same database as the answer base)."""

    def __init__(self, engine: Engine, *, flush_seconds: float = TURN_FLUSH_SECONDS) -> None:
        self._engine = engine
        self._schema_ready = False
        self._flush_seconds = flush_seconds
        self._pending: list[TurnOutcomeRow] = []
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()
        """Held while a batch is written, so a reader's flush waits for a write the flusher has begun."""
        self._flusher: threading.Thread | None = None

    def _ready(self) -> None:
        if not self._schema_ready:
            schema.upgrade(self._engine)
            self._schema_ready = True

    # --- writing (the action server) -----------------------------------------------------------

    def record_turn(self, category: str, answer_id: str | None, *, at: datetime | None = None) -> None:
        """Count one patient message under `category` (written with the next batch, within a second)."""
        with self._pending_lock:
            self._pending.append(TurnOutcomeRow(at=at or _now(), kind=category, answer_id=answer_id))
            if self._flusher is None:
                # A daemon thread: the action server answers while counts are written; one write a second.
                self._flusher = threading.Thread(target=self._flush_forever, name="turn-counts", daemon=True)
                self._flusher.start()

    def flush(self) -> None:
        """Write the turn counts not written yet (the report and purge call it; tests too)."""
        self._ready()
        # Without the write lock a report could flush while the background flusher had taken the
        # batch but not yet written it, find nothing pending and read a day with no questions.
        with self._write_lock:
            with self._pending_lock:
                batch, self._pending = self._pending, []
            if batch:
                with Session(self._engine, future=True) as session, session.begin():
                    session.add_all(batch)

    def _flush_forever(self) -> None:
        while True:
            time.sleep(self._flush_seconds)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - a database hiccup costs a second of counts, never the server
                logger.exception("could not write the turn counts")

    def record_feedback(self, answer_id: str, helpful: bool, *, at: datetime | None = None) -> None:
        """A thumbs up (True) or down (False) under `answer_id`."""
        self._ready()
        with Session(self._engine, future=True) as session, session.begin():
            session.add(FeedbackRow(given_at=at or _now(), answer_id=answer_id, helpful=helpful))

    def record_review_item(
        self,
        text: str,
        *,
        reason: str,
        best_guess: str | None = None,
        confidence: float | None = None,
        at: datetime | None = None,
    ) -> None:
        """Queue a question for review, redacted (again) and cut to a few hundred characters."""
        self._ready()
        with Session(self._engine, future=True) as session, session.begin():
            session.add(
                UnansweredQuestionRow(
                    asked_at=at or _now(),
                    redacted_text=redact(text)[:MAX_QUEUED_CHARS],
                    best_guess=best_guess,
                    confidence=None if confidence is None else round(confidence, 3),
                    reason=reason,
                    status="open",
                )
            )

    # --- the review queue (maintainers) --------------------------------------------------------

    def open_items(self) -> list[QueueItem]:
        """Every open review item, oldest first."""
        self._ready()
        query = (
            select(UnansweredQuestionRow)
            .where(func.coalesce(UnansweredQuestionRow.status, "open") == "open")
            .order_by(UnansweredQuestionRow.id)
        )
        with Session(self._engine, future=True) as session:
            return [
                QueueItem(
                    id=row.id,
                    asked_at=row.asked_at,
                    text=row.redacted_text,
                    best_guess=row.best_guess,
                    confidence=row.confidence,
                    reason=row.reason or "unanswered",
                    group_id=row.group_id,
                )
                for row in session.execute(query).scalars()
            ]

    def assign_groups(self, groups: Iterable[Sequence[int]]) -> None:
        """Store each group's id (its smallest item id) on its items, so later commands name the same group."""
        self._ready()
        with Session(self._engine, future=True) as session, session.begin():
            for item_ids in groups:
                if item_ids:
                    session.execute(
                        update(UnansweredQuestionRow)
                        .where(UnansweredQuestionRow.id.in_(list(item_ids)))
                        .values(group_id=min(item_ids))
                        .execution_options(synchronize_session=False)
                    )

    def group_items(self, group_id: int) -> list[QueueItem]:
        """The open items `bot review` last put in group `group_id`."""
        return [item for item in self.open_items() if item.group_id == group_id]

    def close_group(self, group_id: int, status: str) -> int:
        """Mark the open items of a group `accepted`, `drafted` or `dismissed`; how many were closed."""
        self._ready()
        with Session(self._engine, future=True) as session, session.begin():
            result = session.execute(
                update(UnansweredQuestionRow)
                .where(
                    UnansweredQuestionRow.group_id == group_id,
                    func.coalesce(UnansweredQuestionRow.status, "open") == "open",
                )
                .values(status=status)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)

    # --- reading (the staff report) ------------------------------------------------------------

    def questions_per_day(self, since: date) -> list[tuple[date, dict[str, int]]]:
        """Per day from `since`, the count of patient messages in each category (feedback clicks excluded)."""
        self.flush()
        day = func.date(TurnOutcomeRow.at)
        query = (
            select(day, TurnOutcomeRow.kind, func.count())
            .where(TurnOutcomeRow.at >= datetime.combine(since, datetime.min.time()), TurnOutcomeRow.kind != FEEDBACK)
            .group_by(day, TurnOutcomeRow.kind)
            .order_by(day)
        )
        by_day: dict[date, dict[str, int]] = {}
        with Session(self._engine, future=True) as session:
            for value, kind, count in session.execute(query):
                when = value if isinstance(value, date) else date.fromisoformat(str(value))
                by_day.setdefault(when, dict.fromkeys(CATEGORIES, 0))[kind] = int(count)
        return sorted(by_day.items())

    def top_answers(self, since: date, limit: int = 10, *, until: date | None = None) -> list[tuple[str, int]]:
        """(answer id, times given directly) of the most given answers from `since` to `until` (included)."""
        self.flush()
        query = (
            select(TurnOutcomeRow.answer_id, func.count().label("n"))
            .where(
                TurnOutcomeRow.at >= datetime.combine(since, datetime.min.time()),
                TurnOutcomeRow.at < _day_after(until),
                TurnOutcomeRow.kind == ANSWERED,
                TurnOutcomeRow.answer_id.is_not(None),
            )
            .group_by(TurnOutcomeRow.answer_id)
            .order_by(func.count().desc(), TurnOutcomeRow.answer_id)
            .limit(limit)
        )
        with Session(self._engine, future=True) as session:
            return [(str(answer_id), int(n)) for answer_id, n in session.execute(query)]

    def feedback(self, since: date, *, until: date | None = None) -> list[AnswerFeedback]:
        """Thumbs per answer from `since` to `until` (included), the least helpful first.

        Least helpful: the most "not helpful", then the fewest "helpful".
        """
        self._ready()
        up = func.sum(case((FeedbackRow.helpful.is_(True), 1), else_=0))
        down = func.sum(case((FeedbackRow.helpful.is_(False), 1), else_=0))
        query = (
            select(FeedbackRow.answer_id, up, down)
            .where(
                FeedbackRow.given_at >= datetime.combine(since, datetime.min.time()),
                FeedbackRow.given_at < _day_after(until),
            )
            .group_by(FeedbackRow.answer_id)
        )
        with Session(self._engine, future=True) as session:
            rows = [AnswerFeedback(str(a), int(u or 0), int(d or 0)) for a, u, d in session.execute(query)]
        return sorted(rows, key=lambda f: (-f.not_helpful, f.helpful, f.answer_id))

    # --- retention -----------------------------------------------------------------------------

    def purge(self, older_than_days: int, *, now: datetime | None = None) -> PurgeReport:
        """Delete review items, feedback and turn outcomes older than `older_than_days` days."""
        self.flush()
        cutoff = (now or _now()) - timedelta(days=older_than_days)
        with Session(self._engine, future=True) as session, session.begin():
            queue = session.execute(delete(UnansweredQuestionRow).where(UnansweredQuestionRow.asked_at < cutoff))
            feedback = session.execute(delete(FeedbackRow).where(FeedbackRow.given_at < cutoff))
            turns = session.execute(delete(TurnOutcomeRow).where(TurnOutcomeRow.at < cutoff))
            return PurgeReport(int(queue.rowcount or 0), int(feedback.rowcount or 0), int(turns.rowcount or 0))
