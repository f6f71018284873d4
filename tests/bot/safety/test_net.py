"""The statistical second net: trained without the sealed set, and it can only add safety, never remove it."""

from __future__ import annotations

import pytest

from bot.safety import net
from bot.safety import triage as triage_module
from bot.safety.net import NetVerdict, training_data
from bot.safety.triage import Route, Triage, triage
from evaluation.safety_sets import CURRENT_SEALED, SPENT_SEALED_FILES, load_part


def test_the_sealed_set_is_never_training_data() -> None:
    texts, labels, writers = training_data()
    assert not {c.text for c in load_part(CURRENT_SEALED.file)} & set(texts)
    for spent in SPENT_SEALED_FILES:  # scored, so spent: dev data
        assert {c.text for c in load_part(spent)} <= set(texts)
    assert set(labels) == set(net.LABELS)
    assert sum(1 for writer in writers if writer) > 600  # benchmark cases, each with its writer


def test_a_left_out_writer_is_not_in_the_training_data() -> None:
    from evaluation.safety_sets import SEALED_V2

    written_by_s2 = {c.text for c in load_part(SEALED_V2.file) if c.batch == "s2"}
    texts, _, _ = training_data(leave_out=frozenset({"s2"}))
    assert written_by_s2 and not written_by_s2 & set(texts)
    assert written_by_s2 <= set(training_data()[0])


def test_a_net_is_built_for_the_current_inputs() -> None:
    assert net.net_path().is_file(), "run `python -m bot safety build` (make setup does)"
    loaded = net._loaded()
    assert loaded is not None and set(loaded["thresholds"]) == {
        "emergency",
        "emergency_over_named",
        "decision",
        "report",
        "model_alarm",
    }
    assert all(0.05 <= t <= 0.99 for t in loaded["thresholds"].values())


def test_the_floor_for_the_models_alarm_lets_all_but_the_budgeted_share_of_emergencies_through() -> None:
    scores = [0.01 * i for i in range(1000)]
    positive = [i % 2 == 0 for i in range(1000)]  # 500 emergencies, 0.00 to 9.98 in steps of 0.02
    floor = net._recall_floor(scores, positive, 0.002)
    below = [s for s, p in zip(scores, positive, strict=True) if p and s < floor]
    assert len(below) == 1  # 0.2% of 500
    assert net._recall_floor(scores, [False] * 1000, 0.002) == 0.0  # no emergencies: every alarm stands


def test_the_models_emergency_alone_stands_only_where_the_net_backs_it(net_says) -> None:
    net_says(NetVerdict(backs_model_alarm=True))
    assert triage("my dad collapsed all the cardboard boxes").model_alarm is Route.EMERGENCY
    net_says(NetVerdict(backs_model_alarm=False))
    # About a person, nothing judged: the safe default, the care team with the emergency number.
    assert triage("my dad collapsed all the cardboard boxes").model_alarm is Route.SYMPTOM_CHECK
    # About nobody, or a figure of speech: the answer base.
    assert triage("why is it every 8 hours and not just once a day?").model_alarm is Route.EDUCATION
    figure = triage("the hospital car park nearly gave me a heart attack, 18 pounds for the day!")
    assert (figure.route, figure.model_alarm) == (Route.NONE, Route.EDUCATION)
    assert triage("my chest hurts").route is Route.EMERGENCY  # the rules' emergency needs no backing


@pytest.fixture
def net_says(monkeypatch):
    def install(verdict: NetVerdict) -> None:
        monkeypatch.setattr(triage_module, "net_verdict", lambda clean: verdict)

    return install


def test_the_net_cannot_cancel_an_emergency(net_says) -> None:
    net_says(NetVerdict())
    assert triage("my chest hurts").route is Route.EMERGENCY


