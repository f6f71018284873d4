"""Numbers patients read off a device: blood pressure, temperature, pulse, oxygen, weight, urine.

Each reading found in a normalised message is judged against the thresholds in
`data/safety/readings.yml` (with their sources). A reading beyond a threshold is an emergency; any
other reading of a person still goes to the care team, because the assistant never says a
person's number is fine. The expressions are linear (no nested repetition).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_NUM = r"(\d{1,3}(?:[.,]\d{1,2})?)"
_FILL = r"(?:[a-z%%,]+ ){0,%d}"

_BP = re.compile(r"(?<![\d.,])(\d{2,3}) (?:/|over) (\d{2,3})(?![\d.,/])")
_BP_SYSTOLIC = re.compile(
    r"\b(?:systolic|sys|top number|bp|blood pressure|pressure) (?:[a-z]+ ){0,3}(\d{2,3})(?![\d.,/])"
)
_CM_PRESSURE_WORDS = ("tension", "tensao", "pression", "pressao", "ta")
"""Words for blood pressure in the languages that give it in cmHg ("tension 12/8")."""
_BP_CM = re.compile(
    r"\b(?:(?:"
    + "|".join(_CM_PRESSURE_WORDS)
    + r") (?:[a-z]+ ){0,3}?|(?:pressure|bp) (?:is |was |of |at |about |around )?)"
    r"(\d{1,2}(?:[.,]\d)?) (?:/|over|by|por|x) (\d{1,2}(?:[.,]\d)?)(?![\d.,/])"
)
"""Centimetres of mercury, as much of Europe and Latin America says it ("tension 12/8" is 120/80);
only right after a pressure word, so a date ("bp check on 8/5") is never a reading."""
_BP_DIASTOLIC = re.compile(r"\b(?:diastolic|dia|bottom number) (?:[a-z]+ ){0,3}(\d{2,3})(?![\d.,/])")
_TEMP_WORD = re.compile(
    r"\b(?:temp|temps|temperature|tempature|temprature|fever|feaver|thermometer|temp is|running) "
    + (_FILL % 4)
    + _NUM
    + r"(?![\d/])"
    # "went running for 35 minutes" is exercise, not a temperature of 35 C
    + r"(?! ?(?:min|mins|minute|minutes|km|kms|k|mile|miles|laps|lap|hours|hour|hrs|hr|secs|seconds|m|metres|meters)\b)"
)
_TEMP_UNIT = re.compile(
    r"(?<![\d.,])" + _NUM + r" ?(?:deg|degrees|degree|f|c|fahrenheit|farenheit|celsius|celcius|centigrade)\b"
)
_BARE = re.compile(r"^" + _NUM + r"(?: [?!.])*$")
_DECIMAL_TEMP = re.compile(
    r"(?<![\d.,/])(3[4-9][.,]\d|4[0-2][.,]\d|9[3-9][.,]\d|10[0-8][.,]\d)(?![\d.,/])"
    r"(?! ?(?:kg|kgs|kilo|kilos|lb|lbs|pounds|ml|mls|mg|cm|st|stone|%|percent|k|mmol|units))"
)
_PULSE = re.compile(
    r"\b(?:pulse|heart rate|heartrate|hr|heart|heartbeat|resting|watch|fitbit|bpm) "
    + (_FILL % 6)
    + r"(\d{2,3})(?![\d.,/%])"
)
_PULSE_UNIT = re.compile(r"(?<![\d.,])(\d{2,3}) ?(?:bpm|beats|resting|beat)\b")
_OXYGEN_WORDS = (
    # with the misspellings patients type ("oxigen machine say 87")
    "sats sat saturation saturations spo2 sp02 spo o2 oxygen oxigen oxygin oxegen oximeter oxymeter oximetor ox "
    "pulse_ox pulseox finger_thing finger_clip finger_monitor finger_probe finger_gadget"
).split()
_OXYGEN = re.compile(
    r"\b(?:"
    + "|".join(w.replace("_", " ") for w in _OXYGEN_WORDS)
    + ") "
    + (_FILL % 8)
    + r"(?:(?:[01]?\d|2[0-3]) [0-5]\d "
    + (_FILL % 4)
    + r")?(\d{2,3})(?![\d.,/])(?! [0-5]\d\b)"
)
"""The level, after a clock time if one comes first ("sats at 22 00 were 88"), never its hour."""
_OXYGEN_UNIT = re.compile(r"(?<![\d.,])(\d{2,3}) ?% ?(?:oxygen|o2|sats|sat|spo2|saturation)")
_WEIGHT_UNITS = r"(lbs|lb|pounds|pound|kg|kgs|kilos|kilo|kilograms|st|stone)"
_PAIR_UNITS = r"(kg|kgs|kilos|kilo|kilograms|lbs|lb|pounds)"
_WEIGHT_GAIN = re.compile(
    r"\b(?:up|gained|gain|gaining|put on|putting on|increase|increased|heavier|went up|gone up|jumped) "
    + (_FILL % 3)
    + _NUM
    + r" ?"
    + _WEIGHT_UNITS
    + r"\b"
)
_WEIGHT_PAIR = re.compile(
    r"(?<![\d.,])" + _NUM + r" ?" + _PAIR_UNITS + r" " + (_FILL % 8) + _NUM + r"(?: ?" + _PAIR_UNITS + r")?(?![\d.,])"
)
_FILL_ACROSS = r"(?:(?:[a-z%%,.]+|\d{4}|\d{1,2}[:.]\d{2}|\d{1,2} ?(?:am|pm)) ){0,%d}"
"""Words, clock times ("0700", "7.30", "7am") and full stops: a log of weighings spans sentences."""
_WEIGHT_LOG = re.compile(
    r"(?<![\d.,])" + _NUM + r" ?" + _PAIR_UNITS + r" " + (_FILL_ACROSS % 8) + _NUM + r" ?" + _PAIR_UNITS + r"(?![\d.,])"
)
"""Two weighings with their units, sentences apart ("0700 yesterday 82.1 kg. 0700 today 85.0 kg"); both
units are needed, so a dose in the next sentence ("80kg. can I take 100 mg?") is never a weight."""
_STONE_PAIR = re.compile(
    r"(?<![\d.,])(\d{1,2}) ?st(?:one)? ?(\d{1,2})? (?:lbs? |pounds? )?"
    + (_FILL % 10)
    + r"(\d{1,2}) ?st(?:one)? ?(\d{1,2})?"
)
_WEIGHED_PAIR = re.compile(
    r"\b(?:weigh|weighed|weighs|weighing|weight|wt|scale|scales) "
    + (_FILL % 3)
    + r"(\d{2,3}(?:[.,]\d)?) "
    + (_FILL % 8)
    + r"(\d{2,3}(?:[.,]\d)?)(?![\d.,])"
)
_LONG_AGO = re.compile(r"\b(?:month|months|year|years)\b")
_URINE_WORD_LIST = (
    "pee peed peeing wee weed weeing urine urin piss urinated urinating urinate toilet bathroom loo water jug urinal "
    "bag bottle output uop void voided voiding catheter foley"
).split()
_URINE_WORDS = "(?:" + "|".join(_URINE_WORD_LIST) + ")"
_URINE_HOURS = re.compile(
    r"\b" + _URINE_WORDS + r" " + (_FILL % 6) + r"(\d{1,2}) ?(?:hours|hrs|hr|h)\b"
    r"|\b(\d{1,2}) ?(?:hours|hrs|hr|h) " + (_FILL % 5) + _URINE_WORDS + r"\b"
)
_URINE_ML = re.compile(r"(?<![\d.,])(\d{1,4}) ?(?:ml|mls|mil|mils|millilitres|milliliters|millilitre|milliliter|cc)\b")
_URINE_CONTEXT = re.compile(r"\b" + _URINE_WORDS + r"\b")
_FLUID_OUT = re.compile(
    r"\bin [\d.,]+ ?(?:l|ml|mls|litres|litre|liters|liter)\b ,? (?:[a-z]+ ){0,2}?out (\d{1,4}) ?(?:ml|mls|cc)\b"
)
""""in 1.8 l, out 60 ml": a fluid chart's output is urine, though no word says so."""
_CLOCK = r"(half |quarter past |quarter to )?(\d{1,2})(?: (\d\d))? ?(am|pm|this morning|in the morning|in morning|at night|tonight|this evening|in the evening|in evening|this afternoon|in the afternoon|in afternoon|o clock)"
_CLOCK_24 = r"([01]\d|2[0-3]) ?([0-5]\d)(?: ?h| ?hrs| hours)?\b"
"""A 24-hour time ("0600", "19 30" as "19:30" normalises), tried after the 12-hour form."""
_ANY_CLOCK = f"(?:{_CLOCK}|{_CLOCK_24})"
_CLOCK_LAST = re.compile(
    r"\blast (?:[a-z]+ ){0,3}?(?:peed|pee|wee|weed|went|urinated|passed water|passed urine|urine|toilet|pees|wees|void|voided) "
    + r"(?:[a-z,]+ ){0,5}?"  # lazy: "at half 7" keeps its "half"
    + r"(?:at |was at |was )?"
    + _ANY_CLOCK
)
_CLOCK_NOW = re.compile(r"\b(?:its|it is|now|nearly|almost) (?:[a-z]+ ){0,3}?" + _ANY_CLOCK)

