"""Alembic environment of the project's own tables (`bot/answers/models.py`).

`bot.answers.schema.upgrade` passes the connection it holds (and its lock) in `config.attributes`;
the `alembic` command line (writing a new revision) connects to IL2BOT_DATABASE_URL instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.answers.models import Base
from bot.settings import get_settings


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode: SQLite can only change a table's columns by copying the table.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(get_settings().database_url, future=True)
    with engine.connect() as own_connection:
        _run(own_connection)
    engine.dispose()
