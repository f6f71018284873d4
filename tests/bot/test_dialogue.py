"""What the assistant says: answers with sources, asking when unsure, referrals, notices."""

from __future__ import annotations

from datetime import date

import pytest

from bot.activity import ActivityLog
from bot.dialogue import Assistant, Candidate
from bot.safety.triage import InputProblem
from bot.settings import ClinicContact


def test_clear_question_gets_the_answer_with_its_source(assistant: Assistant) -> None:
    outcome = assistant.answer_question([Candidate("about.what_is_il2", 0.93), Candidate("about.names", 0.03)])
    (reply,) = outcome.replies
    assert reply.kind == "answer" and reply.answer_id == "about.what_is_il2"
    assert "Source" in reply.text
    assert outcome.current_answer_id == "about.what_is_il2"


def test_close_call_asks_which_topic_was_meant(assistant: Assistant) -> None:
    outcome = assistant.answer_question(
        [
            Candidate("side_effects.nausea_diarrhea", 0.41),
            Candidate("living.eating", 0.38),
            Candidate("about.names", 0.1),
        ]
    )
    (reply,) = outcome.replies
    assert reply.kind == "disambiguation"
    payloads = [b.payload for b in reply.buttons]
    assert '/choose_answer{"answer_id":"side_effects.nausea_diarrhea"}' in payloads
    assert '/choose_answer{"answer_id":"living.eating"}' in payloads
    assert "/human_contact" in payloads
    assert outcome.current_answer_id is None


def test_nothing_plausible_says_unsure_and_offers_topics(assistant: Assistant) -> None:
    outcome = assistant.answer_question([Candidate("about.names", 0.02)])
    assert [r.kind for r in outcome.replies] == ["fallback", "topic_menu"]
    assert any("/choose_topic" in b.payload for b in outcome.replies[1].buttons)


def test_unknown_or_system_answer_ids_are_refused_politely(assistant: Assistant) -> None:
    for answer_id in ("nope.nothing", "system.emergency", "'; drop table answers; --"):
        outcome = assistant.show_answer(answer_id)
        assert outcome.replies[0].kind == "fallback"


def test_tell_me_more_gives_the_detail(assistant: Assistant, store) -> None:
    answer = store.get("treatment.high_dose_schedule")
    outcome = assistant.tell_me_more(answer.id)
    assert outcome.replies[0].kind == "detail"
    assert outcome.replies[0].text.startswith(answer.detail)
    assert assistant.tell_me_more(None).replies[0].kind == "fallback"
    # A system answer is never shown by "tell me more", as by a button: only the safety rules pick them.
    assert assistant.tell_me_more("system.emergency").replies[0].answer_id == "system.unsure"


def test_follow_up_uses_the_current_answer(assistant: Assistant) -> None:
    outcome = assistant.follow_up("treatment.high_dose_schedule", ["low_dose"], [])
    assert outcome.replies[0].answer_id == "treatment.low_dose_at_home"


def test_clinical_referral_never_answers_alone(assistant: Assistant) -> None:
    outcome = assistant.clinical_referral([Candidate("living.other_medicines", 0.9)])
    assert [r.kind for r in outcome.replies] == ["education", "redirect"]
    assert "care team" in outcome.replies[-1].text
    assert [r.kind for r in assistant.clinical_referral([]).replies] == ["redirect"]


def test_emergency_uses_the_configured_numbers(assistant: Assistant) -> None:
    (reply,) = assistant.emergency().replies
    assert reply.kind == "emergency"
    assert "911" in reply.text and "555-0100" in reply.text and "Test Cancer Center" in reply.text
    assert "{" not in reply.text


def test_every_answer_names_the_clinics_own_numbers(assistant: Assistant, store) -> None:
    # A UK clinic sets 999; an answer must never carry a placeholder or another country's number.
    answer = store.get("side_effects.capillary_leak")
    assert "{emergency_number}" in answer.detail
    uk = Assistant(store, ClinicContact("Leeds Cancer Centre", "0113 000 0000", "9 to 5", "999"))
    (reply,) = uk.tell_me_more(answer.id).replies
    assert "call 999 now" in reply.text and "911" not in reply.text and "{" not in reply.text
    (reply,) = assistant.show_answer("support.where_to_get_help").replies
    assert "{" not in reply.text
    (more,) = assistant.tell_me_more("support.where_to_get_help").replies
    assert "Test Cancer Center" in more.text and "555-0100" in more.text


def test_human_contact_gives_the_clinic(assistant: Assistant) -> None:
    (reply,) = assistant.human_contact().replies
    assert "555-0100" in reply.text and "weekdays 9 to 5" in reply.text


@pytest.mark.parametrize("problem", list(InputProblem))
def test_every_input_problem_has_a_polite_reply(assistant: Assistant, problem: InputProblem) -> None:
    (reply,) = assistant.bad_input(problem).replies
    assert reply.kind == "bad_input" and reply.text


