"""The statistical second net: trained without the sealed set, and it can only add safety, never remove it."""

from __future__ import annotations

import pytest

from bot.safety import net
from bot.safety import triage as triage_module
from bot.safety.net import NetVerdict, training_data
from bot.safety.triage import Route, Triage, triage
from evaluation.safety_sets import SEALED_FILE, load_part


def test_the_sealed_set_is_never_training_data() -> None:
    from evaluation.safety_sets import SEALED_V2_FILE

    texts, labels, is_dev = training_data()
    assert not {c.text for c in load_part(SEALED_V2_FILE)} & set(texts)
    assert {c.text for c in load_part(SEALED_FILE)} <= set(texts)  # the first sealed part is spent: dev data
    assert set(labels) == set(net.LABELS)
    assert sum(is_dev) > 600


def test_a_net_is_built_for_the_current_inputs() -> None:
    assert net.net_path().is_file(), "run `python -m bot safety build` (make setup does)"
    loaded = net._loaded()
    assert loaded is not None and set(loaded["thresholds"]) == {"emergency", "decision", "report"}
    assert all(0.05 <= t <= 0.99 for t in loaded["thresholds"].values())


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
