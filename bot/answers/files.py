"""Read and validate the curated answer files in `data/answers/*.yml`.

Validation collects every problem with a clear message, so a maintainer can fix them all at once;
callers apply nothing when there is any problem.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.answers.entries import SYSTEM_TOPIC, AnswerEntry, Source
from bot.answers.jargon import JargonTerm, load_jargon, unexplained
from bot.answers.source_policy import HARD_CODED_EMERGENCY_NUMBER, SourcePolicy, load_source_policy
from bot.readability import MAX_GRADE, reading_grade
from bot.settings import JARGON_FILE, SOURCE_KINDS_FILE
from bot.vocabulary import FOLLOW_UP_KEYS

MIN_EXAMPLES = 12
MAX_TITLE_LENGTH = 40
MAX_ANSWER_SENTENCES = 4
_ID = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")
_TOPIC = re.compile(r"^[a-z0-9_]+$")
_SENTENCE_END = re.compile(r"[.!?](\s|$)")
_WHEN_TO_CALL = re.compile(
    r"\b(call|tell your (nurse|team|care team|doctor)|tell a nurse|press the call button)\b", re.IGNORECASE
)
"""What an answer about a serious symptom must say: when and whom to call."""
PERSONAL_DOSE = re.compile(
    r"(?:\b(?:you|your)\b[^.!?]{0,60}?\b(?:take|use|get|give|need|dose is|should have)\b"
    r"|(?:^|[.!?]\s+)(?:take|use|give))"
    r"[^.!?]{0,40}?\d[\d,.]*\s*(?:mg|mcg|micrograms?|milligrams?|ml|units?|iu|miu|million units|tablets?|pills?"
    r"|capsules?|doses?)\b",
    re.IGNORECASE,
)
"""A dose told to the reader ("you should take 2 tablets", "Take 400 mg"): only their care team may (rule 1).
General facts ("IL-2 is given as 600,000 units per kg") are education and pass."""
_SAMPLE_PLACEHOLDERS = {
    "clinic_name": "your clinic",
    "clinic_phone": "555-0100",
    "clinic_hours": "9 to 5",
    "emergency_number": "911",
}


class AnswerFileError(Exception):
    """The answer files have problems; `problems` lists each one in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the answer files")
        self.problems = problems


@dataclass(frozen=True)
class _Rules:
    """The reviewed data every answer is checked against."""

    policy: SourcePolicy
    jargon: list[JargonTerm]


@dataclass
class _Collector:
    problems: list[str]

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _load_rules(source_kinds: Path = SOURCE_KINDS_FILE, jargon: Path = JARGON_FILE) -> _Rules:
    return _Rules(policy=load_source_policy(source_kinds), jargon=load_jargon(jargon))


def parse_entries(items: Iterable[tuple[Any, str, str, str]]) -> tuple[list[AnswerEntry], list[str]]:
    """Check answers that are not in a file yet (an import): the valid entries and every problem.

    Each item is (raw mapping, topic, topic title, where to name in problems, such as "new.csv:4").
    """
    collector = _Collector(problems=[])
    rules = _load_rules()
    entries = []
    for raw, topic, topic_title, where in items:
        entry = _parse_entry(raw, topic, topic_title, where, rules, collector)
        if entry is not None:
            entries.append(entry)
    return entries, collector.problems


def load_answer_files(
    directory: Path,
    source_kinds: Path = SOURCE_KINDS_FILE,
    jargon: Path = JARGON_FILE,
    *,
    locations: Mapping[str, str] | None = None,
) -> list[AnswerEntry]:
    """Parse and validate every `*.yml` in `directory`; raise AnswerFileError listing all problems.

    `source_kinds` is the reviewed publisher policy every answer's sources are checked against, and
    `jargon` the medical words an answer must explain where it first uses them. `locations` names
    where some answers came from (an import file and line), for the problems found across files.
    """
    collector = _Collector(problems=[])
    rules = _load_rules(source_kinds, jargon)
    entries: list[AnswerEntry] = []
    paths = sorted(directory.glob("*.yml"))
    if not paths:
        raise AnswerFileError([f"{directory}: no answer files (*.yml) found"])
    for path in paths:
        entries.extend(_parse_file(path, rules, collector))
    _check_across_files(entries, collector, locations or {})
    if collector.problems:
        raise AnswerFileError(collector.problems)
    return entries


