"""Who and when around a sign, and the route it gives: the edges of the context rules and of the triage.

Each test pins one edge of `bot.safety.context`, `bot.safety.assess` and `bot.safety.triage` (how far a
"what if" reaches, where an idiom stops, when something is over, how much of a message must be foreign
to be refused), and one of the reply thresholds of `bot.dialogue`. Found by mutation testing.
"""

from __future__ import annotations

import pytest

from bot.dialogue import Assistant, Candidate
from bot.safety import triage as triage_module
from bot.safety.assess import Assessment, assess
from bot.safety.lexicon import lexicon
from bot.safety.net import NetVerdict
from bot.safety.text import fold, normalise, normalise_folded
from bot.safety.triage import InputProblem, Route, input_problem, triage


def rules(text: str) -> Assessment:
    """What the rule layer alone finds in a message (no statistical net)."""
    return assess(normalise(text), lexicon())


# --- Signs reported now, and signs only named -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # Only the "now" word after the sign: "rn" is "right now", the patient has it.
        ("what if i get chest pain rn", "chest_pain"),
        # A "what if" in another clause of the sentence does not make this one hypothetical.
        ("if the scan is clear we go home on friday, but now my chest hurts", "chest_pain"),
        # An "if" after the sign is no hypothesis about it.
        ("my chest hurts if i climb the stairs", "chest_pain"),
        # "no thermometer" denies the thermometer, not the fever that follows.
        ("no thermometer at home but my wife is burning up", "fever_home"),
        # A general question first, then a report of the same sign.
        ("hello. does il2 cause chest pain? my chest hurts.", "chest_pain"),
        # A chest pain described as like a heart attack is no figure of speech.
        ("my dad has chest pain like a heart attack", "chest_pain"),
        # "omg" five words before the sign is too far to make it a joke about the bill.
        ("omg after the bill dad got chest pain", "chest_pain"),
    ],
)
def test_a_sign_reported_now_is_an_emergency_by_the_rules(text: str, flag: str) -> None:
    verdict = triage(text)
    assert verdict.route is Route.EMERGENCY
    assert verdict.reason == flag  # found by the rules, not only by the statistical net


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("tell me the signs of stroke", "stroke"),  # "signs of" right before the sign
        ("ok, what if i get chest pain at home", "chest_pain"),  # the "what if" in the second clause
        ("we are going home tomorrow after the second cycle. what if i get chest pain at home?", "chest_pain"),
        ("my husband was confused during treatment last spring, now he is fine", "confusion"),
        # "if someone" ends ten words before the reading: the hypothesis still reaches it.
        (
            "if someone who went home from the ward on friday gets a temp of 39.5, what should they do",
            "reading_temperature",
        ),
    ],
)
def test_a_sign_only_named_is_no_emergency(text: str, sign: str) -> None:
    found = rules(text)
    assert found.emergency == []
    assert sign in found.named


def test_a_hypothesis_reaches_ten_words_before_the_sign() -> None:
    found = rules("if after the drive back to the hotel my dad gets chest pain, who do we call")
    assert found.emergency == []
    assert "chest_pain" in found.named


def test_a_denial_in_a_later_sentence_is_read_in_that_sentence() -> None:
    found = rules("had my second infusion on monday. no chest pain so far")
    assert found.emergency == []
    assert "denied:chest_pain" in found.report


def test_being_fed_up_with_a_symptom_still_reports_it() -> None:
    assert rules("im sick of throwing up every morning").report == ["symptom"]


def test_a_message_with_several_red_flags_lists_each_of_them() -> None:
    # The data review (`bot safety check`) reads these lists to tell which concept reports an example.
    assert rules("he is unresponsive and having a seizure").emergency == ["confusion", "seizure"]


# --- Something that is over ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I fainted after my last cycle, long gone now - is that normal?",
        "my temp was 38.5 after my last cycle, long gone now - is that normal?",
    ],
)
def test_asking_whether_something_over_was_normal_is_no_decision_by_the_rules(text: str) -> None:
    found = rules(text)
    assert found.decision == []
    assert found.emergency == [] and found.named


@pytest.mark.parametrize(
    "text",
    [
        "bp 118/76 is that normal",
        "temp 37.3 this morning, is that ok?",
        "my rash from last cycle has cleared up, but my temp is 37.4 today, is that normal?",
        "I got a rash after my last cycle, long gone now. bp 118/76 this morning, is that normal?",
    ],
)
def test_asking_whether_a_reading_now_is_normal_is_a_decision_for_the_care_team(text: str) -> None:
    verdict = triage(text)
    assert verdict.route is Route.CLINICAL_DECISION
    assert verdict.reason == "my_reading_fine"


def test_something_over_does_not_hide_a_later_decision() -> None:
    assert rules("I got a rash after my last cycle, long gone now. will il2 work for me?").decision == ["prediction"]


# --- Routes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("temp 37.2 this morning", "reading_temperature"),
        ("37.4", "reading_temperature"),
        ("my skin is peeling and itchy", "symptom"),
    ],
)
def test_a_symptom_check_names_what_it_found(text: str, reason: str) -> None:
    verdict = triage(text)
    assert verdict.route is Route.SYMPTOM_CHECK
    assert verdict.reason == reason


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("sorry if this is silly, but white patches on the skin with proleukin?", Route.NONE),  # a question mark
        ("does everyone get white patches on the skin with proleukin", Route.NONE),  # a question word first
        ("white patches on the skin since the proleukin", Route.SYMPTOM_CHECK),  # tells, does not ask
    ],
)
def test_the_net_refers_a_report_that_names_nobody_only_when_it_does_not_ask(
    text: str, route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_module, "net_verdict", lambda clean: NetVerdict(report=True))
    assert rules(text).report == [] and not rules(text).personal
    assert triage(text).route is route


# --- Input that cannot be read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tengo fiebre y no puedo dormir", InputProblem.NOT_ENGLISH),  # three foreign words to one English
        ("je suis on proleukin", None),  # two foreign words to one English is not more than twice as many
        ("il2 dosing schedule por favor", None),  # one foreign word is not enough
        ("MRI 结果", None),  # 2 of 5 letters in another script: 40% is not more than 40%
    ],
)
def test_the_language_check_at_its_limits(text: str, problem: InputProblem | None) -> None:
    assert triage(text).problem is problem


def test_the_language_check_without_a_reading_judges_the_words() -> None:
    raw = "tengo fiebre y no puedo dormir"
    folded = fold(raw)
    assert input_problem(raw, normalise_folded(folded), folded) is InputProblem.NOT_ENGLISH
    assert input_problem(raw, normalise_folded(folded), folded, has_reading=True) is None


# --- Replies ------------------------------------------------------------------------------------------


def test_a_lead_of_exactly_the_margin_is_answered_directly(assistant: Assistant) -> None:
    # 0.2 - 0.17 is exactly the margin of 0.03 in floating point.
    outcome = assistant.answer_question([Candidate("about.what_is_il2", 0.2), Candidate("about.names", 0.17)])
    (reply,) = outcome.replies
    assert reply.kind == "answer" and reply.answer_id == "about.what_is_il2"
