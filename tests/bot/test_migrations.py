"""The Alembic migrations make exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine

from bot.answers import schema
from bot.answers.models import Base
from tests.fixtures.postgres import temporary_database


def _differences(engine: Engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_there_is_one_line_of_migrations() -> None:
    assert len(ScriptDirectory.from_config(schema._config()).get_heads()) == 1


def test_an_empty_sqlite_database_gets_exactly_the_models_tables(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}", future=True)
    assert schema.upgrade(engine) == [f"upgraded empty -> {schema.head_revision()}"]
    assert _differences(engine) == []  # a model changed without a migration fails here
    assert schema.upgrade(engine) == []


def test_downgrading_to_nothing_removes_the_tables(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'down.sqlite3'}", future=True)
    schema.upgrade(engine)
    with engine.begin() as connection:
        command.downgrade(schema._config(connection), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


@pytest.fixture
def postgres_schema() -> Iterator[Engine]:
    """An empty PostgreSQL database of its own (tests/fixtures/postgres.py)."""
    with temporary_database("il2bot_migrate") as url:
        engine = create_engine(url, future=True)
        yield engine
        engine.dispose()


def test_postgres_gets_exactly_the_models_tables(postgres_schema: Engine) -> None:
    schema.upgrade(postgres_schema)
    assert _differences(postgres_schema) == []
    assert schema.current_revision(postgres_schema) == schema.head_revision()


def test_processes_starting_together_migrate_once(postgres_schema: Engine) -> None:
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            results.append(schema.upgrade(postgres_schema))
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(steps) for steps in results) == [0, 0, 0, 1]  # one ran the migration, three found it done
