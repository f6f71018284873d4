"""The answer store: loads curated entries into SQL and reads answers back at run time."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.answers import schema
from bot.answers.entries import AnswerEntry, Source
from bot.answers.models import AnswerRow, AnswerVersionRow, FaqEditRow, TopicRow


@dataclass(frozen=True)
class StoredAnswer:
    """The current version of an answer, as the dialogue shows it."""

    id: str
    topic: str
    title: str
    answer: str
    detail: str | None
    sources: tuple[Source, ...]
    follow_ups: dict[str, str]
    reviewed_on: date
    version: int


@dataclass
class LoadReport:
    """What a load changed, by answer id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.retired)} retired"
        )


def make_engine(database_url: str) -> Engine:
    """An engine for `database_url`; creates the folder of an SQLite file if needed."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a failed statement's error message then names no values (redacted questions, answers).
    return create_engine(database_url, future=True, pool_pre_ping=True, hide_parameters=True)


REFRESH_SECONDS = 1.0
"""How often the answers kept in memory are checked against the database: an answer loaded by
`bot answers load` (another process) is shown within this time, without a restart."""


@dataclass(frozen=True)
class _Snapshot:
    """Every active answer and topic, read in one go; `stamp` says which database state it is."""

    stamp: tuple[object, ...]
    answers: dict[str, StoredAnswer]
    in_topic: dict[str, list[StoredAnswer]]
    topics: list[tuple[str, str]]


class AnswerStore:
    """Repository over the answer tables. Every query is parameterised by SQLAlchemy.

    Reads come from an in-memory copy of the active answers, checked against a small stamp of the
    tables at most every `refresh_seconds`: a turn costs no SQL query, and a load elsewhere is seen.
    """

    def __init__(self, engine: Engine, *, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self._engine = engine
        self._refresh_seconds = refresh_seconds
        self._snapshot: _Snapshot | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The database the answers live in (the activity log shares it)."""
        return self._engine

    def create_schema(self) -> None:
        """Bring the tables to the newest migration (idempotent; see bot/answers/schema.py)."""
        schema.upgrade(self._engine)

    def load(self, entries: Iterable[AnswerEntry], *, by: str = "", retire: bool = True) -> LoadReport:
        """Upsert validated entries in one transaction; answers no longer in the files are retired.

        `by` is recorded as the author of new versions unless an import recorded who wrote that
        content (`record_edit`). `retire=False` keeps answers missing from `entries` for now: a
        publish retires them only once the new model, which no longer predicts them, is live.
        """
        self.create_schema()
        report = LoadReport()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with Session(self._engine, future=True) as session, session.begin():
            seen: set[str] = set()
            for position, entry in enumerate(entries):
                seen.add(entry.id)
                self._upsert_topic(session, entry)
                self._upsert_answer(session, entry, position, now, report, by)
            if retire:
                for row in session.execute(select(AnswerRow).where(AnswerRow.active.is_(True))).scalars():
                    if row.id not in seen:
                        row.active = False
                        report.retired.append(row.id)
        self._snapshot = None
        return report

    def record_edit(self, entry: AnswerEntry, *, by: str, how: str) -> None:
        """Remember who authored this content of `entry` (an import, an accepted review group)."""
        self.create_schema()
        with Session(self._engine, future=True) as session, session.begin():
            session.add(
                FaqEditRow(
                    answer_id=entry.id,
                    content_hash=entry.content_hash(),
                    edited_by=by,
                    edited_at=datetime.now(timezone.utc).replace(tzinfo=None),
                    how=how,
                )
            )

    @staticmethod
    def _upsert_topic(session: Session, entry: AnswerEntry) -> None:
        topic = session.get(TopicRow, entry.topic)
        if topic is None:
            session.add(TopicRow(key=entry.topic, title=entry.topic_title))
            session.flush()
        elif topic.title != entry.topic_title:
            topic.title = entry.topic_title

    @staticmethod
    def _author(session: Session, entry: AnswerEntry, content_hash: str, loaded_by: str) -> str:
        query = (
            select(FaqEditRow.edited_by)
            .where(FaqEditRow.answer_id == entry.id, FaqEditRow.content_hash == content_hash)
            .order_by(FaqEditRow.id.desc())
            .limit(1)
        )
        return session.execute(query).scalar() or loaded_by

    @classmethod
    def _upsert_answer(
        cls, session: Session, entry: AnswerEntry, position: int, now: datetime, report: LoadReport, by: str
    ) -> None:
        row = session.get(AnswerRow, entry.id)
        content_hash = entry.content_hash()
        if row is not None:
            current = session.get(AnswerVersionRow, (entry.id, row.current_version))
            row.position, row.topic = position, entry.topic
            if current is not None and current.content_hash == content_hash and row.active:
                report.unchanged.append(entry.id)
                return
            version = row.current_version + 1
            report.updated.append(entry.id)
        else:
            version = 1
            row = AnswerRow(id=entry.id, topic=entry.topic, current_version=version, position=position)
            session.add(row)
            report.added.append(entry.id)
        session.add(
            AnswerVersionRow(
                answer_id=entry.id,
                version=version,
                title=entry.title,
                answer=entry.answer,
                detail=entry.detail,
                sources_json=json.dumps([s.as_dict() for s in entry.sources]),
                follow_ups_json=json.dumps(entry.follow_ups, sort_keys=True),
                reviewed_by=entry.reviewed_by,
                reviewed_on=entry.reviewed_on,
                content_hash=content_hash,
                loaded_at=now,
                changed_by=cls._author(session, entry, content_hash, by) or None,
            )
        )
        session.flush()
        row.current_version, row.active = version, True

    def pointers(self) -> dict[str, int]:
        """The current version of every active answer: what a release records, to be restored by rollback."""
        self.create_schema()
        query = select(AnswerRow.id, AnswerRow.current_version).where(AnswerRow.active.is_(True))
        with Session(self._engine, future=True) as session:
            return {answer_id: int(version) for answer_id, version in session.execute(query)}

    def restore(self, pointers: dict[str, int]) -> None:
        """Make exactly these answers active, each at its recorded version (every version is kept)."""
        with Session(self._engine, future=True) as session, session.begin():
            for row in session.execute(select(AnswerRow)).scalars():
                version = pointers.get(row.id)
                if version is not None and session.get(AnswerVersionRow, (row.id, version)) is not None:
                    row.current_version, row.active = version, True
                else:
                    row.active = False
        self._snapshot = None

    def get(self, answer_id: str) -> StoredAnswer | None:
        """The current version of an active answer, or None."""
        return self._current().answers.get(answer_id)

    def in_topic(self, topic: str) -> list[StoredAnswer]:
        """Active answers of a topic, in file order."""
        return list(self._current().in_topic.get(topic, []))

    def topics(self, *, exclude: Iterable[str] = ()) -> list[tuple[str, str]]:
        """(key, title) of topics with active answers, in file order."""
        excluded = set(exclude)
        return [(key, title) for key, title in self._current().topics if key not in excluded]

    def _current(self) -> _Snapshot:
        """The in-memory copy, re-read when the tables' stamp changed since it was taken."""
        with self._lock:
            now = time.monotonic()
            snapshot = self._snapshot
            if snapshot is not None and now - self._checked_at < self._refresh_seconds:
                return snapshot
            stamp = self._stamp()
            if snapshot is None or snapshot.stamp != stamp:
                snapshot = self._read_snapshot(stamp)
                self._snapshot = snapshot
            self._checked_at = now
            return snapshot

    def _stamp(self) -> tuple[object, ...]:
        """Changes whenever a load adds a version, retires or revives an answer, or renames a topic."""
        # The weighted sum changes when a rollback swaps versions between answers, which a plain sum may not.
        answers = select(
            func.count(AnswerRow.id),
            func.coalesce(func.sum(AnswerRow.current_version), 0),
            func.coalesce(func.sum(AnswerRow.current_version * (AnswerRow.position + 1)), 0),
        ).where(AnswerRow.active.is_(True))
        versions = select(func.count(AnswerVersionRow.version), func.max(AnswerVersionRow.loaded_at))
        topics = select(TopicRow.key, TopicRow.title).order_by(TopicRow.key)
        with Session(self._engine, future=True) as session:
            return (
                tuple(session.execute(answers).one()),
                tuple(session.execute(versions).one()),
                tuple(tuple(row) for row in session.execute(topics)),
            )

    def _read_snapshot(self, stamp: tuple[object, ...]) -> _Snapshot:
        answers = self._select_current(AnswerRow.active.is_(True))
        by_topic: dict[str, list[StoredAnswer]] = {}
        for answer in answers:
            by_topic.setdefault(answer.topic, []).append(answer)
        query = (
            select(TopicRow.key, TopicRow.title)
            .join(AnswerRow, AnswerRow.topic == TopicRow.key)
            .where(AnswerRow.active.is_(True))
            .group_by(TopicRow.key, TopicRow.title)
            .order_by(func.min(AnswerRow.position))
        )
        with Session(self._engine, future=True) as session:
            topics = [(key, title) for key, title in session.execute(query)]
        return _Snapshot(stamp, {a.id: a for a in answers}, by_topic, topics)

    def history(self, answer_id: str) -> list[tuple[int, str, datetime, str | None]]:
        """(version, answer text, loaded at, author) of every stored version, oldest first."""
        query = (
            select(AnswerVersionRow.version, AnswerVersionRow.answer, AnswerVersionRow.loaded_at)
            .add_columns(AnswerVersionRow.changed_by)
            .where(AnswerVersionRow.answer_id == answer_id)
            .order_by(AnswerVersionRow.version)
        )
        self.create_schema()
        with Session(self._engine, future=True) as session:
            return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]

    def _select_current(self, condition: object) -> list[StoredAnswer]:
        query = (
            select(AnswerRow.id, AnswerRow.topic, AnswerVersionRow)
            .join(
                AnswerVersionRow,
                (AnswerVersionRow.answer_id == AnswerRow.id) & (AnswerVersionRow.version == AnswerRow.current_version),
            )
            .where(AnswerRow.active.is_(True), condition)
            .order_by(AnswerRow.position)
        )
        with Session(self._engine, future=True) as session:
            return [
                StoredAnswer(
                    id=answer_id,
                    topic=topic,
                    title=version.title,
                    answer=version.answer,
                    detail=version.detail,
                    sources=tuple(Source(**s) for s in json.loads(version.sources_json)),
                    follow_ups=json.loads(version.follow_ups_json),
                    reviewed_on=version.reviewed_on,
                    version=version.version,
                )
                for answer_id, topic, version in session.execute(query)
            ]
