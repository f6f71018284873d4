"""The cached versions of Rasa's per-message work behave exactly as Rasa's own."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

import bot.rasa_policy  # noqa: F401 - importing the policy installs the speed-ups, as loading a model does
from bot import rasa_speedups
from bot.settings import PROJECT_ROOT


def test_loading_the_triage_policy_installs_them() -> None:
    assert rasa_speedups.installed()


def test_a_valid_action_response_passes() -> None:
    action = RemoteAction("action_answer_faq", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []})


@pytest.mark.parametrize("bad", [{"events": "not a list"}, {"responses": [1, 2]}, {"events": [{"no": "event"}]}])
def test_an_invalid_action_response_is_still_refused(bad) -> None:
    with pytest.raises(ValidationError):
        RemoteAction("action_answer_faq", None)._validate_action_result(bad)


def test_event_classes_resolve_as_rasa_resolves_them() -> None:
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_speedups._RASA_RESOLVE_EVENT_TYPE(cls.type_name)


def test_an_unknown_event_name_still_fails_and_a_default_is_not_remembered() -> None:
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert "no_such_event" not in rasa_speedups._EVENT_TYPES


def _tracker() -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("what is il2", intent={"name": "faq", "confidence": 0.9}),
        ActionExecuted("action_answer_faq"),
        BotUttered("IL-2 is a medicine."),
        SlotSet("current_answer_id", "about.what_is_il2"),
        ActionExecuted("action_listen"),
        UserUttered("tell me more", intent={"name": "tell_me_more", "confidence": 0.9}),
    ]
    return DialogueStateTracker.from_events("someone", events)


def test_the_action_server_gets_the_current_turn_the_slots_and_no_domain() -> None:
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    endpoint = EndpointConfig(url="http://127.0.0.1:1/webhook", enable_selective_domain=True)
    body = RemoteAction("action_tell_me_more", endpoint)._action_call_format(_tracker(), domain)
    events = body["tracker"]["events"]
    assert [e["event"] for e in events] == ["user"]
    assert events[0]["text"] == "tell me more"
    assert body["tracker"]["slots"]["current_answer_id"] == "about.what_is_il2"
    assert body["tracker"]["latest_message"]["text"] == "tell me more"
    assert "domain" not in body
    assert body["next_action"] == "action_tell_me_more"


def test_without_a_user_message_every_event_is_sent() -> None:
    tracker = DialogueStateTracker.from_events("someone", [ActionExecuted("action_session_start")])
    assert rasa_speedups.current_turn_events(tracker) == list(tracker.events)
