"""The Rasa actions: thin adapters that read the tracker and send what bot/ decides."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.answers import ActionAnswerFaq, ActionChooseAnswer, ActionFeedback, ActionFollowUp, ActionTellMeMore
from actions.conversation import ActionGreet, ActionOutOfScope
from actions.safety import (
    ActionBadInput,
    ActionClinicalReferral,
    ActionEmergency,
    ActionFallback,
    ActionSymptomCheck,
    ActionUrgent,
)
from bot.activity import ActivityLog
from bot.settings import get_settings

CACHED_ASSISTANT = common.assistant


@pytest.fixture(autouse=True)
def _test_database(monkeypatch, session_database):
    monkeypatch.setenv("IL2BOT_DATABASE_URL", session_database)
    monkeypatch.setenv("IL2BOT_CLINIC_PHONE", "555-0199")
    get_settings.cache_clear()
    CACHED_ASSISTANT.cache_clear()
    yield
    get_settings.cache_clear()
    CACHED_ASSISTANT.cache_clear()


def _tracker(text: str, *, ranking=(), entities=(), slots=None) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": list(entities),
        "response_selector": {
            "faq": {"ranking": [{"intent_response_key": f"faq/{a}", "confidence": c} for a, c in ranking]}
        },
    }
    return Tracker("patient", {"notice_shown": False, **(slots or {})}, message, [], False, None, {}, "action_listen")


async def _run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def test_faq_answer_then_notice_once() -> None:
    messages, events = await _run(ActionAnswerFaq(), _tracker("what is il2", ranking=[("about.what_is_il2", 0.95)]))
    assert messages[0]["custom"]["answer_id"] == "about.what_is_il2"
    assert "Source" in messages[0]["text"]
    assert messages[-1]["custom"]["kind"] == "notice"
    assert SlotSet("current_answer_id", "about.what_is_il2") in events
    assert SlotSet("notice_shown", True) in events

    messages, events = await _run(
        ActionAnswerFaq(), _tracker("what is il2", ranking=[("about.what_is_il2", 0.95)], slots={"notice_shown": True})
    )
    assert [m["custom"]["kind"] for m in messages] == ["answer"]


async def test_emergency_comes_first_with_the_clinic_number() -> None:
    messages, _ = await _run(ActionEmergency(), _tracker("i cant breathe"))
    assert messages[0]["custom"]["kind"] == "emergency"
    assert "911" in messages[0]["text"] and "555-0199" in messages[0]["text"]


async def test_referral_educates_then_refers() -> None:
    tracker = _tracker("can i take advil with il2", ranking=[("living.other_medicines", 0.8)])
    messages, _ = await _run(ActionClinicalReferral(), tracker)
    assert [m["custom"]["kind"] for m in messages][:2] == ["education", "redirect"]


async def test_button_choice_and_unknown_choice() -> None:
    entity = {"entity": "answer_id", "value": "side_effects.overview"}
    messages, _ = await _run(ActionChooseAnswer(), _tracker("/choose_answer", entities=[entity]))
    assert messages[0]["custom"]["answer_id"] == "side_effects.overview"
    bogus = {"entity": "answer_id", "value": "<script>alert(1)</script>"}
    messages, _ = await _run(ActionChooseAnswer(), _tracker("/choose_answer", entities=[bogus]))
    assert messages[0]["custom"]["kind"] == "fallback"
    assert "<script>" not in " ".join(m.get("text") or "" for m in messages)


async def test_tell_me_more_and_follow_up_use_the_current_answer() -> None:
    slots = {"current_answer_id": "treatment.high_dose_schedule", "notice_shown": True}
    messages, _ = await _run(ActionTellMeMore(), _tracker("tell me more", slots=slots))
    assert messages[0]["custom"]["kind"] == "detail"
    entity = {"entity": "REGIMEN", "value": "low dose"}
    messages, _ = await _run(ActionFollowUp(), _tracker("what about the low dose one?", entities=[entity], slots=slots))
    assert messages[0]["custom"]["answer_id"] == "treatment.low_dose_at_home"


async def test_bad_input_reply_names_the_problem() -> None:
    messages, _ = await _run(ActionBadInput(), _tracker("😀😀"))
    assert messages[0]["custom"]["answer_id"] == "system.input_no_words"


async def test_fallback_offers_likely_answers_and_keeps_a_redacted_question(store) -> None:
    tracker = _tracker(
        "my name is Ann Lee, nausea or eating?",
        ranking=[("side_effects.nausea_diarrhea", 0.3), ("living.eating", 0.25)],
    )
    log = ActivityLog(store.engine)
    before = len(log.open_items())
    messages, _ = await _run(ActionFallback(), tracker)
    assert messages[0]["custom"]["kind"] == "disambiguation"
    kept = [item.text for item in log.open_items()]
    assert len(kept) == before + 1
    assert any("nausea or eating" in text for text in kept)
    assert all("Ann" not in text for text in kept)


async def test_urgent_and_symptom_check_send_the_care_team_first_or_after_education() -> None:
    ranking = [("side_effects.nausea_diarrhea", 0.9)]
    urgent, _ = await _run(ActionUrgent(), _tracker("cant keep anything down", ranking=ranking))
    assert [m["custom"]["kind"] for m in urgent][:2] == ["education", "urgent"]
    assert "555-0199" in urgent[1]["text"]
    check, _ = await _run(ActionSymptomCheck(), _tracker("been tired since home", ranking=ranking))
    assert [m["custom"]["answer_id"] for m in check][:2] == ["side_effects.nausea_diarrhea", "system.symptom_check"]


async def test_greeting_offers_topics() -> None:
    messages, _ = await _run(ActionGreet(), _tracker("hi"))
    assert messages[0]["custom"]["kind"] == "greeting"
    assert any(b["payload"].startswith("/choose_topic") for b in messages[1]["buttons"])


async def test_an_internal_failure_gives_a_safe_message_not_a_stack_trace(monkeypatch) -> None:
    def broken():
        raise RuntimeError("database is down")

    monkeypatch.setattr("actions.common.assistant", broken)
    monkeypatch.setattr("actions.safety.assistant", broken)
    messages, events = await _run(ActionEmergency(), _tracker("i cant breathe"))
    assert events == []
    assert "911" in messages[0]["text"] and "Traceback" not in messages[0]["text"]


def test_a_selector_without_retrieval_intent_is_read_under_default() -> None:
    tracker = _tracker("what is il2")
    tracker.latest_message["response_selector"] = {
        "default": {"ranking": [{"intent_response_key": "faq/about.what_is_il2", "confidence": 0.9}]}
    }
    assert [c.answer_id for c in common.faq_candidates(tracker)] == ["about.what_is_il2"]


async def test_a_typed_question_is_kept_redacted_for_a_later_not_helpful() -> None:
    _, events = await _run(
        ActionAnswerFaq(), _tracker("my name is Ann Lee, what is il2", ranking=[("about.what_is_il2", 0.95)])
    )
    (kept,) = [e["value"] for e in events if e["name"] == "answered_question"]
    assert "Ann" not in kept and "what is il2" in kept
    _, events = await _run(ActionChooseAnswer(), _tracker("/choose_answer", entities=[]))
    assert all(e["name"] != "answered_question" for e in events)  # a button keeps the typed question


async def test_not_helpful_queues_the_question_that_got_this_answer(store) -> None:
    log = ActivityLog(store.engine)
    before = {item.id for item in log.open_items()}
    slots = {
        "current_answer_id": "about.what_is_il2",
        "answered_question": "what is [name]s drug",
        "notice_shown": True,
    }
    entities = [{"entity": "answer_id", "value": "about.what_is_il2"}, {"entity": "helpful", "value": "no"}]
    messages, _ = await _run(ActionFeedback(), _tracker("/feedback", entities=entities, slots=slots))
    assert messages[0]["custom"]["answer_id"] == "system.feedback_sorry"
    (new,) = [item for item in log.open_items() if item.id not in before]
    assert (new.text, new.reason, new.best_guess) == ("what is [name]s drug", "not_helpful", "about.what_is_il2")

    # Feedback under an older answer: counted, but the current question is not the one it answered.
    older = [{"entity": "answer_id", "value": "about.names"}, {"entity": "helpful", "value": "no"}]
    await _run(ActionFeedback(), _tracker("/feedback", entities=older, slots=slots))
    assert [item.id for item in log.open_items() if item.id not in before] == [new.id]


async def test_out_of_scope_questions_go_to_the_review_queue(store) -> None:
    log = ActivityLog(store.engine)
    messages, _ = await _run(ActionOutOfScope(), _tracker("where do I park, I am Bob Stone"))
    assert messages[0]["custom"]["kind"] == "out_of_scope"
    assert any(item.text.startswith("where do I park") and "Bob" not in item.text for item in log.open_items())
