"""The answer store on PostgreSQL, the production database (reachable on every dev and CI machine)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.answers.store import AnswerStore

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def postgres_store():
    schema = f"il2_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    engine = create_engine(POSTGRES_URL, future=True, connect_args={"options": f"-csearch_path={schema}"})
    yield AnswerStore(engine)
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_load_versions_and_reads_work_on_postgres(postgres_store: AnswerStore, answer_entries) -> None:
    import dataclasses

    assert len(postgres_store.load(answer_entries).added) == len(answer_entries)
    assert postgres_store.load(answer_entries).added == []
    first = answer_entries[0]
    changed = dataclasses.replace(first, answer=first.answer + " Ask your care team.")
    postgres_store.load([changed, *answer_entries[1:]])
    assert postgres_store.get(first.id).version == 2
    assert dict(postgres_store.topics(exclude=["system"]))
    assert postgres_store.get("'; DROP TABLE answers; --") is None
