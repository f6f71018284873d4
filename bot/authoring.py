"""`bot faq import`: bring new or fixed answers into `data/answers/` from a YAML or CSV file, all or nothing.

Everything is checked before a file is written: each imported answer by the `bot answers check`
rules (named by import file and line), the whole base after the merge (duplicate ids and examples,
follow-ups), and three checks for new content: an example that is the same or nearly the same as
another answer's, an answer nearly the same as another, and a dose told to a person. Answer files
are edited round-trip (comments and layout kept); a new topic gets its own file.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString

from bot.answers.entries import SYSTEM_TOPIC, AnswerEntry
from bot.answers.files import AnswerFileError, load_answer_files, parse_entries

CSV_COLUMNS = ("id", "topic", "title", "answer", "detail", "source_name", "source_url", "examples")
NEAR_SAME_EXAMPLE = 0.92
"""Similarity (difflib ratio of lowercased words) at which two examples count as the same question."""
NEAR_SAME_ANSWER = 0.85
"""Similarity at which two answer texts count as the same answer written twice."""
_WORDS = re.compile(r"[a-z0-9]+")
_FIELD_ORDER = ("id", "title", "answer", "detail", "serious_symptom", "sources", "reviewed_by", "reviewed_on")


class ImportError_(Exception):  # noqa: N801 - `ImportError` is a builtin
    """The import has problems; nothing was written. `problems` says where (file:line) and what."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import")
        self.problems = problems


@dataclass(frozen=True)
class Incoming:
    """One answer read from an import file, not yet checked."""

    raw: dict[str, Any]
    topic: str
    topic_title: str
    where: str
    """File and line, for problems: `new.csv:4`."""
    examples_only: bool = False
    """Only the examples change (a reviewed group accepted): the answer's layout in its file is kept."""