LB_PER_KG = 2.2046
LB_PER_STONE = 14


@dataclass(frozen=True)
class Reading:
    """One number a person reported, and whether it is beyond its emergency threshold."""

    kind: str
    value: float
    emergency: bool
    start: int
    end: int


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _celsius(value: float) -> float | None:
    if 33.0 <= value <= 43.5:
        return value
    if 91.0 <= value <= 110.0:
        return (value - 32) * 5 / 9
    return None


def _pressure_pairs(clean: str) -> Iterator[tuple[int, int, int, int]]:
    """(systolic, diastolic, start, end) of every "top/bottom" pair, in mmHg (cmHg pairs times ten)."""
    for match in _BP.finditer(clean):
        yield int(match.group(1)), int(match.group(2)), *match.span()
    for match in _BP_CM.finditer(clean):
        top, bottom = (round(float(g.replace(",", ".")) * 10) for g in match.groups())
        yield top, bottom, *match.span()


def _blood_pressure(clean: str, rule: dict[str, Any]) -> Iterator[Reading]:
    limits = rule["emergency_if"]
    found = False
    for systolic, diastolic, start, end in _pressure_pairs(clean):
        if 50 <= systolic <= 280 and 20 <= diastolic <= 180 and systolic > diastolic:
            found = True
            danger = (
                systolic < limits["systolic_below"]
                or systolic >= limits["systolic_at_least"]
                or diastolic >= limits["diastolic_at_least"]
            )
            yield Reading("blood_pressure", systolic, danger, start, end)
    if found:
        return
    for match in _BP_SYSTOLIC.finditer(clean):
        systolic = int(match.group(1))
        if 50 <= systolic <= 280:
            danger = systolic < limits["systolic_below"] or systolic >= limits["systolic_at_least"]
            yield Reading("blood_pressure", systolic, danger, *match.span())
    for match in _BP_DIASTOLIC.finditer(clean):
        diastolic = int(match.group(1))
        if 20 <= diastolic <= 180:
            yield Reading("blood_pressure", diastolic, diastolic >= limits["diastolic_at_least"], *match.span())


