"""How long the safety check takes on adversarial input as long as a channel accepts (`make eval`).

Timing belongs in a benchmark, not a test: it prints and records figures. Each input is checked
several times and its fastest run counts, so a busy machine does not inflate the figure.
"""

from __future__ import annotations

import random
import string
import time

from bot.safety.lexicon import lexicon
from bot.safety.text import MAX_SCAN_CHARS
from bot.safety.triage import triage

BUDGET_MS = 5.0
REPEATS = 25
"""Runs per input; the fastest is the cost of the check itself (on a shared 2-core machine 7 runs still
varied from 4.2 to 7.3 ms for the same input and code)."""


def adversarial_inputs(length: int = MAX_SCAN_CHARS) -> dict[str, str]:
    """Inputs built to make pattern matching slow, each `length` characters long."""
    rng = random.Random(2026)
    words = sorted({w.rstrip("*") for members in lexicon().classes.values() for m in members for w in m.split()})

    def repeat(unit: str) -> str:
        return (unit * (length // len(unit) + 1))[:length]

    return {
        "one letter": "a" * length,
        "spaces": " " * length,
        "red flag words": repeat("chest pain "),
        "varied red flags": " ".join(f"chest pain {i}" for i in range(length))[:length],
        "vocabulary words": " ".join(rng.choice(words) for _ in range(length))[:length],
        "printable noise": "".join(rng.choice(string.printable) for _ in range(length)),
        "angle brackets": repeat("< a "),
        "tags": repeat("<b>"),
        "readings": repeat("bp 80/50 temp 38.5 "),
        "clock times": repeat("last peed at 6am its 7pm "),
        "conditionals": repeat("if i "),
        "commas": repeat(", "),
        "hyphens": repeat("a-"),
        "zero-width": repeat("c\u200bh"),
        "look-alikes": "\u0441" * length,
        "emoji": "\U0001f602" * length,
        "other script": "\u767d" * length,
    }


def _fastest_ms(text: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        triage(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def measure() -> dict[str, float]:
    """Milliseconds per input (fastest of several runs), slowest first."""
    triage("warm up")  # loads the data and the net once
    timings = {name: round(_fastest_ms(text), 2) for name, text in adversarial_inputs().items()}
    return dict(sorted(timings.items(), key=lambda item: -item[1]))
