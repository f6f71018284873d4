"""The production conversation store: strict (no silent fallback to memory), recovers, and purges."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.local_servers import free_port
from bot.tracker_store import ConversationStore, conversation_engine, purge_conversations
from tests.fixtures.postgres import temporary_database


@pytest.fixture(scope="module")
def database_url():
    with temporary_database() as url:
        yield url


@pytest.fixture
def store(database_url) -> ConversationStore:
    return ConversationStore(domain=Domain.empty(), host=database_url)


def _tracker(sender: str, *texts: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    for text in texts:
        tracker.update(UserUttered(text, {"name": "faq", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def test_a_conversation_is_saved_and_read_back(store: ConversationStore) -> None:
    asyncio.run(store.save(_tracker("alice", "what is il2", "does it hurt")))
    back = asyncio.run(store.retrieve("alice"))
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == ["what is il2", "does it hurt"]


def test_the_agent_uses_it_without_rasas_fail_safe_wrapper(store: ConversationStore) -> None:
    assert Agent._create_tracker_store(store, Domain.empty()) is store
    assert isinstance(
        Agent._create_tracker_store(InMemoryTrackerStore(Domain.empty()), Domain.empty()), FailSafeTrackerStore
    )


def test_a_database_it_cannot_reach_fails_the_turn_instead_of_forgetting_it(store: ConversationStore, caplog) -> None:
    store.engine = conversation_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)
    with pytest.raises(sa.exc.OperationalError) as failed:
        asyncio.run(store.save(_tracker("bob", "my name is Zebedee Quillfeather")))
    assert "Zebedee" not in str(failed.value)  # no statement parameters in the error
    with pytest.raises(sa.exc.OperationalError):
        asyncio.run(store.retrieve("bob"))  # never an empty conversation in its place


def test_the_pool_recovers_after_the_database_dropped_every_connection(store: ConversationStore, database_url) -> None:
    asyncio.run(store.save(_tracker("carol", "hello")))
    name = database_url.rsplit("/", 1)[1]
    admin = sa.create_engine(database_url.rsplit("/", 1)[0] + "/postgres", future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:  # what a database restart does to the pooled connections
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
    admin.dispose()
    asyncio.run(store.save(_tracker("carol", "hello", "still there?")))
    back = asyncio.run(store.retrieve("carol"))
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == ["hello", "still there?"]


def test_purge_deletes_idle_conversations_whole_and_keeps_recent_ones() -> None:
    with temporary_database() as database_url:
        _check_purge(ConversationStore(domain=Domain.empty(), host=database_url), database_url)


def _check_purge(store: ConversationStore, database_url: str) -> None:
    old, recent = _tracker("dora-old", "hi", "bye"), _tracker("erin-recent", "hi")
    asyncio.run(store.save(old))
    asyncio.run(store.save(recent))
    later = time.time() + 91 * 86400  # 91 days on: both idle then
    with store.engine.begin() as connection:  # erin kept talking until 'later'
        connection.execute(sa.text("UPDATE events SET timestamp = :t WHERE sender_id = 'erin-recent'"), {"t": later})
    deleted = purge_conversations(database_url, 90, now=later)
    assert deleted == len(old.events)
    assert asyncio.run(store.retrieve("dora-old")) is None
    assert asyncio.run(store.retrieve("erin-recent")) is not None
    store.engine.dispose()


def test_a_turn_read_then_saved_stores_exactly_its_new_events(store: ConversationStore) -> None:
    asyncio.run(store.save(_tracker("fred", "hello")))  # a save with no read before it: counted as Rasa does
    tracker = asyncio.run(store.retrieve("fred"))
    tracker.update(UserUttered("what is il2", {"name": "faq", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_answer_faq"))
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("fred"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello", "what is il2"]
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT type_name, intent_name, action_name FROM events WHERE sender_id = 'fred' ORDER BY id")
        ).all()
    assert rows == [
        ("user", "faq", None),
        ("action", None, "action_listen"),
        ("user", "faq", None),
        ("action", None, "action_answer_faq"),
    ]


def test_purge_in_production_mode_also_removes_idle_conversations(monkeypatch, capsys) -> None:
    from bot.cli import main
    from bot.settings import get_settings

    with temporary_database() as database_url:
        store = ConversationStore(domain=Domain.empty(), host=database_url)
        asyncio.run(store.save(_tracker("gina", "hi", "bye")))
        with store.engine.begin() as connection:  # a conversation last seen 100 days ago
            connection.execute(sa.text("UPDATE events SET timestamp = :t"), {"t": time.time() - 100 * 86400})
        store.engine.dispose()
        monkeypatch.setenv("IL2BOT_MODE", "production")
        monkeypatch.setenv("IL2BOT_DATABASE_URL", database_url)
        get_settings.cache_clear()
        assert main(["purge", "--older-than", "90"]) == 0
        assert "Removed 4 conversation event(s)" in capsys.readouterr().out
        get_settings.cache_clear()