def _temperature(clean: str, rule: dict[str, Any]) -> Iterator[Reading]:
    limits = rule["emergency_if"]
    matches = list(_TEMP_WORD.finditer(clean)) + list(_TEMP_UNIT.finditer(clean)) + list(_DECIMAL_TEMP.finditer(clean))
    for match in matches:
        celsius = _celsius(_number(match.group(1)))
        if celsius is not None:
            danger = celsius >= limits["celsius_at_least"] or celsius < limits["celsius_below"]
            yield Reading("temperature", round(celsius, 1), danger, *match.span())


def _pulse(clean: str, rule: dict[str, Any]) -> Iterator[Reading]:
    limits = rule["emergency_if"]
    for match in list(_PULSE.finditer(clean)) + list(_PULSE_UNIT.finditer(clean)):
        rate = int(match.group(1))
        if 25 <= rate <= 250:
            yield Reading("pulse", rate, rate >= limits["at_least"] or rate < limits["below"], *match.span())


def _oxygen(clean: str, rule: dict[str, Any]) -> Iterator[Reading]:
    for match in list(_OXYGEN.finditer(clean)) + list(_OXYGEN_UNIT.finditer(clean)):
        level = int(match.group(1))
        if 50 <= level <= 100:
            yield Reading("oxygen", level, level <= rule["emergency_if"]["at_most"], *match.span())


def _kg(value: float, unit: str) -> float:
    if unit.startswith(("lb", "pound")):
        return value / LB_PER_KG
    if unit.startswith("st"):
        return value * LB_PER_STONE / LB_PER_KG
    return value


def _weight(clean: str, rule: dict[str, Any]) -> Iterator[Reading]:
    limit = rule["emergency_if"]["kg_at_least"]
    if _LONG_AGO.search(clean):
        return  # a gain over months is not the fast gain this threshold is about
    for match in _WEIGHT_GAIN.finditer(clean):
        gain = _kg(_number(match.group(1)), match.group(2))
        if 0 < gain < 40:
            yield Reading("weight_gain", round(gain, 1), gain >= limit, *match.span())
    for match in (*_WEIGHT_PAIR.finditer(clean), *_WEIGHT_LOG.finditer(clean)):
        unit = match.group(2)
        first, second = _kg(_number(match.group(1)), unit), _kg(_number(match.group(3)), match.group(4) or unit)
        if 25 <= first <= 250 and 25 <= second <= 250:
            # Which came first is often unclear ("82 today, 79 yesterday"); a fast loss is as worrying.
            change = abs(second - first)
            yield Reading("weight_gain", round(change, 1), change >= limit, *match.span())
    for match in _WEIGHED_PAIR.finditer(clean):
        first, second = _number(match.group(1)), _number(match.group(2))
        unit = "lb" if max(first, second) > 150 else "kg"  # no unit given: a body weight over 150 is pounds
        change = abs(_kg(second, unit) - _kg(first, unit))
        if change < 25:
            yield Reading("weight_gain", round(change, 1), change >= limit, *match.span())
    for match in _STONE_PAIR.finditer(clean):
        first = int(match.group(1)) * LB_PER_STONE + int(match.group(2) or 0)
        second = int(match.group(3)) * LB_PER_STONE + int(match.group(4) or 0)
        if 4 <= int(match.group(1)) <= 39:  # 25-250 kg, as for kilos and pounds
            gain = (second - first) / LB_PER_KG
            yield Reading("weight_gain", round(gain, 1), gain >= limit, *match.span())


