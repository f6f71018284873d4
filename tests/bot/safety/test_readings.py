"""Readings off a device, judged against data/safety/readings.yml."""

from __future__ import annotations

import pytest

from bot.safety.lexicon import lexicon
from bot.safety.readings import find_readings
from bot.safety.text import normalise


def readings(text: str) -> list[tuple[str, bool]]:
    return [(r.kind, r.emergency) for r in find_readings(normalise(text), lexicon().readings)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bp 84/52", [("blood_pressure", True)]),
        ("120 over 80", [("blood_pressure", False)]),
        ("89/60", [("blood_pressure", True)]),
        ("90/60", [("blood_pressure", False)]),
        ("180/100", [("blood_pressure", True)]),
        ("179/119", [("blood_pressure", False)]),
        ("150/120", [("blood_pressure", True)]),
        ("systolic 85", [("blood_pressure", True)]),
        ("temp 101.3", [("temperature", True)]),
        ("temp 100.4F", [("temperature", True)]),
        ("temp 100.3F", [("temperature", False)]),
        ("38,6 degrees", [("temperature", True)]),
        ("37.9", [("temperature", False)]),
        ("38.0", [("temperature", True)]),
        ("35.5 and shivering", [("temperature", True)]),
        ("pulse 120", [("pulse", True)]),
        ("pulse 119", [("pulse", False)]),
        ("heart rate of 38", [("pulse", True)]),
        ("spo2 92", [("oxygen", True)]),
        ("sats 93%", [("oxygen", False)]),
        ("gained 2 kg", [("weight_gain", True)]),
        ("gained 1.9 kg", [("weight_gain", False)]),
        ("up 5 lbs", [("weight_gain", True)]),
        ("up 4 lbs", [("weight_gain", False)]),
        ("12st 4 yesterday and 12st 9 today", [("weight_gain", True)]),
        ("havent peed for 8 hours", [("urine", True)]),
        ("no wee for 7 hours", [("urine", False)]),
        ("only 150 ml of pee since breakfast", [("urine", True)]),
        ("last peed at 6am and its 2pm now", [("urine", True)]),
        ("last peed at 9am and its 2pm now", [("urine", False)]),
    ],
)
def test_readings_and_their_thresholds(text: str, expected: list[tuple[str, bool]]) -> None:
    assert readings(text) == expected


def test_a_weight_change_in_either_order_counts() -> None:
    assert readings("82.6 kg today, 79.2 kg yesterday") == [("weight_gain", True)]


@pytest.mark.parametrize(
    "text", ["i am 74 years old", "cycle 2 starts on the 14th", "room 12/3", "gained weight over 3 months"]
)
def test_numbers_that_are_not_readings(text: str) -> None:
    assert readings(text) == []
