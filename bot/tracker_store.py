"""Conversations on PostgreSQL in production: Rasa's SQL tracker store, made strict and quiet.

Rasa wraps every tracker store in a `FailSafeTrackerStore`. When the database cannot be read it
hands out an empty conversation (the patient's context is gone without a word), and when a turn
cannot be saved it logs the error, whose text holds the statement's parameters (the patient's
message), then keeps the turn in process memory and answers as if all were well: the reply is
acknowledged, the turn is not in the database, and it is lost with the process. This store is used
unwrapped instead (installed when this module is imported, which Rasa does to create the store,
before it creates the agent that would wrap it): a database error fails the turn, the
channel answers 503 with the clinic's phone (not kept, so the client may send it again), and the
next turn works again once the database is back, without a restart (the pool checks a connection
before using it).

In `endpoints.yml`: `tracker_store: {type: bot.tracker_store.ConversationStore, url: postgresql://...}`.
`purge_conversations` deletes conversations idle for longer than the retention time
(`python -m bot purge`).
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain

from bot.rasa_model_swap import innermost_store

EVENTS_TABLE = "events"
"""Rasa's table of conversation events (created by Rasa, not by our migrations)."""


def conversation_engine(url: str) -> sa.engine.Engine:
    """An engine for the conversations: checked connections, no statement parameters in its errors."""
    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url))


class ConversationStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore on our engine; errors reach the caller (no silent fallback)."""

    strict = True
    """Read by `create_tracker_store`: the agent uses this store without Rasa's fail-safe wrapper."""

    def __init__(self, domain: Domain | None = None, host: str | None = None, **kwargs: Any) -> None:
        if not host or "://" not in host:
            raise ValueError("ConversationStore needs `url: <SQLAlchemy URL>` in endpoints.yml")
        super().__init__(domain=domain, host=host, **kwargs)
        rasa_engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        rasa_engine.dispose()
        self.engine = conversation_engine(host)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


def purge_conversations(url: str, older_than_days: float, *, now: float | None = None) -> int:
    """Delete every event of the conversations whose latest event is older than the cutoff; how many."""
    cutoff = (now if now is not None else time.time()) - older_than_days * 86400
    engine = conversation_engine(url)
    try:
        if not sa.inspect(engine).has_table(EVENTS_TABLE):
            return 0
        events = sa.table(EVENTS_TABLE, sa.column("sender_id"), sa.column("timestamp"))
        idle = (
            sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
        )
        with engine.begin() as connection:
            return int(connection.execute(sa.delete(events).where(events.c.sender_id.in_(idle))).rowcount or 0)
    finally:
        engine.dispose()


_RASA_CREATE_TRACKER_STORE = Agent._create_tracker_store


def create_tracker_store(store: TrackerStore | None, domain: Domain) -> TrackerStore:
    """Rasa's `Agent._create_tracker_store`, without the fail-safe wrapper around a strict store."""
    wrapped = _RASA_CREATE_TRACKER_STORE(store, domain)
    if store is not None and getattr(innermost_store(store), "strict", False):
        return store
    return wrapped


Agent._create_tracker_store = staticmethod(create_tracker_store)  # type: ignore[method-assign,assignment]