def _hours_between(last: re.Match[str], now: re.Match[str]) -> float:
    def clock(m: re.Match[str]) -> float:
        if m.group(5) is not None:  # a 24-hour time
            return int(m.group(5)) + int(m.group(6)) / 60
        part, hour, minutes, marker = m.group(1) or "", int(m.group(2)), int(m.group(3) or 0), m.group(4)
        afternoon = marker in ("pm", "at night", "tonight", "this evening", "in the evening", "in evening") or (
            "afternoon" in marker
        )
        hour = hour % 12 + (12 if afternoon else 0)
        offset = {"half ": 0.5, "quarter past ": 0.25, "quarter to ": -0.25}.get(part, 0.0)
        return hour + minutes / 60 + offset

    return (clock(now) - clock(last)) % 24


def _urine(clean: str, rule: dict[str, Any]) -> Iterator[Reading]:
    limits = rule["emergency_if"]
    for match in _URINE_HOURS.finditer(clean):
        hours = int(match.group(1) or match.group(2))
        if 1 <= hours <= 72:
            yield Reading("urine", hours, hours >= limits["hours_without_at_least"], *match.span())
    last, now = _CLOCK_LAST.search(clean), _CLOCK_NOW.search(clean)
    if last and now:
        elapsed = round(_hours_between(last, now) * 60) / 60  # whole minutes: 8 hours is 8.0, not 7.999...
        yield Reading("urine", round(elapsed, 1), elapsed >= limits["hours_without_at_least"], *last.span())
    for match in _FLUID_OUT.finditer(clean):
        volume = int(match.group(1))
        yield Reading("urine", volume, volume < limits["ml_per_day_below"], *match.span())
    if _URINE_CONTEXT.search(clean):
        for match in _URINE_ML.finditer(clean):
            volume = int(match.group(1))
            if 0 <= volume <= 5000:
                yield Reading("urine", volume, volume < limits["ml_per_day_below"], *match.span())


_NEEDS = {
    "blood_pressure": frozenset(
        [*"/ over systolic sys top bp blood pressure diastolic dia bottom".split(), *_CM_PRESSURE_WORDS]
    ),
    "pulse": frozenset("pulse heart heartrate hr heartbeat resting watch fitbit bpm beats beat".split()),
    "oxygen": frozenset({w.split("_")[0] for w in _OXYGEN_WORDS} | {"%"}),
    "weight_gain": frozenset(
        "lbs lb pounds pound kg kgs kilos kilo kilograms st stone weigh weighed weighs weighing weight wt scale "
        "scales".split()
    ),
    "urine": frozenset({*_URINE_WORD_LIST, "last", "out"}),  # "last" starts every clock time, "out" a fluid chart
}
"""Words one of which every expression of a kind needs (temperature has none: a bare "38.6" counts).
A test checks each list against its expressions."""

_PARSERS = {
    "blood_pressure": _blood_pressure,
    "temperature": _temperature,
    "pulse": _pulse,
    "oxygen": _oxygen,
    "weight_gain": _weight,
    "urine": _urine,
}


def find_readings(clean: str, rules: dict[str, dict[str, Any]]) -> list[Reading]:
    """Every reading in a normalised message, judged against `rules` (data/safety/readings.yml)."""
    found: list[Reading] = []
    if not any(c.isdigit() for c in clean):
        return found  # every reading has a number
    words = set(clean.split(" "))
    seen: set[tuple[str, float]] = set()
    for kind, parse in _PARSERS.items():
        needed = _NEEDS.get(kind)
        if needed is not None and not words & needed:
            continue  # every expression of this kind needs one of these words: skip its scan
        for reading in parse(clean, rules[kind]):
            if (kind, reading.value) not in seen:  # several expressions can find the same number
                seen.add((kind, reading.value))
                found.append(reading)
    return found
