"""The review queue: similar questions grouped, the likely answer suggested, accept/new/dismiss, retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.activity import ActivityLog, QueueItem, turn_category
from bot.review import example_text, group_questions

NOW = datetime(2026, 12, 1, 12, 0)


def _items(texts: list[str]) -> list[QueueItem]:
    return [QueueItem(i + 1, NOW, text, None, None, "unanswered", None) for i, text in enumerate(texts)]


def test_paraphrases_group_and_unrelated_questions_stay_apart(answer_entries) -> None:
    texts = [
        "where do i park for il2",
        "wifi in the il2 ward?",
        "wher do i park",
        "can my dog visit me",
        "is there wifi in my room",
        "can pets visit in hospital",
        "is there parking for visitors",
        "what should i pack for my il2 week",
        "wat shuld i pack for il-2 week in hospital",
    ]
    groups = group_questions(_items(texts), answer_entries)
    assert sorted(sorted(i.text for i in g.items) for g in groups) == [
        ["can my dog visit me", "can pets visit in hospital"],
        ["is there parking for visitors", "wher do i park", "where do i park for il2"],
        ["is there wifi in my room", "wifi in the il2 ward?"],
        ["wat shuld i pack for il-2 week in hospital", "what should i pack for my il2 week"],
    ]
    assert {g.group_id for g in groups} == {1, 2, 4, 8}  # each group is named by its oldest item


def test_a_group_suggests_the_answer_its_questions_are_closest_to(answer_entries) -> None:
    (group,) = group_questions(_items(["does il2 make you lose hair", "hair loss with il 2"]), answer_entries)
    assert group.suggestion == "side_effects.hair_thinning"


def test_placeholders_are_left_out_of_examples() -> None:
    assert example_text("my name is [name], what is il2 at [n] kg") == "my name is , what is il2 at kg"


def test_groups_are_stored_and_closed(fresh_store, answer_entries) -> None:
    log = ActivityLog(fresh_store.engine)
    for text in ["where do i park", "wher do i park for il2", "is there wifi"]:
        log.record_review_item(text, reason="unanswered", at=NOW)
    groups = group_questions(log.open_items(), answer_entries)
    log.assign_groups([[i.id for i in g.items] for g in groups])
    parking = next(g for g in groups if g.size == 2)
    assert [i.text for i in log.group_items(parking.group_id)] == ["where do i park", "wher do i park for il2"]
    assert log.close_group(parking.group_id, "accepted") == 2
    assert [i.text for i in log.open_items()] == ["is there wifi"]
    assert log.close_group(parking.group_id, "dismissed") == 0  # closed groups stay closed


def test_the_queue_is_redacted_even_if_a_caller_forgets(fresh_store) -> None:
    log = ActivityLog(fresh_store.engine)
    log.record_review_item("I am Ann Lee, born 03/04/1961, call 555-123-4567 or ann@example.com", reason="unanswered")
    (item,) = log.open_items()
    for secret in ("Ann Lee", "03/04/1961", "555-123-4567", "ann@example.com"):
        assert secret not in item.text


def test_purge_removes_only_what_is_older_than_the_retention(fresh_store) -> None:
    log = ActivityLog(fresh_store.engine)
    old, recent = NOW - timedelta(days=91), NOW - timedelta(days=89)
    for at in (old, recent):
        log.record_review_item("a question", reason="unanswered", at=at)
        log.record_feedback("about.what_is_il2", False, at=at)
        log.record_turn("answered", "about.what_is_il2", at=at)
    report = log.purge(90, now=NOW)
    assert (report.review_items, report.feedback, report.turn_outcomes) == (1, 1, 1)
    assert [i.asked_at for i in log.open_items()] == [recent]
    assert log.purge(90, now=NOW).review_items == 0


def test_a_turn_is_counted_by_what_the_patient_got() -> None:
    assert turn_category([("answer", "about.names"), ("notice", "system.notice")]) == ("answered", "about.names")
    assert turn_category([("education", "living.eating"), ("redirect", "system.clinical_referral")]) == (
        "referral",
        None,
    )
    assert turn_category([("emergency", "system.emergency")]) == ("emergency", None)
    assert turn_category([("disambiguation", "system.did_you_mean")]) == ("did_you_mean", None)
    assert turn_category([("fallback", "system.unsure"), ("topic_menu", "system.topic_menu")]) == ("unsure", None)
    assert turn_category([("feedback", "system.feedback_thanks")]) == ("feedback", None)
    assert turn_category([("greeting", "system.greeting")]) == ("other", None)


def test_turn_counts_are_written_in_batches_off_the_reply_path(fresh_store) -> None:
    import time

    from sqlalchemy import event

    log = ActivityLog(fresh_store.engine, flush_seconds=0.3)
    log.flush()  # the tables exist
    statements: list[str] = []
    event.listen(fresh_store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for _ in range(50):
        log.record_turn("answered", "about.what_is_il2", at=NOW)
    assert statements == []  # no SQL while the patient waits for the reply
    time.sleep(1.0)  # the background batch
    assert sum("INSERT INTO turn_outcomes" in s for s in statements) >= 1
    assert log.top_answers(NOW.date()) == [("about.what_is_il2", 50)]


def test_answer_counts_and_feedback_stop_at_the_end_of_the_period(fresh_store) -> None:
    log = ActivityLog(fresh_store.engine)
    for days_later in (0, 3):
        log.record_turn("answered", "about.names", at=NOW + timedelta(days=days_later))
        log.record_feedback("about.names", False, at=NOW + timedelta(days=days_later))
    day = NOW.date()
    assert log.top_answers(day, until=day) == [("about.names", 1)]
    assert log.top_answers(day) == [("about.names", 2)]
    assert [f.not_helpful for f in log.feedback(day, until=day)] == [1]
    assert [f.not_helpful for f in log.feedback(day)] == [2]
