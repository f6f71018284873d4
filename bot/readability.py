"""Reading-grade check for patient-facing text (medical safety rule 4: plain language)."""

from __future__ import annotations

import re

import textstat

MAX_GRADE = 8.0
"""US school grade no answer may exceed; we aim for about 6."""

_URL = re.compile(r"https?://\S+")


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of `text`, ignoring web addresses (they are not read as words)."""
    return float(textstat.flesch_kincaid_grade(_URL.sub("", text)))


def is_plain_enough(text: str) -> bool:
    """True when `text` reads at or below :data:`MAX_GRADE`."""
    return reading_grade(text) <= MAX_GRADE
