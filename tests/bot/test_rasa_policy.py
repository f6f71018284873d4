"""TriagePolicy: deterministic routing the model cannot override."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_policy import TRIAGE_PRIORITY, TriagePolicy
from bot.safety.triage import Route, Triage
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def policy(tmp_path) -> TriagePolicy:
    return TriagePolicy.create(
        TriagePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("triage"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _tracker(text: str | None, *after: str) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    if text is not None:
        # The model thinks it is an FAQ: the policy must still win.
        events.append(UserUttered(text, intent={"name": "faq", "confidence": 0.99}))
    events.extend(ActionExecuted(name) for name in after)
    return DialogueStateTracker.from_events("test", events)


def _predicted(policy: TriagePolicy, domain: Domain, tracker: DialogueStateTracker) -> str | None:
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0:
        return None
    assert prediction.max_confidence == 1.0
    assert prediction.policy_priority == TRIAGE_PRIORITY
    return domain.action_names_or_texts[prediction.max_confidence_index]


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("my chest hurts", "action_emergency"),
        ("should i stop my prednisone", "action_clinical_referral"),
        ("", "action_bad_input"),
        ('/restart{"x": 1}', "action_bad_input"),
    ],
)
def test_flagged_messages_get_their_action_then_listen(policy, domain, text: str, action: str) -> None:
    assert _predicted(policy, domain, _tracker(text)) == action
    assert _predicted(policy, domain, _tracker(text, action)) == "action_listen"


def test_ordinary_messages_are_left_to_the_other_policies(policy, domain) -> None:
    assert _predicted(policy, domain, _tracker("what is il2")) is None
    assert _predicted(policy, domain, _tracker(None)) is None


def test_priority_is_above_rule_policy() -> None:
    from rasa.core.policies.rule_policy import RulePolicy

    assert TRIAGE_PRIORITY > RulePolicy.get_default_config()["priority"]


def test_loading_the_policy_warms_up_the_safety_check(tmp_path, monkeypatch) -> None:
    import bot.rasa_policy as module

    checked: list[str] = []
    monkeypatch.setattr(module, "triage", lambda text: checked.append(text))
    storage, resource = LocalModelStorage(tmp_path), Resource("triage")
    context = ExecutionContext(GraphSchema({}), "test")
    loaded = TriagePolicy.load(TriagePolicy.get_default_config(), storage, resource, context)
    assert isinstance(loaded, TriagePolicy)
    assert checked == ["hello"]


def test_each_model_carries_the_safety_net_it_was_trained_with(tmp_path, monkeypatch, domain) -> None:
    import bot.rasa_policy as module
    from bot.safety import net

    installed: list[str] = []
    monkeypatch.setattr(module, "use_net", lambda path: installed.append(path.read_bytes()))
    storage, resource = LocalModelStorage(tmp_path), Resource("triage")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = TriagePolicy.create(TriagePolicy.get_default_config(), storage, resource, context)
    trained.train([], domain)
    TriagePolicy.load(TriagePolicy.get_default_config(), storage, resource, context)
    assert installed == [net.net_path().read_bytes()]  # the net built for the training data, from the model


def test_a_change_of_the_nets_inputs_changes_the_policys_cache_key(monkeypatch) -> None:
    from bot.safety import net

    before = TriagePolicy.get_default_config()
    monkeypatch.setattr(net, "fingerprint", lambda: "something-else")
    assert TriagePolicy.get_default_config() != before


def _tracker_with_intent(text: str, intent: str) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), UserUttered(text, intent={"name": intent, "confidence": 0.9})]
    return DialogueStateTracker.from_events("test", events)


@pytest.mark.parametrize("intent", ["emergency", "clinical_decision"])
@pytest.mark.parametrize(
    "text",
    [
        "what if i cant breathe at home after",
        "back in 2022 he was seeing things for a night in the icu. hes totally fine now, why did it happen",
    ],
)
def test_signs_only_named_get_the_answer_base_not_the_models_alarm(policy, domain, text: str, intent: str) -> None:
    assert _predicted(policy, domain, _tracker_with_intent(text, intent)) == "action_answer_faq"


def test_signs_only_named_leave_every_other_intent_to_the_model(policy, domain) -> None:
    tracker = _tracker_with_intent("what if i cant breathe at home after", "faq")
    assert _predicted(policy, domain, tracker) is None
    assert (
        _predicted(policy, domain, _tracker_with_intent("thanks, the parking nearly gave me a heart attack", "thanks"))
        is None
    )


def test_the_models_emergency_stands_where_the_rules_saw_no_sign_and_the_net_backs_it(policy, domain) -> None:
    # Lay words no phrase knows: the rules find nothing named, and the net scores it as an emergency.
    tracker = _tracker_with_intent("theres a washing machine going in my chest", "emergency")
    assert _predicted(policy, domain, tracker) == "action_emergency"


def test_a_figure_of_speech_the_net_does_not_back_gets_the_answer_base_not_the_models_alarm(policy, domain) -> None:
    text = "the hospital car park nearly gave me a heart attack, 18 pounds for the day!"
    assert _predicted(policy, domain, _tracker_with_intent(text, "emergency")) == "action_answer_faq"


@pytest.mark.parametrize(
    ("model_alarm", "action"),
    [
        (Route.EMERGENCY, "action_emergency"),
        (Route.SYMPTOM_CHECK, "action_symptom_check"),
        (Route.EDUCATION, "action_answer_faq"),
    ],
)
def test_the_models_emergency_alone_goes_where_the_verdict_says(
    policy, domain, monkeypatch, model_alarm: Route, action: str
) -> None:
    import bot.rasa_policy as module

    monkeypatch.setattr(module, "triage", lambda text: Triage(Route.NONE, model_alarm=model_alarm))
    assert _predicted(policy, domain, _tracker_with_intent("my dad collapsed all the boxes", "emergency")) == action
    # Only the emergency intent is gated: every other intent is left to the model.
    assert _predicted(policy, domain, _tracker_with_intent("my dad collapsed all the boxes", "faq")) is None
