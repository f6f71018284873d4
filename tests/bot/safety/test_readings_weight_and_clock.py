"""Weight changes and clock times read from a patient's message, judged against data/safety/readings.yml.

A weight gain of 2 kg or more is an emergency (a sign of capillary leak); so is 8 hours or more without
urine. Any other reading still goes to the care team.
"""

from __future__ import annotations

import pytest

from bot.safety.lexicon import lexicon
from bot.safety.readings import find_readings
from bot.safety.text import normalise


def readings(text: str, kind: str) -> list[tuple[float, bool]]:
    """The value and emergency judgement of every reading of one kind in a message."""
    return [(r.value, r.emergency) for r in find_readings(normalise(text), lexicon().readings) if r.kind == kind]


@pytest.mark.parametrize(
    ("text", "kg", "emergency"),
    [
        ("put on 2 lbs", 0.9, False),
        ("gained 1 kg", 1.0, False),
    ],
)
def test_a_small_weight_gain_is_still_a_reading_for_the_care_team(text: str, kg: float, emergency: bool) -> None:
    assert readings(text, "weight_gain") == [(kg, emergency)]


@pytest.mark.parametrize(
    ("text", "kg", "emergency"),
    [
        ("82.6 kg today, 79.2 kg yesterday", 3.4, True),
        ("180 lbs on monday, 185 lbs today", 2.3, True),
        ("80 kg on monday and 81 kg today", 1.0, False),
        ("80 kg on monday and 82 kg today", 2.0, True),  # exactly the threshold
    ],
)
def test_the_change_between_two_weighings_in_kg(text: str, kg: float, emergency: bool) -> None:
    assert readings(text, "weight_gain") == [(kg, emergency)]


@pytest.mark.parametrize(
    ("text", "kg", "emergency"),
    [
        ("82 kg on monday and 85 today", 3.0, True),
        ("180 lb yesterday, 183 today", 1.4, False),
    ],
)
def test_a_second_weight_without_a_unit_takes_the_unit_of_the_first(text: str, kg: float, emergency: bool) -> None:
    assert readings(text, "weight_gain") == [(kg, emergency)]


def test_weights_in_kilos_and_pounds_are_compared_in_kg() -> None:
    assert readings("80 kg at the clinic, my scale says 180 lbs", "weight_gain") == [(1.6, False)]


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("25 kg on monday, 28 kg today", 3.0),
        ("28 kg on monday, 25 kg today", 3.0),
        ("250 kg on monday, 247 kg today", 3.0),
        ("247 kg on monday, 250 kg today", 3.0),
        ("4st 2 on monday and 4st 8 today", 2.7),
        ("30 st on monday, 30 st 5 today", 2.3),
    ],
)
def test_the_lightest_and_heaviest_body_weights_still_count(text: str, kg: float) -> None:
    assert readings(text, "weight_gain") == [(kg, True)]


@pytest.mark.parametrize("text", ["my son is 20 kg and i am 80 kg", "i am 80 kg and my son is 20 kg"])
def test_a_weight_that_is_not_a_body_weight_is_no_weight_change(text: str) -> None:
    assert readings(text, "weight_gain") == []


@pytest.mark.parametrize(
    ("text", "kg", "emergency"),
    [
        ("12st 4 yesterday and 12st 9 today", 2.3, True),
        ("12 stone on monday, 12 stone 5 today", 2.3, True),
        ("12st 10 on monday and 13st today", 1.8, False),
    ],
)
def test_weight_changes_in_stones_and_pounds(text: str, kg: float, emergency: bool) -> None:
    assert readings(text, "weight_gain") == [(kg, emergency)]


@pytest.mark.parametrize(
    "text",
    [
        "last peed at 6am and its 10 tonight",
        "last peed at 6am and its 10 in the evening",
        "last peed at 6am and its 10 in evening",
    ],
)
def test_evening_words_make_a_clock_time_pm(text: str) -> None:
    assert readings(text, "urine") == [(16.0, True)]


@pytest.mark.parametrize(
    "text",
    [
        "last peed at quarter past 6 this morning and its 2:15pm now",
        "last peed at half 6 this morning and its 2:30pm now",
        "last peed at quarter to 7 this morning, its 2:45pm now",
    ],
)
def test_exactly_eight_hours_without_urine_between_quarter_and_half_hours_is_an_emergency(text: str) -> None:
    assert readings(text, "urine") == [(8.0, True)]