def test_notice_says_it_is_not_medical_advice(assistant: Assistant) -> None:
    assert "not medical advice" in assistant.notice().text


def test_unanswered_question_is_stored_redacted(fresh_store, answer_entries) -> None:
    from tests.conftest import TEST_CONTACT

    fresh_store.load(answer_entries)
    Assistant(fresh_store, TEST_CONTACT).note_unanswered("my name is Ann Lee, call 555-123-4567", [])
    (item,) = ActivityLog(fresh_store.engine).open_items()
    assert "Ann" not in item.text and "555-123-4567" not in item.text and item.reason == "unanswered"


def test_answer_thresholds_are_inclusive_and_exact(assistant: Assistant) -> None:
    from bot.dialogue import ANSWER_CONFIDENCE, CLEAR_MARGIN

    at_the_bar = [Candidate("about.what_is_il2", ANSWER_CONFIDENCE), Candidate("about.names", 0.0)]
    assert assistant.answer_question(at_the_bar).replies[0].kind == "answer"
    below = [Candidate("about.what_is_il2", ANSWER_CONFIDENCE - 0.01), Candidate("about.names", 0.0)]
    assert assistant.answer_question(below).replies[0].kind != "answer"
    lead = ANSWER_CONFIDENCE + 0.3
    clear = [Candidate("about.what_is_il2", lead), Candidate("about.names", lead - CLEAR_MARGIN - 0.001)]
    assert assistant.answer_question(clear).replies[0].kind == "answer"
    close = [Candidate("about.what_is_il2", lead), Candidate("about.names", lead - CLEAR_MARGIN + 0.01)]
    assert assistant.answer_question(close).replies[0].kind == "disambiguation"


def test_only_plausible_candidates_are_offered_and_at_most_three(assistant: Assistant) -> None:
    from bot.dialogue import MAX_SUGGESTIONS, SUGGEST_CONFIDENCE

    ids = ["living.eating", "about.names", "about.what_is_il2", "treatment.hospital_stay"]
    outcome = assistant.did_you_mean([Candidate(i, 0.15) for i in ids])
    answer_buttons = [b for b in outcome.replies[0].buttons if b.payload.startswith("/choose_answer")]
    assert len(answer_buttons) == MAX_SUGGESTIONS == 3
    faint = [Candidate("living.eating", 0.15), Candidate("about.names", SUGGEST_CONFIDENCE - 0.001)]
    assert assistant.did_you_mean(faint).replies[0].kind == "fallback"  # one plausible answer is not a choice
    at_bar = [Candidate("living.eating", 0.15), Candidate("about.names", SUGGEST_CONFIDENCE)]
    assert assistant.did_you_mean(at_bar).replies[0].kind == "disambiguation"


def test_education_needs_the_same_clear_match_as_an_answer_and_is_never_a_system_answer(assistant: Assistant) -> None:
    from bot.dialogue import ANSWER_CONFIDENCE, CLEAR_MARGIN

    at_bar = assistant.clinical_referral([Candidate("living.other_medicines", ANSWER_CONFIDENCE)])
    assert [r.kind for r in at_bar.replies] == ["education", "redirect"]
    below = assistant.clinical_referral([Candidate("living.other_medicines", ANSWER_CONFIDENCE - 0.01)])
    assert [r.kind for r in below.replies] == ["redirect"]
    close = [Candidate("living.other_medicines", 0.5), Candidate("living.eating", 0.5 - CLEAR_MARGIN + 0.01)]
    assert [r.kind for r in assistant.clinical_referral(close).replies] == ["redirect"]
    system = assistant.clinical_referral([Candidate("system.emergency", 0.99)])
    assert [r.kind for r in system.replies] == ["redirect"]


def test_symptom_check_says_it_cannot_judge_and_gives_both_numbers(assistant: Assistant) -> None:
    outcome = assistant.symptom_check([Candidate("side_effects.skin", 0.9)])
    assert [r.kind for r in outcome.replies] == ["education", "redirect"]
    referral = outcome.replies[-1]
    assert referral.answer_id == "system.symptom_check"
    assert "can't judge" in referral.text and "555-0100" in referral.text and "911" in referral.text
    assert [r.answer_id for r in assistant.symptom_check([]).replies] == ["system.symptom_check"]


def test_urgent_says_call_today_after_any_education(assistant: Assistant) -> None:
    outcome = assistant.urgent([Candidate("side_effects.nausea_diarrhea", 0.9)])
    assert [r.kind for r in outcome.replies] == ["education", "urgent"]
    urgent = outcome.replies[-1]
    assert "today" in urgent.text and "555-0100" in urgent.text and "911" in urgent.text
    assert [r.kind for r in assistant.urgent([]).replies] == ["urgent"]


def test_sources_line() -> None:
    from bot.answers.entries import Source
    from bot.dialogue import format_sources

    nci = Source(name="NCI", url="https://www.cancer.gov/il2")
    seed = Source(name="Seed document", url=None)
    assert format_sources((nci,)) == "Source: NCI (https://www.cancer.gov/il2)"
    assert format_sources((seed,)) == "Source: Seed document"
    assert format_sources((nci, seed)) == "Sources: NCI (https://www.cancer.gov/il2); Seed document"