def _parse_file(path: Path, rules: _Rules, collector: _Collector) -> list[AnswerEntry]:
    where = path.name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        collector.add(where, f"is not UTF-8 text (byte {error.start}); save it as UTF-8")
        return []
    except yaml.YAMLError as error:
        collector.add(where, f"is not valid YAML ({error})")
        return []
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        # PyYAML's own constructors fail this way on a bad tagged value (`!!int x`, `reviewed_on: 2026-02-30`).
        collector.add(where, f"has a value YAML cannot read ({type(error).__name__}: {error})")
        return []
    if not isinstance(document, dict) or not isinstance(document.get("answers"), list):
        collector.add(where, "must have 'topic', 'title' and a list of 'answers'")
        return []
    topic = str(document.get("topic", ""))
    if topic != path.stem or not _TOPIC.match(topic):
        collector.add(where, f"topic '{topic}' must be snake_case and equal the file name")
    topic_title = _text(document.get("title"))
    if not topic_title:
        collector.add(where, "missing topic 'title'")
    entries = []
    for position, raw in enumerate(document["answers"], start=1):
        entry = _parse_entry(raw, topic, topic_title, f"{where} answer #{position}", rules, collector)
        if entry is not None:
            entries.append(entry)
    return entries


def _parse_entry(
    raw: Any, topic: str, topic_title: str, where: str, rules: _Rules, collector: _Collector
) -> AnswerEntry | None:
    if not isinstance(raw, dict):
        collector.add(where, "must be a mapping of fields")
        return None
    answer_id = _text(raw.get("id"))
    where = f"{where} ({answer_id or 'no id'})"
    problems_before = len(collector.problems)
    if not _ID.match(answer_id) or not answer_id.startswith(f"{topic}."):
        collector.add(where, f"id must look like '{topic}.some_name' (lowercase, underscores)")
    title = _text(raw.get("title"))
    if not title or len(title) > MAX_TITLE_LENGTH:
        collector.add(where, f"title must be 1-{MAX_TITLE_LENGTH} characters")
    answer = _text(raw.get("answer"))
    if not answer:
        collector.add(where, "answer text is empty")
    elif len(_SENTENCE_END.findall(answer)) > MAX_ANSWER_SENTENCES:
        collector.add(where, f"answer has more than {MAX_ANSWER_SENTENCES} sentences; move the rest to 'detail'")
    detail = _text(raw.get("detail")) or None
    for field_name, text in (("answer", answer), ("detail", detail)):
        if text:
            _check_plain_language(text, f"{where} {field_name}", collector)
    dose = PERSONAL_DOSE.search(f"{answer} {detail or ''}")
    if dose:
        collector.add(where, f"tells the reader a dose ('{dose.group(0).strip()}'); only their care team may do that")
    if raw.get("serious_symptom") and not _WHEN_TO_CALL.search(f"{answer} {detail or ''}"):
        collector.add(where, "is about a serious symptom but never says when to call the care team")
    sources = _parse_sources(raw.get("sources"), where, collector)
    for problem in rules.policy.problems(sources) + unexplained(f"{answer} {detail or ''}", rules.jargon):
        collector.add(where, problem)
    reviewed_by = _text(raw.get("reviewed_by"))
    if not reviewed_by:
        collector.add(where, "missing 'reviewed_by'")
    reviewed_on = raw.get("reviewed_on")
    if not isinstance(reviewed_on, date):
        collector.add(where, "'reviewed_on' must be a date like 2026-11-21")
    raw_examples = raw.get("examples") or []
    if not isinstance(raw_examples, list):
        collector.add(where, "'examples' must be a list of questions")
        raw_examples = []
    examples = tuple(_text(e) for e in raw_examples if _text(e))
    if topic != SYSTEM_TOPIC and len(examples) < MIN_EXAMPLES:
        collector.add(where, f"needs at least {MIN_EXAMPLES} example questions, has {len(examples)}")
    if topic == SYSTEM_TOPIC and examples:
        collector.add(where, "system answers are chosen by the safety rules and take no examples")
    follow_ups = raw.get("follow_ups") or {}
    if not isinstance(follow_ups, dict) or not set(follow_ups) <= FOLLOW_UP_KEYS:
        collector.add(where, f"follow_ups keys must be among {sorted(FOLLOW_UP_KEYS)}")
        follow_ups = {}
    if len(collector.problems) > problems_before:
        return None
    assert isinstance(reviewed_on, date)  # checked above; narrows the type for mypy
    return AnswerEntry(
        id=answer_id,
        topic=topic,
        topic_title=topic_title,
        title=title,
        answer=answer,
        detail=detail,
        sources=sources,
        reviewed_by=reviewed_by,
        reviewed_on=reviewed_on,
        examples=examples,
        follow_ups={str(k): str(v) for k, v in follow_ups.items()},
    )


