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


class UnansweredQuestionRow(Base):  # type: ignore[valid-type,misc]
    """A question the assistant could not answer, redacted, for maintainers to add FAQs from."""

    __tablename__ = "unanswered_questions"
    id = Column(Integer, primary_key=True, autoincrement=True)
    asked_at = Column(DateTime, nullable=False)
    redacted_text = Column(Text, nullable=False)
    best_guess = Column(String(120), nullable=True)
    confidence = Column(Float, nullable=True)
