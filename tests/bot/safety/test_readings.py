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
        # read out loud or dictated
        ("dads cuff says one eighty six over one twenty two", [("blood_pressure", True)]),
        ("temp is one oh one point five", [("temperature", True)]),
        ("grandads pulse on the finger thing is thirty six", [("pulse", True)]),
        ("sats eighty nine on the finger clip", [("oxygen", True)]),
        ("bp one twelve over seventy", [("blood_pressure", False)]),
        ("eleven stone two on monday and eleven stone eight today", [("weight_gain", True)]),
        # clinical shorthand for urine
        ("last void 5am, its 8pm now", [("urine", True)]),
        ("output about 90 ml since midnight", [("urine", True)]),
        ("wt 82.9 today (Wed), was 79.6 Mon", [("weight_gain", True)]),
        ("gained half a stone since sunday", [("weight_gain", True)]),
        ("the oxygen clip thing on my finger is saying 87", [("oxygen", True)]),
        # centimetres of mercury, as much of Europe and Latin America writes it
        ("tension 12/8 today, is normal?", [("blood_pressure", False)]),
        ("tension 8/5 this morning", [("blood_pressure", True)]),
        ("her pressure is 18,5 over 11", [("blood_pressure", True)]),
        ("UOP total 110 ml in the last 24h", [("urine", True)]),
        ("about 100 mils of wee all day", [("urine", True)]),
    ],
)
def test_readings_and_their_thresholds(text: str, expected: list[tuple[str, bool]]) -> None:
    assert readings(text) == expected


def test_a_weight_change_in_either_order_counts() -> None:
    assert readings("82.6 kg today, 79.2 kg yesterday") == [("weight_gain", True)]


@pytest.mark.parametrize(
    "text",
    [
        "i am 74 years old",
        "cycle 2 starts on the 14th",
        "room 12/3",
        "bp check on 8/5 at the clinic",
        "gained weight over 3 months",
        "i went running for 35 minutes",
        "been running 40 km a week before treatment",
    ],
)
def test_numbers_that_are_not_readings(text: str) -> None:
    assert readings(text) == []


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("last peed at 6am and its 2pm now", 8.0),
        ("last wee was at 5 this morning and it's now half 7 at night", 14.5),
        ("last peed at 6:30am its 7pm now", 12.5),
        ("last pee at quarter past 9 this morning and now its 1 in the afternoon", 3.8),
        ("last peed at 11pm and its 7am now", 8.0),
        ("last went to the toilet at 12pm and its now 1pm", 1.0),
        ("last peed at quarter to 8 this morning, its 8 this evening", 12.2),
        ("last pee was at 0600 and its now 1930", 13.5),  # 24-hour times
        ("last peed 22:15, its 06:45 now", 8.5),
        ("last peed at 0600 and its 7pm now", 13.0),
    ],
)
def test_hours_without_urine_from_clock_times(text: str, hours: float) -> None:
    (reading,) = [r for r in find_readings(normalise(text), lexicon().readings) if r.kind == "urine"]
    assert reading.value == pytest.approx(hours, abs=0.05)
    assert reading.emergency is (hours >= 8)


@pytest.mark.parametrize(
    ("text", "kg"),
    [("gained 4 lb", 1.8), ("up 1 stone", 6.4), ("put on 3 kg", 3.0), ("gained 11 pounds", 5.0)],
)
def test_weight_units(text: str, kg: float) -> None:
    (reading,) = find_readings(normalise(text), lexicon().readings)
    assert reading.value == pytest.approx(kg, abs=0.05)


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        ("systolic 89", True),
        ("systolic 90", False),
        ("bp 179", False),
        ("bp 180", True),
        ("diastolic 119", False),
        ("diastolic 120", True),
        ("100/100", False),  # not a blood pressure: the top number must be the larger
    ],
)
def test_blood_pressure_thresholds_one_number_at_a_time(text: str, emergency: bool) -> None:
    found = find_readings(normalise(text), lexicon().readings)
    if text == "100/100":
        assert [r.kind for r in found] == []
    else:
        assert [(r.kind, r.emergency) for r in found] == [("blood_pressure", emergency)]
        assert found[0].value == float(text.split()[-1])


def test_skipping_a_kind_without_its_words_never_loses_a_reading(monkeypatch) -> None:
    # The scan of a kind is skipped when none of its words is in the message (for speed); on every
    # message of the dev benchmarks the readings found must be exactly those of a full scan.
    from bot.safety import readings as module
    from bot.safety.net import BENCHMARKS
    from evaluation.safety_sets import load_part

    texts = [normalise(c.text) for path in BENCHMARKS for c in load_part(path)]
    texts += [normalise(t) for t in ("bp 84/52", "pulse ox 88", "82kg to 85kg", "12st 4 to 12st 9", "last wee 6am")]
    rules = lexicon().readings
    guarded = [find_readings(t, rules) for t in texts]
    monkeypatch.setattr(module, "_NEEDS", {})
    assert guarded == [find_readings(t, rules) for t in texts]


@pytest.mark.parametrize(
    ("last", "now"),
    [(f"{h}:{m:02d}am", f"{h + 8 - 12}:{m:02d}pm") for h in (5, 6, 7, 9, 10, 11) for m in (5, 10, 20, 40, 50)],
)
def test_exactly_eight_hours_without_urine_is_an_emergency_whatever_the_minutes(last: str, now: str) -> None:
    (reading,) = [r for r in find_readings(normalise(f"last peed at {last} and its {now} now"), lexicon().readings)]
    assert reading.value == 8.0 and reading.emergency


def test_a_heavy_persons_weights_in_stone_are_compared_as_in_kilos() -> None:
    assert readings("31 stone 2 on monday, 31 stone 8 today") == [("weight_gain", True)]
