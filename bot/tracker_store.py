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

import itertools
import json
import threading
import time
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rasa_model_swap import innermost_store

EVENTS_TABLE = "events"
"""Rasa's table of conversation events (created by Rasa, not by our migrations)."""


def conversation_engine(url: str) -> sa.engine.Engine:
    """An engine for the conversations: checked connections, no statement parameters in its errors."""
    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url))


class ConversationStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore on our engine; errors reach the caller (no silent fallback).

    Two costs of Rasa's store are gone, measured with py-spy on a replica under load (50 conversations
    at once), where the store took 46% of the replica's time: reading a conversation built an ORM
    object per event (only the event's JSON is needed), and saving first counted the stored events of
    the session again, in a second query, to know which are new. Here the read selects the JSON
    column alone, remembers how many events of the session it read, and the save that follows
    writes the events after those, in one statement. A save without such a read (none in this
    process yet) counts as Rasa does. Every turn reads before it saves, within the conversation's lock,
    and one conversation is handled by one replica at a time, so what was read is what is stored.
    """

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
        self._stored_in_session: OrderedDict[str, int] = OrderedDict()
        self._known_lock = threading.Lock()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's read of a conversation, selecting each event's JSON only."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if not fetch_events_from_all_sessions:
            self._remember(sender_id, len(events))
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save: the events after those read for this turn, in one statement."""
        await self.stream_events(tracker)
        with self._known_lock:
            known = self._stored_in_session.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            if known is None:
                new_events = list(self._additional_events(session, tracker))
            else:
                new_events = list(itertools.islice(tracker.events, known, len(tracker.events)))
            rows = [_row(tracker.sender_id, event.type_name, event.as_dict()) for event in new_events]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()

    def _remember(self, sender_id: str, stored: int) -> None:
        with self._known_lock:
            self._stored_in_session[sender_id] = stored
            self._stored_in_session.move_to_end(sender_id)
            while len(self._stored_in_session) > REMEMBERED_CONVERSATIONS:
                self._stored_in_session.popitem(last=False)


REMEMBERED_CONVERSATIONS = 10_000
"""Conversations whose read awaits its save (a turn that failed in between leaves its entry)."""


def _row(sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """One `events` row, with the same columns Rasa's own save fills."""
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


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