def test_replies_carry_what_the_widget_and_channels_rely_on(assistant: Assistant, store) -> None:
    from bot.dialogue import HUMAN_BUTTON

    shown = assistant.show_answer("about.what_is_il2")
    (answer,) = shown.replies
    stored = store.get("about.what_is_il2")
    assert answer.text.startswith(stored.answer) and answer.sources == stored.sources
    more = assistant.tell_me_more("treatment.high_dose_schedule")
    assert more.current_answer_id == "treatment.high_dose_schedule"
    assert assistant.human_contact().replies[0].kind == "human"
    notice = assistant.notice()
    assert notice.kind == "notice" and notice.sources
    education, referral = assistant.clinical_referral([Candidate("about.what_is_il2", 0.9)]).replies
    assert education.text.startswith(stored.answer) and education.sources == stored.sources
    assert HUMAN_BUTTON in referral.buttons and referral.sources
    assert HUMAN_BUTTON in assistant.urgent([]).replies[0].buttons
    assert HUMAN_BUTTON in assistant.symptom_check([]).replies[0].buttons


def test_suggestion_buttons_are_titled_and_ordered_best_first(assistant: Assistant, store) -> None:
    unsorted = [Candidate("living.eating", 0.3), Candidate("side_effects.nausea_diarrhea", 0.32)]
    (reply,) = assistant.answer_question(unsorted).replies
    first, second = reply.buttons[:2]
    assert first.title == store.get("side_effects.nausea_diarrhea").title
    assert first.payload == '/choose_answer{"answer_id":"side_effects.nausea_diarrhea"}'
    assert second.payload == '/choose_answer{"answer_id":"living.eating"}'
    topics = assistant.topic_menu().replies[0].buttons
    assert topics[0].payload.startswith('/choose_topic{"topic":"') and topics[0].title
    key, title = store.topics(exclude=["system"])[0]
    assert (topics[0].title, topics[0].payload) == (title, f'/choose_topic{{"topic":"{key}"}}')


def test_follow_up_without_a_current_answer_answers_the_question(assistant: Assistant) -> None:
    outcome = assistant.follow_up(None, ["low_dose"], [Candidate("about.what_is_il2", 0.9)])
    assert outcome.replies[0].answer_id == "about.what_is_il2"


def test_the_unanswered_question_keeps_the_best_guess(fresh_store, answer_entries) -> None:
    from tests.conftest import TEST_CONTACT

    fresh_store.load(answer_entries)
    candidates = [Candidate("living.eating", 0.1234), Candidate("about.names", 0.31)]
    Assistant(fresh_store, TEST_CONTACT).note_unanswered("is it like chemo", candidates)
    (item,) = ActivityLog(fresh_store.engine).open_items()
    assert (item.text, item.best_guess, item.confidence) == ("is it like chemo", "about.names", 0.31)


def test_not_helpful_counts_the_answer_and_queues_the_question(fresh_store, answer_entries) -> None:
    from tests.conftest import TEST_CONTACT

    fresh_store.load(answer_entries)
    log = ActivityLog(fresh_store.engine)
    assistant = Assistant(fresh_store, TEST_CONTACT, log)
    sorry = assistant.feedback("about.what_is_il2", False, "so what is [name]s drug")
    thanks = assistant.feedback("about.what_is_il2", True, "what is il2")
    assert [r.kind for r in sorry.replies + thanks.replies] == ["feedback", "feedback"]
    assert sorry.replies[0].answer_id == "system.feedback_sorry" and sorry.replies[0].buttons
    (item,) = log.open_items()  # only "not helpful" is queued
    assert (item.reason, item.best_guess, item.text) == ("not_helpful", "about.what_is_il2", "so what is [name]s drug")
    today = item.asked_at.date()
    assert [(f.answer_id, f.helpful, f.not_helpful) for f in log.feedback(today)] == [("about.what_is_il2", 1, 1)]


def test_feedback_on_an_unknown_or_system_answer_is_thanked_but_not_counted(fresh_store, answer_entries) -> None:
    from tests.conftest import TEST_CONTACT

    fresh_store.load(answer_entries)
    log = ActivityLog(fresh_store.engine)
    assistant = Assistant(fresh_store, TEST_CONTACT, log)
    for answer_id in ("no.such_answer", "system.emergency"):
        assert assistant.feedback(answer_id, False, "question").replies[0].kind == "feedback"
    assert log.open_items() == [] and log.feedback(date(2000, 1, 1)) == []


def test_the_emergency_fallback_says_what_the_curated_emergency_answer_says(assistant: Assistant) -> None:
    from bot.dialogue import emergency_fallback_text
    from tests.conftest import TEST_CONTACT

    curated = assistant.emergency().replies[0].text
    assert curated.startswith(emergency_fallback_text(TEST_CONTACT)), curated
