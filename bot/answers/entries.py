"""Typed form of one curated answer, shared by the file loader and the SQL store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

SYSTEM_TOPIC = "system"
"""Answers the safety rules pick (emergency, referral, contact); never trained as FAQs."""


@dataclass(frozen=True)
class Source:
    """Where an answer's facts come from: a public page (url) or a seed document (file)."""

    name: str
    url: str | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, str]:
        """Plain dict with only the fields that are set."""
        data = {"name": self.name}
        if self.url:
            data["url"] = self.url
        if self.file:
            data["file"] = self.file
        return data


@dataclass(frozen=True)
class AnswerEntry:
    """One answer as written by the content team."""

    id: str
    topic: str
    topic_title: str
    title: str
    answer: str
    detail: str | None
    sources: tuple[Source, ...]
    reviewed_by: str
    reviewed_on: date
    examples: tuple[str, ...] = ()
    follow_ups: dict[str, str] = field(default_factory=dict)

    def content_hash(self) -> str:
        """Hash of what a patient sees; a change makes a new stored version."""
        patient_facing = {
            "topic": self.topic,
            "title": self.title,
            "answer": self.answer,
            "detail": self.detail,
            "sources": [s.as_dict() for s in self.sources],
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on.isoformat(),
            "follow_ups": self.follow_ups,
        }
        encoded = json.dumps(patient_facing, sort_keys=True).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (a release's snapshot of the answer base)."""
        data = asdict(self)
        data["sources"] = [s.as_dict() for s in self.sources]
        data["examples"] = list(self.examples)
        data["reviewed_on"] = self.reviewed_on.isoformat()
        return data


def answers_hash(entries: Iterable[AnswerEntry]) -> str:
    """Short hash of a whole answer base, examples included: names a release's content."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(json.dumps(entry.as_dict(), sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:16]
