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
    """The running Rasa servers `bot publish` promotes into, comma-separated (IL2BOT_RASA_URL; else
    IL2BOT_RASA_PORT on loopback, and in production each replica's port from there on)."""
    mode: str = "embedded"
    """IL2BOT_MODE: `embedded` (SQLite, one Rasa process, `make run`) or `production` (`make run-prod`:
    PostgreSQL, Redis locks, several Rasa replicas and action servers behind nginx)."""
    tracker_url: str | None = None
    """Where conversations are kept: in production the database (Rasa's `events` table, or
    IL2BOT_TRACKER_URL); embedded, in the Rasa process's memory (None)."""
    public_address: str = "0.0.0.0"
    """Production: the interface nginx offers the widget and REST channels on (IL2BOT_PUBLIC_ADDRESS)."""
    public_port: int = 8000
    """Production: nginx's widget-facing port (IL2BOT_PUBLIC_PORT)."""
    rasa_port: int = 5005
    """The (first) Rasa server's loopback port (IL2BOT_RASA_PORT); production replicas count up from it."""
    rasa_replicas: int = 2
    """Production: Rasa server processes behind nginx (IL2BOT_RASA_REPLICAS)."""
    action_servers: int = 2
    """Production: action server processes behind nginx (IL2BOT_ACTION_SERVERS)."""


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'answers.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment; cached because the environment does not change at run time."""
    return settings_from(os.environ)


PRODUCTION_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/il2bot"
"""The production default: the PostgreSQL server on loopback (trust auth on the dev and CI machines)."""


def settings_from(env: Mapping[str, str]) -> Settings:
    """Settings from an environment mapping (also a child process's, before it is started)."""
    mode = env.get("IL2BOT_MODE") or "embedded"
    if mode not in ("embedded", "production"):
        raise ValueError(f"IL2BOT_MODE must be embedded or production, not {mode!r}")
    production = mode == "production"
    database_url = env.get("IL2BOT_DATABASE_URL") or (
        PRODUCTION_DATABASE_URL if production else _default_database_url()
    )
    rasa_port = int(env.get("IL2BOT_RASA_PORT") or 5005)
    replicas = max(1, int(env.get("IL2BOT_RASA_REPLICAS") or 2)) if production else 1
    replica_urls = ",".join(f"http://127.0.0.1:{rasa_port + i}" for i in range(replicas))
    return Settings(
        mode=mode,
        tracker_url=(env.get("IL2BOT_TRACKER_URL") or database_url) if production else None,
        public_address=env.get("IL2BOT_PUBLIC_ADDRESS") or "0.0.0.0",
        public_port=int(env.get("IL2BOT_PUBLIC_PORT") or 8000),
        rasa_port=rasa_port,
        rasa_replicas=replicas,
        action_servers=max(1, int(env.get("IL2BOT_ACTION_SERVERS") or 2)),
        database_url=database_url,
        contact=ClinicContact(
            clinic_name=env.get("IL2BOT_CLINIC_NAME", "your cancer care team"),
            clinic_phone=env.get("IL2BOT_CLINIC_PHONE", "the phone number on your care plan"),
            clinic_hours=env.get("IL2BOT_CLINIC_HOURS", "during office hours"),
            emergency_number=env.get("IL2BOT_EMERGENCY_NUMBER", "911"),
        ),
        widget_origins=tuple(o.strip() for o in env.get("IL2BOT_ALLOWED_ORIGINS", "").split(",") if o.strip()),
        rasa_workers=max(1, int(env.get("IL2BOT_RASA_WORKERS") or 1)),
        redis_url=env.get("IL2BOT_REDIS_URL") or "redis://127.0.0.1:6379/0",
        rasa_url=env.get("IL2BOT_RASA_URL") or replica_urls,
    )
