"""The held-out evaluation set stays honest: never used for training, every expectation valid."""

from __future__ import annotations

from bot.evaluation import Case, judge, load_cases
from bot.nlu_generation import read_nlu_examples
from bot.settings import NLU_DIR
from evaluation.coverage_sets import DEV_FILE, TEST_FILE, load_part

KINDS = {"answer", "emergency", "redirect", "out_of_scope", "human", "no_alarm"}


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def _training_examples() -> set[str]:
    return {
        _normalised(e) for path in NLU_DIR.glob("*.yml") for group in read_nlu_examples(path).values() for e in group
    }


def test_held_out_cases_are_not_training_examples() -> None:
    training = _training_examples()
    leaked = [case.text for case in load_cases() if _normalised(case.text) in training]
    assert leaked == []


def test_held_out_set_is_large_and_well_formed(answer_entries) -> None:
    cases = load_cases()
    ids = {entry.id for entry in answer_entries}
    assert len(cases) >= 150
    assert {case.expect for case in cases} == KINDS
    for case in cases:
        if case.expect == "answer":
            assert case.answer_id in ids, case
    answered = {case.answer_id for case in cases if case.expect == "answer"}
    # Answers added after the held-out set was written are measured by the coverage set instead.
    covered = {case.answer_id for part in (DEV_FILE, TEST_FILE) for case in load_part(part) if case.answer_id}
    assert answered | covered == {entry.id for entry in answer_entries if entry.topic != "system"}


def test_judge_is_strict() -> None:
    case = Case(text="x", expect="answer", answer_id="about.names")
    assert judge(case, [("answer", "about.names")])
    assert not judge(case, [("disambiguation", "system.did_you_mean")])
    assert not judge(case, [("answer", "about.what_is_il2")])
    redirect = Case(text="x", expect="redirect")
    assert judge(redirect, [("education", "living.other_medicines"), ("redirect", "system.clinical_referral")])
    assert not judge(redirect, [("answer", "living.other_medicines")])
    assert not judge(Case(text="x", expect="emergency"), [("answer", "side_effects.chest_pain")])
    assert not judge(Case(text="x", expect="no_alarm"), [("emergency", "system.emergency")])