def _parse_sources(raw: Any, where: str, collector: _Collector) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        collector.add(where, "missing source: every answer needs at least one entry in 'sources'")
        return ()
    sources = []
    for item in raw:
        if not isinstance(item, dict) or not _text(item.get("name")):
            collector.add(where, "each source needs a 'name'")
            continue
        url, file = _text(item.get("url")) or None, _text(item.get("file")) or None
        if url and not url.startswith(("http://", "https://")):
            collector.add(where, f"source url must start with http:// or https:// ({url})")
        if not url and not file:
            collector.add(where, f"source '{item['name']}' needs a 'url' or a seed 'file'")
        sources.append(Source(name=_text(item["name"]), url=url, file=file))
    return tuple(sources)


def _check_plain_language(text: str, where: str, collector: _Collector) -> None:
    number = HARD_CODED_EMERGENCY_NUMBER.search(text)
    if number:
        collector.add(
            where, f"hard-codes the emergency number {number.group(1)}; write {{emergency_number}} (set per clinic)"
        )
    try:
        sample = text.format(**_SAMPLE_PLACEHOLDERS)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):  # `{clinic_name.x}`, `{clinic_name[0]}`
        collector.add(where, f"unknown placeholder; allowed: {sorted(_SAMPLE_PLACEHOLDERS)}")
        return
    grade = reading_grade(sample)
    if grade > MAX_GRADE:
        collector.add(where, f"reads at grade {grade:.1f}, above {MAX_GRADE:.0f}; use shorter sentences and words")


def _check_across_files(entries: list[AnswerEntry], collector: _Collector, locations: Mapping[str, str]) -> None:
    def where(answer_id: str) -> str:
        return f"{locations[answer_id]} ({answer_id})" if answer_id in locations else answer_id

    ids: dict[str, int] = defaultdict(int)
    example_owner: dict[str, str] = {}
    for entry in entries:
        ids[entry.id] += 1
        for example in entry.examples:
            key = " ".join(example.lower().split())
            owner = example_owner.setdefault(key, entry.id)
            if owner != entry.id:
                collector.add(where(entry.id), f"example '{example}' is also used by {owner}")
    for answer_id, count in ids.items():
        if count > 1:
            collector.add(where(answer_id), f"duplicate id (used {count} times)")
    known = set(ids)
    for entry in entries:
        for key, target in entry.follow_ups.items():
            if target not in known:
                collector.add(where(entry.id), f"follow_ups.{key} points to unknown answer '{target}'")


def _text(value: Any) -> str:
    """A stripped string, or '' for anything missing."""
    return " ".join(str(value).split()) if value is not None else ""
