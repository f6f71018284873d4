"""SQL tables of the answer base. Earlier versions of every answer are kept for audit."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class TopicRow(Base):  # type: ignore[valid-type,misc]
    """A topic (one answer file), for topic menus."""

    __tablename__ = "topics"
    key = Column(String(64), primary_key=True)
    title = Column(String(120), nullable=False)


class AnswerRow(Base):  # type: ignore[valid-type,misc]
    """One answer id; points at its current version. Retired answers stay for history."""

    __tablename__ = "answers"
    id = Column(String(120), primary_key=True)
    topic = Column(String(64), ForeignKey("topics.key"), nullable=False, index=True)
    current_version = Column(Integer, nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    position = Column(Integer, nullable=False, default=0)


class AnswerVersionRow(Base):  # type: ignore[valid-type,misc]
    """The patient-facing content of one answer at one version."""

    __tablename__ = "answer_versions"
    answer_id = Column(String(120), ForeignKey("answers.id"), primary_key=True)
    version = Column(Integer, primary_key=True)
    title = Column(String(120), nullable=False)
    answer = Column(Text, nullable=False)
    detail = Column(Text, nullable=True)
    sources_json = Column(Text, nullable=False)
    follow_ups_json = Column(Text, nullable=False, default="{}")
    reviewed_by = Column(String(200), nullable=False)
    reviewed_on = Column(Date, nullable=False)
    content_hash = Column(String(64), nullable=False)
    loaded_at = Column(DateTime, nullable=False)
    changed_by = Column(String(120), nullable=True)
    """Who authored this version (`faq import --by`, else who loaded it); empty for versions before it was kept."""


class FaqEditRow(Base):  # type: ignore[valid-type,misc]
    """An authoring step (an import, an accepted review group): who wrote which content, before it is loaded."""

    __tablename__ = "faq_edits"
    id = Column(Integer, primary_key=True, autoincrement=True)
    answer_id = Column(String(120), nullable=False, index=True)
    content_hash = Column(String(64), nullable=False)
    edited_by = Column(String(120), nullable=False)
    edited_at = Column(DateTime, nullable=False)
    how = Column(String(200), nullable=False)


class UnansweredQuestionRow(Base):  # type: ignore[valid-type,misc]
    """The review queue: questions not answered directly, and answers marked "not helpful".

    Redacted before it is stored, for maintainers to turn into examples or new FAQs (`bot review`).
    """

    __tablename__ = "unanswered_questions"
    id = Column(Integer, primary_key=True, autoincrement=True)
    asked_at = Column(DateTime, nullable=False, index=True)
    redacted_text = Column(Text, nullable=False)
    best_guess = Column(String(120), nullable=True)
    """The answer the model ranked first (for "not helpful": the answer that was shown)."""
    confidence = Column(Float, nullable=True)
    reason = Column(String(20), nullable=True, default="unanswered")
    """`unanswered` (unsure, "did you mean", out of scope) or `not_helpful`."""
    status = Column(String(20), nullable=True, default="open", index=True)
    """`open`, then `accepted`, `drafted` or `dismissed` by `bot review`."""
    group_id = Column(Integer, nullable=True)
    """The group `bot review` last put it in (the smallest item id of the group)."""


class FeedbackRow(Base):  # type: ignore[valid-type,misc]
    """A thumbs up or down under an answer: the answer id and the time only, nothing the patient typed."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True, autoincrement=True)
    given_at = Column(DateTime, nullable=False, index=True)
    answer_id = Column(String(120), nullable=False)
    helpful = Column(Boolean, nullable=False)


class TurnOutcomeRow(Base):  # type: ignore[valid-type,misc]
    """What one patient message got (the kind of the first reply and its answer id), for the staff report.

    No text, no sender: counts per day and per answer are all the report needs.
    """

    __tablename__ = "turn_outcomes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, index=True)
    kind = Column(String(40), nullable=False)
    answer_id = Column(String(120), nullable=True)
