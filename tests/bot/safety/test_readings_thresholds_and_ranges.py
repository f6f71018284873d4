"""Readings at the edges of their thresholds and of what a device shows, units, and several readings at once.

Each number is judged against data/safety/readings.yml: blood pressure below 90 or from 180 on top, or from
120 underneath; temperature from 38 C or below 36 C; pulse from 120 or below 40; oxygen at 92% or lower;
8 hours or more without urine, or less than 400 ml of it.
"""

from __future__ import annotations

import pytest

from bot.safety.lexicon import lexicon
from bot.safety.readings import Reading, find_readings
from bot.safety.text import normalise


def _found(text: str) -> list[Reading]:
    return find_readings(normalise(text), lexicon().readings)


def _judged(text: str) -> list[tuple[str, bool]]:
    return [(r.kind, r.emergency) for r in _found(text)]


@pytest.mark.parametrize(
    ("text", "kind", "emergency"),
    [
        ("temp 33", "temperature", True),
        ("temp 43.5", "temperature", True),
        ("temp 91F", "temperature", True),
        ("temp 110F", "temperature", True),
        ("the cuff says 50/30", "blood_pressure", True),
        ("the cuff says 280/100", "blood_pressure", True),
        ("the cuff says 100/20", "blood_pressure", False),
        ("the cuff says 200/180", "blood_pressure", True),
        ("bp 50", "blood_pressure", True),
        ("bp 280", "blood_pressure", True),
        ("diastolic 20", "blood_pressure", False),
        ("diastolic 180", "blood_pressure", True),
        ("pulse 25", "pulse", True),
        ("pulse 250", "pulse", True),
        ("sats 50", "oxygen", True),
        ("sats 100%", "oxygen", False),
        ("no wee for 1 hr", "urine", False),
        ("havent peed for 72 hours", "urine", True),
        ("0 ml of pee today", "urine", True),
        ("5000 ml of urine today", "urine", False),
    ],
)
def test_a_number_at_either_end_of_what_a_device_shows_is_still_a_reading(
    text: str, kind: str, emergency: bool
) -> None:
    assert _judged(text) == [(kind, emergency)]


@pytest.mark.parametrize(
    ("text", "kind", "emergency"),
    [
        ("temp 36.0", "temperature", False),
        ("temp 35.9", "temperature", True),
        ("pulse 40", "pulse", False),
        ("pulse 39", "pulse", True),
        ("400 ml of pee today", "urine", False),
        ("399 ml of pee today", "urine", True),
    ],
)
def test_a_reading_exactly_at_a_lower_limit_is_not_beyond_it(text: str, kind: str, emergency: bool) -> None:
    assert _judged(text) == [(kind, emergency)]


@pytest.mark.parametrize(
    ("text", "celsius"),
    [("temp 100.5F", 38.1), ("temp 103 F", 39.4), ("temp 98.6 fahrenheit", 37.0), ("temp 37.6", 37.6)],
)
def test_a_temperature_is_read_in_celsius_to_a_tenth_of_a_degree(text: str, celsius: float) -> None:
    assert [r.value for r in _found(text)] == [celsius]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bp 130/85 this morning and 185/100 now", "blood_pressure"),
        ("temp 37.6 this morning, 38.4 now", "temperature"),
        ("pulse was 80 this morning and now heart rate 130", "pulse"),
        ("sats 96 earlier, now sats 89", "oxygen"),
        ("no wee for 5 hours yesterday, today its been 10 hours without a wee", "urine"),
        ("the catheter bag had 600 ml yesterday and only 200 ml today", "urine"),
    ],
)
def test_a_later_reading_beyond_its_threshold_is_not_lost_behind_an_earlier_one(text: str, kind: str) -> None:
    assert _judged(text) == [(kind, False), (kind, True)]


@pytest.mark.parametrize(
    "text",
    [
        "it has been 9 hours since i last peed",  # the hours before the urine word
        "its 3pm now and i havent peed for 9 hours",  # a clock time for now, none for the last time
    ],
)
def test_hours_without_urine_in_other_phrasings(text: str) -> None:
    assert _judged(text) == [("urine", True)]
