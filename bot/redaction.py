"""Redact private health information before anything a patient typed is kept (safety rule 5).

Removes what identifies a person or their results: contact details, dates, ID-like numbers,
measurements and names after "my name is"-style phrases. What is left is enough for a maintainer
to see which topic was asked about.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"https?://\S+"), "[link]"),
    (re.compile(r"(?:\+?\d[\s().-]*){7,}\d"), "[number]"),
    (re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"), "[date]"),
    (
        re.compile(
            r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?\b",
            re.IGNORECASE,
        ),
        "[date]",
    ),
    (
        re.compile(
            r"\b(?i:my name is|i am called|im called|i am|name's|this is|i'm|im|call me|my (?:dad|mom|mum|husband|wife|son|daughter|"
            r"partner|father|mother)(?:'s)? name is)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
        ),
        "[name]",
    ),
    (
        re.compile(
            r"\b(?:mrn|nhs|ssn|medical record|patient id|id)\s*(?:number|no\.?|#)?\s*[:#]?\s*\w*\d\w*", re.IGNORECASE
        ),
        "[id]",
    ),
    (re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|mg|mcg|ml|mmol|kg|lbs?|pounds|units?|iu|degrees|°)"), "[measure]"),
    (re.compile(r"\b\d+(?:\.\d+)?\b"), "[n]"),
)


def redact(text: str) -> str:
    """`text` with private details replaced by bracketed placeholders such as [name] or [n]."""
    redacted = text
    for pattern, replacement in _RULES:
        if pattern.groups:  # keep the lead-in ("my name is"), replace only the captured part
            redacted = pattern.sub(_keep_lead_in(replacement), redacted)
        else:
            redacted = pattern.sub(replacement, redacted)
    return redacted


def _keep_lead_in(replacement: str) -> Callable[[re.Match[str]], str]:
    def substitute(match: re.Match[str]) -> str:
        return match.group(0).replace(match.group(1), replacement)

    return substitute
