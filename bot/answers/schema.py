"""The project's tables are made and changed by Alembic migrations (`bot/migrations/versions/`).

`upgrade(engine)` brings a database to the newest revision. The answer store and the activity log
call it on first use, so `make run` needs no extra step; `make run-prod` runs `python -m bot db
upgrade` before any server starts, and a Kubernetes deployment runs it as a job before a release.
On PostgreSQL it holds an advisory lock while it works, so several processes that start together
migrate once, and the others wait and then find nothing to do.

A database made before migrations came in (tables, but no `alembic_version`) is adopted: its missing
tables and nullable columns are added, as earlier releases did at start, then it is stamped at the
first revision and upgraded from there. Nothing is dropped or rewritten on the way.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
FIRST_REVISION = "0001"
_ADVISORY_LOCK = 4_221_961_142
"""PostgreSQL advisory lock key of a migration run (any constant the project owns)."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision in `bot/migrations/versions/` (there is exactly one head)."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty or pre-migration database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> list[str]:
    """Bring the database to the newest revision; the steps taken (empty when it already was)."""
    if current_revision(engine) == head_revision():
        return []  # the common case, without taking the lock
    with engine.begin() as connection:
        _lock(connection)
        before = MigrationContext.configure(connection).get_current_revision()
        if before == head_revision():
            return []  # another process migrated while this one waited for the lock
        steps = []
        if before is None and inspect(connection).has_table("answers"):
            from bot.answers.models import Base

            steps += [f"adopted: added {name}" for name in _add_missing(connection, Base.metadata)]
            command.stamp(_config(connection), FIRST_REVISION)
            before = FIRST_REVISION
            steps.append(f"stamped {FIRST_REVISION}")
        if before != head_revision():
            command.upgrade(_config(connection), "head")
            steps.append(f"upgraded {before or 'empty'} -> {head_revision()}")
        return steps


def _lock(connection: Connection) -> None:
    """One migration at a time; released with the transaction."""
    # SQLite is the embedded mode: one machine, migrated by `make setup` before any server starts.
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})


def _add_missing(connection: Connection, metadata: MetaData) -> list[str]:
    """Create missing tables and add missing nullable columns of a pre-migration database."""
    metadata.create_all(connection)
    inspector = inspect(connection)
    added = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"{table.name}.{column.name} is missing and not nullable: a migration is needed")
            kind = column.type.compile(dialect=connection.dialect)
            # Names come from our own table definitions, never from input.
            connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
            added.append(f"{table.name}.{column.name}")
    return added
