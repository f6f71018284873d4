"""Settings read from environment variables, with safe embedded defaults (SQLite, loopback).

Read once, in one place; nothing here connects to a database or loads a model.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ANSWERS_DIR = PROJECT_ROOT / "data" / "answers"
SOURCE_KINDS_FILE = PROJECT_ROOT / "data" / "source_kinds.yml"
JARGON_FILE = PROJECT_ROOT / "data" / "jargon.yml"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
GENERATED_FAQ_NLU = NLU_DIR / "faq.yml"
SPACY_PIPELINE_DIR = PROJECT_ROOT / "build" / "spacy" / "il2_en"


@dataclass(frozen=True)
class ClinicContact:
    """What the assistant tells a patient about reaching people: filled into system answers."""

    clinic_name: str
    clinic_phone: str
    clinic_hours: str
    emergency_number: str

    def as_placeholders(self) -> dict[str, str]:
        """The values for the `{clinic_name}`-style placeholders in every answer."""
        return {
            "clinic_name": self.clinic_name,
            "clinic_phone": self.clinic_phone,
            "clinic_hours": self.clinic_hours,
            "emergency_number": self.emergency_number,
        }


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a deployment."""

    database_url: str
    contact: ClinicContact
    widget_origins: tuple[str, ...] = ()
    """Web pages allowed to use the chat widget (IL2BOT_ALLOWED_ORIGINS); empty: use credentials.yml."""
    rasa_workers: int = 1
    """Rasa server processes (IL2BOT_RASA_WORKERS). More than one keeps conversations and their locks
    in Redis (IL2BOT_REDIS_URL), since Rasa's in-memory stores belong to one process."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    rasa_url: str = "http://127.0.0.1:5005"
    """The running Rasa server `bot publish` promotes into (IL2BOT_RASA_URL, else IL2BOT_RASA_PORT on loopback)."""


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'answers.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment; cached because the environment does not change at run time."""
    return settings_from(os.environ)


def settings_from(env: Mapping[str, str]) -> Settings:
    """Settings from an environment mapping (also a child process's, before it is started)."""
    return Settings(
        database_url=env.get("IL2BOT_DATABASE_URL") or _default_database_url(),
        contact=ClinicContact(
            clinic_name=env.get("IL2BOT_CLINIC_NAME", "your cancer care team"),
            clinic_phone=env.get("IL2BOT_CLINIC_PHONE", "the phone number on your care plan"),
            clinic_hours=env.get("IL2BOT_CLINIC_HOURS", "during office hours"),
            emergency_number=env.get("IL2BOT_EMERGENCY_NUMBER", "911"),
        ),
        widget_origins=tuple(o.strip() for o in env.get("IL2BOT_ALLOWED_ORIGINS", "").split(",") if o.strip()),
        rasa_workers=max(1, int(env.get("IL2BOT_RASA_WORKERS") or 1)),
        redis_url=env.get("IL2BOT_REDIS_URL") or "redis://127.0.0.1:6379/0",
        rasa_url=env.get("IL2BOT_RASA_URL") or f"http://127.0.0.1:{env.get('IL2BOT_RASA_PORT') or 5005}",
    )
