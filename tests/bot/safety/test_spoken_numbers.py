"""Number words become digits before the readings are judged; ordinary words stay words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.safety.spoken_numbers import TEENS, TENS, UNITS, digits_for_number_words
from bot.safety.text import normalise


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("bp one eighty six over one twenty two", "bp 186 over 122"),
        ("temp is one oh one point five", "temp is 101.5"),
        ("sats eighty nine", "sats 89"),
        ("pulse thirty six", "pulse 36"),
        ("ninety eight point six", "98.6"),
        ("one hundred and two", "102"),
        ("eleven stone two on monday eleven stone eight today", "11 stone 2 on monday 11 stone 8 today"),
        ("up five pounds", "up 5 pounds"),
        ("three point five kilos", "3.5 kilos"),
        (
            "last wee about seven this morning its gone eight at night",
            "last wee about 7 this morning its gone 8 at night",
        ),
        ("nine hours without a wee", "9 hours without a wee"),
    ],
)
def test_spoken_readings_become_digits(said: str, written: str) -> None:
    assert digits_for_number_words(said) == written


@pytest.mark.parametrize(
    "text",
    [
        "no one told us",
        "the one on the left",
        "seeing two of everything",
        "one side of his face",
        "can i bring one of my own pillows",
        "is it a two week stay",
    ],
)
def test_ordinary_words_stay_words(text: str) -> None:
    assert digits_for_number_words(text) == text


def _spoken(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [next(w for w, v in UNITS.items() if v == hundreds)] if hundreds else []
    tens, units = divmod(rest, 10)
    if hundreds and rest < 10:
        words += ["oh", next(w for w, v in UNITS.items() if v == units)]
    elif 10 <= rest <= 19:
        words.append(next(w for w, v in TEENS.items() if v == rest))
    else:
        words += [next(w for w, v in TENS.items() if v == tens * 10)]
        if units:
            words.append(next(w for w, v in UNITS.items() if v == units))
    return " ".join(words)


@given(st.integers(min_value=101, max_value=299).filter(lambda n: n % 100 != 0))
def test_a_number_said_the_way_a_reading_is_read_out_is_that_number(n: int) -> None:
    # "one eighty six" is 186, "one oh one" is 101, as people read a cuff or a thermometer aloud.
    assert digits_for_number_words(f"reading {_spoken(n)} now") == f"reading {n} now"


def test_normalising_turns_number_words_into_digits() -> None:
    assert normalise("Sats EIGHTY-NINE on the finger clip") == "sats 89 on the finger clip"
