"""The reviewed safety data (`data/safety/*.yml`), loaded, checked and compiled once per process.

Medical knowledge lives in those files: red flags, urgent signs, personal decisions, everyday
symptoms, the who-and-when cues and the reading thresholds, each with its sources and with
examples that must and must not match. This module turns them into matchers and collects every
problem it finds (unknown word class, unknown source, a phrase that does not compile).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety.patterns import Matcher, PatternError, PhraseIndex
from bot.settings import PROJECT_ROOT

SAFETY_DIR = PROJECT_ROOT / "data" / "safety"
CONCEPT_FILES = ("red_flags.yml", "urgent.yml", "decisions.yml", "symptoms.yml")
TIERS = ("emergency", "urgent", "decision", "symptom")


@dataclass(frozen=True)
class Concept:
    """One red flag, urgent sign, decision framing or symptom group."""

    id: str
    tier: str
    matcher: Matcher
    always_personal: Matcher | None
    sources: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Everything the safety check knows, compiled."""

    concepts: tuple[Concept, ...]
    cues: dict[str, Matcher]
    readings: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, str]]
    classes: dict[str, list[str]] = field(repr=False)
    index: PhraseIndex = field(repr=False, default_factory=lambda: PhraseIndex(()))
    """Every phrase of every matcher above, by the words it can start with."""

    def tier(self, tier: str) -> tuple[Concept, ...]:
        """The concepts of one tier, in file order."""
        return tuple(c for c in self.concepts if c.tier == tier)


class SafetyDataError(ValueError):
    """The safety data has problems; all of them are listed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _matcher(name: str, phrases: list[str], classes: dict[str, list[str]], problems: list[str]) -> Matcher | None:
    try:
        return Matcher.build(name, phrases, classes)
    except PatternError as error:
        problems.append(f"{name}: {error}")
        return None


def load_lexicon(directory: Path = SAFETY_DIR) -> Lexicon:
    """Load and compile the safety data; raise SafetyDataError listing every problem."""
    problems: list[str] = []
    classes = {k: [str(w) for w in v] for k, v in _read(directory / "words.yml")["classes"].items()}
    sources = _read(directory / "sources.yml")["sources"]
    concepts = []
    seen: set[str] = set()
    for filename in CONCEPT_FILES:
        data = _read(directory / filename)
        tier = data.get("tier")
        if tier not in TIERS:
            problems.append(f"{filename}: unknown tier {tier!r}")
            continue
        for raw in data.get("concepts", []):
            cid = str(raw.get("id", ""))
            if not cid or cid in seen:
                problems.append(f"{filename}: missing or repeated id {cid!r}")
                continue
            seen.add(cid)
            for source in raw.get("sources") or []:
                if source not in sources:
                    problems.append(f"{cid}: unknown source {source!r}")
            if not raw.get("sources"):
                problems.append(f"{cid}: no source")
            if not raw.get("must_match"):
                problems.append(f"{cid}: no must_match examples")
            matcher = _matcher(cid, list(raw.get("phrases") or []), classes, problems)
            personal = raw.get("always_personal_phrases")
            always = _matcher(f"{cid}:always", list(personal), classes, problems) if personal else None
            if matcher is None:
                continue
            concepts.append(
                Concept(
                    id=cid,
                    tier=tier,
                    matcher=matcher,
                    always_personal=always,
                    sources=tuple(raw.get("sources") or ()),
                    must_match=tuple(raw.get("must_match") or ()),
                    must_not_match=tuple(raw.get("must_not_match") or ()),
                )
            )
    cues = {}
    for name, phrases in _read(directory / "context.yml")["cues"].items():
        matcher = _matcher(f"cue:{name}", list(phrases), classes, problems)
        if matcher is not None:
            cues[name] = matcher
    readings = _read(directory / "readings.yml")["readings"]
    for kind, rule in readings.items():
        for source in rule.get("sources") or []:
            if source not in sources:
                problems.append(f"reading {kind}: unknown source {source!r}")
        if not rule.get("sources"):
            problems.append(f"reading {kind}: no source")
    if problems:
        raise SafetyDataError(problems)
    matchers = [m for c in concepts for m in (c.matcher, c.always_personal) if m is not None] + list(cues.values())
    return Lexicon(
        concepts=tuple(concepts),
        cues=cues,
        readings=readings,
        sources=sources,
        classes=classes,
        index=PhraseIndex(matchers),
    )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The project's safety data, compiled on first use (not at import time)."""
    return load_lexicon()
