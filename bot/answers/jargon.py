"""Medical words an answer must explain where it first uses them (`data/jargon.yml`).

Readability scores count syllables, not meaning: "a PICC line" reads as easy but tells a patient
nothing. So each listed term needs a plain explanation in the first sentence that uses it, or the one just before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class JargonTerm:
    """One term and the words that show it was explained."""

    term: str
    explained_by: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        """Abbreviations match with their case (CT, not "act"); words in any case, plural too."""
        flags = 0 if self.term.isupper() else re.IGNORECASE
        return re.compile(rf"\b{re.escape(self.term)}", flags)


def load_jargon(path: Path) -> list[JargonTerm]:
    """The reviewed list of terms."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [JargonTerm(str(term), tuple(str(w).lower() for w in words)) for term, words in data["terms"].items()]


def unexplained(text: str, terms: list[JargonTerm]) -> list[str]:
    """Terms explained neither in the first sentence using them nor the one before ("This is called X.")."""
    sentences = _SENTENCE.split(text)
    problems = []
    for term in terms:
        pattern = term.pattern()
        at = next((i for i, s in enumerate(sentences) if pattern.search(s)), None)
        if at is None:
            continue
        nearby = " ".join(sentences[max(at - 1, 0) : at + 1]).lower()
        if not any(word in nearby for word in term.explained_by):
            problems.append(f"uses '{term.term}' without explaining it: \"{sentences[at]}\"")
    return problems
