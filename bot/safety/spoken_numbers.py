"""Numbers written as words, as voice-to-text and many patients write them, turned into digits.

"bp one eighty six over one twenty two", "temp is one oh one point five", "sats eighty nine",
"eleven stone two", "ninety mls since breakfast", "last wee about seven this morning": the
readings (`bot.safety.readings`) are judged on digits, so the words become digits first.

Only what cannot be an ordinary word is turned: a ten or a teen ("eighty", "twelve"), a run of
number words ("one eighty six", "one oh one"), a number with "point", and a lone "one" to "nine"
only where a unit or a clock time follows ("five pounds", "seven this morning") or it comes after
"stone" or "over" ("eleven stone two", "one twenty over eighty"). "no one", "the one" and "two of
everything" stay words. One pass over the tokens: linear in the length of the message.
"""

from __future__ import annotations

import re

UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ZEROS = frozenset({"oh", "o", "zero"})
UNIT_WORDS = frozenset(
    """lb lbs pound pounds kg kgs kilo kilos kilograms stone st ml mls millilitres milliliters cc
    hours hrs hr h minutes mins percent % degrees deg f c bpm beats am pm oclock""".split()
)
"""Words after a lone "one" to "nine" that make it a number ("five pounds", "nine hours")."""
CLOCK_AFTER = (
    ("this", "morning"),
    ("this", "evening"),
    ("this", "afternoon"),
    ("at", "night"),
    ("in", "the", "morning"),
    ("in", "the", "evening"),
    ("in", "the", "afternoon"),
)
"""Word pairs after a lone "one" to "nine" that make it a clock time ("seven this morning")."""
LONE_AFTER = frozenset({"stone", "st", "over", "point"})
"""Words after which a lone "one" to "nine" is a number ("eleven stone two", "ninety over six")."""


_A_WEIGHT = re.compile(r"\b(up|gained|gain|on|heavier by) a (pound|lb|kilo|kg|stone)\b")
""""up a pound since yesterday": the "a" is the number of a weight gained."""


def _tens_part(words: list[str], i: int) -> tuple[int, int] | None:
    """(value, words used) of a number below 100 that starts with a ten or a teen, at `i`."""
    word = words[i] if i < len(words) else ""
    if word in TEENS:
        return TEENS[word], 1
    if word in TENS:
        following = words[i + 1] if i + 1 < len(words) else ""
        if following in UNITS:
            return TENS[word] + UNITS[following], 2
        return TENS[word], 1
    return None


def _whole(words: list[str], i: int) -> tuple[int, int, bool] | None:
    """(value, words used, unambiguous) of a whole number at `i`; a lone unit is ambiguous."""
    word = words[i]
    tens = _tens_part(words, i)
    if tens is not None:
        return tens[0], tens[1], True
    if word not in UNITS:
        return None
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if nxt == "hundred":
        value, used = UNITS[word] * 100, 2
        j = i + 2 + (1 if i + 2 < len(words) and words[i + 2] == "and" else 0)
        rest = _tens_part(words, j)
        if rest is not None:
            return value + rest[0], j - i + rest[1], True
        if j < len(words) and words[j] in UNITS:
            return value + UNITS[words[j]], j - i + 1, True
        return value, used, True
    if word in ("one", "two"):  # "one eighty six", "one twelve", "one oh one": a hundred and more
        rest = _tens_part(words, i + 1)
        if rest is not None:
            return UNITS[word] * 100 + rest[0], 1 + rest[1], True
        if nxt in ZEROS and i + 2 < len(words) and words[i + 2] in UNITS:
            return UNITS[word] * 100 + UNITS[words[i + 2]], 3, True
    return UNITS[word], 1, False


def _decimals(words: list[str], i: int) -> tuple[str, int]:
    """("5", words used) of the digits after "point" at `i`, or ("", 0)."""
    if i >= len(words) or words[i] != "point":
        return "", 0
    digits = ""
    j = i + 1
    while j < len(words) and len(digits) < 2 and (words[j] in UNITS or words[j] in ZEROS):
        digits += str(UNITS.get(words[j], 0))
        j += 1
    return (digits, j - i) if digits else ("", 0)


def _number_follows(words: list[str], i: int) -> bool:
    """Whether the words from `i` make the lone unit before them a number: a unit word or a clock time."""
    if i >= len(words):
        return False
    if words[i] in UNIT_WORDS:
        return True
    return any(tuple(words[i : i + len(time)]) == time for time in CLOCK_AFTER)


def digits_for_number_words(clean: str) -> str:
    """A normalised message with its number words written as digits (see module docstring)."""
    clean = _A_WEIGHT.sub(r"\1 1 \2", clean)
    words = clean.split(" ")
    if not any(w in UNITS or w in TEENS or w in TENS or w == "half" for w in words):
        return clean
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "half" and i + 2 < len(words) and words[i + 1] == "a" and words[i + 2] in UNIT_WORDS:
            out.append("0.5")  # "half a stone", "half a kilo"
            i += 2
            continue
        found = _whole(words, i)
        if found is None:
            out.append(words[i])
            i += 1
            continue
        value, used, certain = found
        decimals, decimal_words = _decimals(words, i + used)
        after = i + used + decimal_words
        lone_ok = bool(decimals) or _number_follows(words, after) or (bool(out) and out[-1] in LONE_AFTER)
        if not certain and not lone_ok:
            out.append(words[i])
            i += 1
            continue
        out.append(f"{value}.{decimals}" if decimals else str(value))
        i = after
    return " ".join(out)