def test_the_net_raises_a_sign_the_rules_only_saw_as_a_symptom(net_says) -> None:
    net_says(NetVerdict(emergency=True))
    assert triage("my breathing feels weird and i am so tired") == Triage(Route.EMERGENCY, reason="net")
    assert triage("been very tired since coming home").route is Route.EMERGENCY


def test_the_net_never_alarms_a_message_with_no_sign_or_an_urgent_one(net_says) -> None:
    net_says(NetVerdict(emergency=True))
    assert triage("my insurance went down this year").route is Route.NONE
    assert triage("what is il2").route is Route.NONE
    assert triage("i cant keep anything down").route is Route.URGENT
    over = "I gained like 20 pounds of water in my first round two years ago and it all came off after"
    assert triage(over).route is not Route.EMERGENCY  # a story that is over


def test_the_net_overrules_a_sign_the_rules_judged_only_named_only_when_it_is_surer(net_says) -> None:
    asked = "can the low blood pressure from il2 make people faint? we start in three weeks"
    net_says(NetVerdict(emergency=True))
    assert triage(asked).route is not Route.EMERGENCY
    net_says(NetVerdict(emergency=True, emergency_over_named=True))
    assert triage(asked) == Triage(Route.EMERGENCY, reason="net")
    assert triage("my insurance went down this year").route is Route.NONE  # no sign at all, about nobody


def test_the_threshold_for_overruling_the_rules_is_never_looser_than_the_emergency_one() -> None:
    loaded = net._loaded()
    assert loaded is not None
    assert loaded["thresholds"]["emergency_over_named"] >= loaded["thresholds"]["emergency"]


def test_the_net_alone_raises_a_message_about_a_person_only_when_it_is_about_health(net_says) -> None:
    net_says(NetVerdict())
    said = "my brother told me tonight he has made his peace with everything"
    assert triage(said).route is not Route.EMERGENCY  # no sign the rules know, and the net is not sure
    net_says(NetVerdict(emergency=True))
    assert triage(said) == Triage(Route.EMERGENCY, reason="net")
    assert triage("the wait for news about the trial is long").route is Route.NONE  # about nobody
    assert triage("we drove in and the parking was fine").route is Route.NONE  # nothing about health
    assert triage("my dad nearly had a heart attack at the parking price haha").route is not Route.EMERGENCY
    assert triage("i cant keep anything down").route is Route.URGENT


def test_the_net_refers_a_statement_of_a_symptom_that_names_nobody(net_says) -> None:
    net_says(NetVerdict(report=True))
    assert triage("mouth feels a bit sore and everything tastes like metal").route is Route.SYMPTOM_CHECK
    assert triage("does the drip hurt?").route is Route.NONE


def test_the_net_refers_a_care_question_about_now_that_names_nobody(net_says) -> None:
    net_says(NetVerdict(decision=True))
    asked = "is ok to take imodium for the diarrea? it is 3 time today"
    assert triage(asked) == Triage(Route.CLINICAL_DECISION, reason="net")
    assert triage("is it ok to bring snacks onto the ward").route is Route.NONE


def test_the_net_refers_only_personal_messages(net_says) -> None:
    net_says(NetVerdict(decision=True))
    assert triage("my husband wonders about the drip") == Triage(Route.CLINICAL_DECISION, reason="net")
    assert triage("how does the drip work").route is Route.NONE
    net_says(NetVerdict(report=True))
    assert triage("my husband wonders about the drip") == Triage(Route.SYMPTOM_CHECK, reason="net")


def test_the_compiled_net_gives_the_pipelines_probabilities() -> None:
    loaded = net._loaded()
    assert loaded is not None
    texts = ["my chest hurts", "can i take tylenol", "what is il2", "x", "", "temp 101.5 since i got home !"]
    expected = loaded["model"].predict_proba(texts)
    order = list(loaded["model"].classes_)
    for text, row in zip(texts, expected, strict=True):
        got = loaded["compiled"].probabilities(text)
        assert all(abs(got[label] - row[order.index(label)]) < 1e-9 for label in order), text