@dataclass
class ImportPlan:
    """What an import will write: the new text of each answer file, and the answers it adds or changes."""

    files: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    entries: list[AnswerEntry] = field(default_factory=list)
    """The imported answers as they will be stored."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_import(path: Path, *, by: str, today: date) -> list[Incoming]:
    """The answers in an import file (YAML like `data/answers/<topic>.yml`, or CSV with `CSV_COLUMNS`).

    CSV rows have no review fields: they are reviewed by `by` on `today`.
    """
    if path.suffix.lower() == ".csv":
        return _read_csv(path, by=by, today=today)
    return _read_yaml(path)


def _read_yaml(path: Path) -> list[Incoming]:
    try:
        document = _yaml().load(path.read_text(encoding="utf-8"))
    except Exception as error:  # noqa: BLE001 - ruamel raises many kinds; all mean "not valid YAML"
        raise ImportError_([f"{path.name}: is not valid YAML ({str(error).splitlines()[0]})"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("answers"), list):
        raise ImportError_([f"{path.name}:1: must have 'topic', 'title' and a list of 'answers'"])
    topic, title = str(document.get("topic") or ""), " ".join(str(document.get("title") or "").split())
    answers: CommentedSeq = document["answers"]
    incoming = []
    for index, raw in enumerate(answers):
        line = answers.lc.item(index)[0] + 1 if hasattr(answers, "lc") else index + 1
        incoming.append(
            Incoming(
                raw=raw if isinstance(raw, dict) else {}, topic=topic, topic_title=title, where=f"{path.name}:{line}"
            )
        )
    return incoming


def _read_csv(path: Path, *, by: str, today: date) -> list[Incoming]:
    try:
        return _read_csv_rows(path, by=by, today=today)
    except UnicodeDecodeError as error:
        raise ImportError_([f"{path.name}: is not UTF-8 text (byte {error.start}); save it as UTF-8"]) from None
    except csv.Error as error:  # a NUL byte, a cell over the csv module's size limit
        raise ImportError_([f"{path.name}: cannot be read as CSV ({error})"]) from None


def _reviewed_on(cell: str, where: str) -> date:
    try:
        return date.fromisoformat(cell.strip())
    except ValueError:
        raise ImportError_([f"{where}: reviewed_on {cell!r} is not a date like 2026-11-30"]) from None


def _read_csv_rows(path: Path, *, by: str, today: date) -> list[Incoming]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportError_(
                [f"{path.name}:1: missing column(s) {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)}"]
            )
        incoming = []
        for row in reader:
            where = f"{path.name}:{reader.line_num}"
            raw: dict[str, Any] = {
                "id": row["id"],
                "title": row["title"],
                "answer": row["answer"],
                "sources": [{"name": row["source_name"], "url": row["source_url"]}],
                "reviewed_by": row.get("reviewed_by") or by,
                "reviewed_on": (
                    _reviewed_on(row["reviewed_on"], f"{path.name}:{reader.line_num}")
                    if row.get("reviewed_on")
                    else today
                ),
                "examples": [e.strip() for e in (row["examples"] or "").split("|") if e.strip()],
            }
            if (row.get("detail") or "").strip():
                raw["detail"] = row["detail"]
            topic = (row["topic"] or "").strip()
            incoming.append(Incoming(raw=raw, topic=topic, topic_title="", where=where))
        return incoming


def plan_import(incoming: Sequence[Incoming], answers_dir: Path) -> ImportPlan:
    """Check an import against the answer base in `answers_dir` and work out the files; raise ImportError_."""
    if not incoming:
        raise ImportError_(["the file has no answers to import"])
    existing = load_answer_files(answers_dir)
    titles = {e.topic: e.topic_title for e in existing}
    for item in incoming:  # an existing topic keeps its title; a new one takes the file's, or its name
        titles.setdefault(item.topic, item.topic_title or item.topic.replace("_", " ").capitalize())
    entries, problems = parse_entries((item.raw, item.topic, titles[item.topic], item.where) for item in incoming)
    problems += [f"{item.where}: system answers cannot be imported" for item in incoming if item.topic == SYSTEM_TOPIC]
    where = {" ".join(str(item.raw.get("id") or "").split()): item.where for item in incoming}
    problems += _near_duplicates(entries, existing, where)
    problems += _conflicts_with_intents(entries, answers_dir.parent / "nlu", where)
    if problems:
        raise ImportError_(problems)

    plan = ImportPlan(entries=entries)
    known = {e.id for e in existing}
    by_topic: dict[str, list[Incoming]] = {}
    for item in incoming:
        by_topic.setdefault(item.topic, []).append(item)
    for topic, group in by_topic.items():
        path = answers_dir / f"{topic}.yml"
        plan.files[path.name] = _merged_file(path, topic, titles[topic], group)
    for entry in entries:
        (plan.updated if entry.id in known else plan.added).append(entry.id)

    with tempfile.TemporaryDirectory() as scratch:  # the whole base after the merge, checked as `answers check` would
        staged = Path(scratch)
        for file in answers_dir.glob("*.yml"):
            shutil.copy(file, staged / file.name)
        for name, text in plan.files.items():
            (staged / name).write_text(text, encoding="utf-8")
        try:
            load_answer_files(staged, locations=where)
        except AnswerFileError as error:
            raise ImportError_(error.problems) from None
    return plan


def apply_import(plan: ImportPlan, answers_dir: Path) -> list[Path]:
    """Write the planned files (each replaced whole, by rename, so a reader never sees half a file)."""
    written = []
    for name, text in plan.files.items():
        target = answers_dir / name
        temporary = target.with_suffix(".yml.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        written.append(target)
    return written


def _merged_file(path: Path, topic: str, title: str, group: Iterable[Incoming]) -> str:
    yaml = _yaml()
    if path.exists():
        document = yaml.load(path.read_text(encoding="utf-8"))
    else:
        document = CommentedMap([("topic", topic), ("title", title), ("answers", CommentedSeq())])
    answers: CommentedSeq = document["answers"]
    positions = {str(a.get("id")): i for i, a in enumerate(answers)}
    for item in group:
        answer_id = " ".join(str(item.raw.get("id") or "").split())
        if item.examples_only and answer_id in positions:
            answers[positions[answer_id]]["examples"] = CommentedSeq(item.raw["examples"])
            continue
        entry = _as_yaml(item.raw)
        if answer_id in positions:
            answers[positions[answer_id]] = entry  # a fixed answer keeps its place
        else:
            answers.append(entry)
            positions[answer_id] = len(answers) - 1
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _as_yaml(raw: dict[str, Any]) -> CommentedMap:
    """An imported answer laid out like the hand-written files: long texts folded, fields in the usual order."""
    ordered = [k for k in _FIELD_ORDER if k in raw] + [k for k in raw if k not in _FIELD_ORDER]
    entry = CommentedMap()
    for key in ordered:
        value = raw[key]
        if key in ("answer", "detail") and isinstance(value, str):
            value = _folded(" ".join(value.split()))
        elif key in ("id", "title", "reviewed_by") and isinstance(value, str):
            value = " ".join(value.split())
        entry[key] = value
    return entry


def _folded(text: str, width: int = 84) -> FoldedScalarString:
    folded = FoldedScalarString(text)
    positions, line_start = [], 0
    for match in re.finditer(" ", text):
        if match.start() - line_start > width:
            previous = text.rfind(" ", line_start, match.start())
            cut = previous if previous > line_start else match.start()
            positions.append(cut)
            line_start = cut + 1
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _similar(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 else 0.0


_NLU_EXAMPLE = re.compile(r"^\s+- (.+?)\s*$")


def _conflicts_with_intents(entries: Sequence[AnswerEntry], nlu_dir: Path, where: dict[str, str]) -> list[str]:
    """Imported examples that (nearly) repeat a training example of another intent, such as out of scope.

    A clinic adding its parking answer must first take "where can i park at the hospital" out of the
    out-of-scope examples, or the model learns both.
    """
    others = []
    for path in sorted(nlu_dir.glob("*.yml")):
        if path.name == "faq.yml":  # generated from the answer files: checked above
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _NLU_EXAMPLE.match(line)
            if match:
                others.append((_words(match.group(1)), match.group(1), f"{path.parent.name}/{path.name}:{number}"))
    problems = []
    for entry in entries:
        for example in entry.examples:
            mine = _words(example)
            found = next(
                ((text, place) for words, text, place in others if _similar(mine, words) >= NEAR_SAME_EXAMPLE), None
            )
            if found is not None:
                problems.append(
                    f"{where.get(entry.id, entry.id)} ({entry.id}): example '{example}' is also a training example of "
                    f"another intent ('{found[0]}', data/{found[1]}); remove one of them"
                )
    return problems


def _near_duplicates(
    entries: Sequence[AnswerEntry], existing: Sequence[AnswerEntry], where: dict[str, str]
) -> list[str]:
    """Examples or answers of the import that (nearly) repeat another answer's."""
    imported = {e.id for e in entries}
    others = [e for e in existing if e.id not in imported] + list(entries)
    problems = []
    for entry in entries:
        location = f"{where.get(entry.id, entry.id)} ({entry.id})"
        rivals = [o for o in others if o.id != entry.id]
        for example in entry.examples:
            mine = _words(example)
            for other in rivals:
                match = next((e for e in other.examples if _similar(mine, _words(e)) >= NEAR_SAME_EXAMPLE), None)
                if match is not None:
                    problems.append(f"{location}: example '{example}' is (nearly) the same as '{match}' of {other.id}")
                    break
        for other in rivals:
            if other.topic != SYSTEM_TOPIC and _similar(_words(entry.answer), _words(other.answer)) >= NEAR_SAME_ANSWER:
                problems.append(f"{location}: the answer is nearly the same as {other.id}'s; improve that one instead")
    return problems


def example_key(text: str) -> str:
    """Lowercased words of an example: two examples with the same key are the same question."""
    return _words(text)


def examples_added(
    answer_id: str, examples: Sequence[str], answers_dir: Path, where: str
) -> tuple[Incoming, list[str]]:
    """The import that adds `examples` to an existing answer (skipping ones it has), and those added."""
    topic = answer_id.split(".", 1)[0]
    path = answers_dir / f"{topic}.yml"
    document = _yaml().load(path.read_text(encoding="utf-8")) if path.exists() else {}
    raw = next((a for a in document.get("answers", []) if str(a.get("id")) == answer_id), None)
    if raw is None or topic == SYSTEM_TOPIC:
        raise ImportError_([f"{where}: there is no answer '{answer_id}' to add examples to"])
    current = [str(e) for e in raw.get("examples") or []]
    known = {example_key(e) for e in current}
    added = []
    for example in examples:
        key = example_key(example)
        if key and key not in known:
            known.add(key)
            added.append(example)
    merged = dict(raw)
    merged["examples"] = current + added
    return Incoming(raw=merged, topic=topic, topic_title=str(document["title"]), where=where, examples_only=True), added
