"""The SQL answer store: idempotent upsert, kept versions, retiring, parameterised queries."""

from __future__ import annotations

import dataclasses

from bot.answers.store import AnswerStore


def test_load_is_idempotent(fresh_store: AnswerStore, answer_entries) -> None:
    first = fresh_store.load(answer_entries)
    second = fresh_store.load(answer_entries)
    assert len(first.added) == len(answer_entries)
    assert second.added == [] and second.updated == []
    assert len(second.unchanged) == len(answer_entries)


def test_changed_answer_gets_a_new_version_and_keeps_the_old(fresh_store: AnswerStore, answer_entries) -> None:
    fresh_store.load(answer_entries)
    target = answer_entries[0]
    edited = dataclasses.replace(target, answer=target.answer + " Ask your care team.")
    report = fresh_store.load([edited if e.id == target.id else e for e in answer_entries])
    assert report.updated == [target.id]
    assert fresh_store.get(target.id).answer.endswith("Ask your care team.")
    assert fresh_store.get(target.id).version == 2
    assert [version for version, _, _, _ in fresh_store.history(target.id)] == [1, 2]


def test_removed_answer_is_retired_not_deleted(fresh_store: AnswerStore, answer_entries) -> None:
    fresh_store.load(answer_entries)
    gone = answer_entries[-1]
    report = fresh_store.load(answer_entries[:-1])
    assert report.retired == [gone.id]
    assert fresh_store.get(gone.id) is None
    assert fresh_store.history(gone.id)
    assert fresh_store.load(answer_entries).updated == [gone.id]


def test_topics_and_topic_answers(store: AnswerStore) -> None:
    topics = dict(store.topics(exclude=["system"]))
    assert "side_effects" in topics and "system" not in topics
    assert all(a.topic == "side_effects" for a in store.in_topic("side_effects"))


def test_sql_looking_ids_are_just_unknown(store: AnswerStore) -> None:
    assert store.get("'; DROP TABLE answers; --") is None
    assert store.get("about.what_is_il2") is not None


def test_history_names_the_author_an_import_recorded_else_the_loader(fresh_store: AnswerStore, answer_entries) -> None:
    from dataclasses import replace

    fresh_store.load(answer_entries, by="loader")
    target = answer_entries[0]
    edited = replace(target, answer=target.answer + " Ask your nurse.")
    fresh_store.record_edit(edited, by="ana", how="faq import new.yml")
    fresh_store.load([edited if e.id == target.id else e for e in answer_entries], by="publisher")
    assert [(v, by) for v, _, _, by in fresh_store.history(target.id)] == [(1, "loader"), (2, "ana")]


def test_loading_without_retiring_keeps_missing_answers(fresh_store: AnswerStore, answer_entries) -> None:
    fresh_store.load(answer_entries)
    gone = answer_entries[-1]
    report = fresh_store.load(answer_entries[:-1], retire=False)
    assert report.retired == [] and fresh_store.get(gone.id) is not None
    assert fresh_store.load(answer_entries[:-1]).retired == [gone.id]


def test_a_database_made_before_migrations_is_adopted_then_upgraded(tmp_path) -> None:
    from sqlalchemy import create_engine, inspect, text

    from bot.answers import schema

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}", future=True)
    with engine.begin() as connection:  # the answer base and review queue as an earlier release created them
        connection.execute(text("CREATE TABLE topics (key VARCHAR(64) PRIMARY KEY, title VARCHAR(120) NOT NULL)"))
        connection.execute(
            text(
                "CREATE TABLE answers (id VARCHAR(120) PRIMARY KEY, topic VARCHAR(64) NOT NULL,"
                " current_version INTEGER NOT NULL, active BOOLEAN NOT NULL, position INTEGER NOT NULL)"
            )
        )
        connection.execute(
            text(
                "CREATE TABLE unanswered_questions (id INTEGER PRIMARY KEY, asked_at DATETIME NOT NULL,"
                " redacted_text TEXT NOT NULL, best_guess VARCHAR(120), confidence FLOAT)"
            )
        )
        connection.execute(text("INSERT INTO unanswered_questions VALUES (1, '2026-11-30 10:00:00', 'hi', NULL, NULL)"))
    steps = schema.upgrade(engine)
    assert "adopted: added unanswered_questions.status" in steps and "stamped 0001" in steps
    columns = {c["name"] for c in inspect(engine).get_columns("unanswered_questions")}
    assert {"reason", "status", "group_id"} <= columns
    assert inspect(engine).has_table("feedback")
    with engine.connect() as connection:  # nothing lost
        assert connection.execute(text("SELECT redacted_text FROM unanswered_questions")).scalar_one() == "hi"
    assert schema.current_revision(engine) == schema.head_revision()
    assert schema.upgrade(engine) == []  # idempotent


def test_reads_come_from_memory_within_the_refresh_time(tmp_path, answer_entries) -> None:
    from sqlalchemy import event

    from bot.answers.store import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'cached.sqlite3'}")
    AnswerStore(engine).load(answer_entries)
    store = AnswerStore(engine, refresh_seconds=3600)
    store.get(answer_entries[0].id)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert store.get(answer_entries[1].id).id == answer_entries[1].id
    assert store.in_topic(answer_entries[0].topic)
    assert store.topics()
    assert statements == []


def test_a_load_by_another_process_is_seen_after_the_refresh_time(tmp_path, answer_entries) -> None:
    from bot.answers.store import make_engine

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    AnswerStore(make_engine(url)).load(answer_entries)
    reader = AnswerStore(make_engine(url), refresh_seconds=0.0)
    target = answer_entries[0]
    assert not reader.get(target.id).answer.endswith("New sentence.")
    edited = dataclasses.replace(target, answer=target.answer + " New sentence.")
    others = [e for e in answer_entries if e.id != target.id and e.id != answer_entries[1].id]
    AnswerStore(make_engine(url)).load([edited, *others])  # edits one answer, retires another
    assert reader.get(target.id).answer.endswith("New sentence.")
    assert reader.get(answer_entries[1].id) is None
