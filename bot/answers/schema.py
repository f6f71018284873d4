"""Create the project's tables, and add the nullable columns later releases introduced.

Only additive changes happen here: a database made by an earlier release gets the new tables and
its missing nullable columns, nothing is dropped or rewritten. Schema changes that are not additive
need proper migrations (Alembic, planned with the production mode).
"""

from __future__ import annotations

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Engine


def ensure_schema(engine: Engine, metadata: MetaData) -> list[str]:
    """Create missing tables and add missing nullable columns; the `table.column` names added."""
    metadata.create_all(engine)
    inspector = inspect(engine)
    added = []
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if not column.nullable:
                    raise RuntimeError(f"{table.name}.{column.name} is missing and not nullable: a migration is needed")
                kind = column.type.compile(dialect=engine.dialect)
                # Names come from our own table definitions, never from input.
                connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
                added.append(f"{table.name}.{column.name}")
    return added
