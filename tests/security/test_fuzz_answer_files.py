"""Fuzzing the answer-file loader and the FAQ import: a bad file is reported, never a crash.

`load_answer_files` documents one error for any problem in the files, `AnswerFileError` with a list
of problems in words; `bot.authoring.read_import` / `plan_import` document `ImportError_` the same
way. The property: a generated file either loads or raises that error with its problems, never
another exception (KeyError, TypeError, AttributeError, ...), which a maintainer would see as a
stack trace instead of "fix line 12".

A crash found and not yet fixed can be listed in `KNOWN_BUGS` (recognised by the exception and the
function raising it) with a test of its own, so the fuzz tests keep checking everything else.

Time budget: about 20 s on two cores (max_examples below).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.answers.entries import AnswerEntry
from bot.answers.files import AnswerFileError, load_answer_files
from bot.authoring import CSV_COLUMNS, ImportError_, ImportPlan, Incoming, plan_import, read_import
from bot.settings import ANSWERS_DIR, NLU_DIR
from tests.fixtures.text import not_utf8

TODAY = date(2026, 12, 1)
TEMPLATE_TOPIC = "about"
"""A real answer file that loads on its own (its follow-ups stay in the file): the base of the valid-but-odd files."""
TEMPLATE = yaml.safe_load((ANSWERS_DIR / f"{TEMPLATE_TOPIC}.yml").read_text(encoding="utf-8"))
SMALL = {**TEMPLATE, "answers": TEMPLATE["answers"][:1]}
"""The template with one answer, where a small file will do."""

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
"""For the slow import fuzz: shrinking a failure would take minutes."""


# --- the property -------------------------------------------------------------------------------


def _raised_in(error: BaseException, filename: str, function: str) -> bool:
    return any(
        Path(frame.filename).name == filename and frame.name == function
        for frame in traceback.extract_tb(error.__traceback__)
    )


KNOWN_BUGS: dict[str, Callable[[BaseException], bool]] = {}
"""Crashes this fuzzing found that are not fixed yet, matched by exception and raising function (see
`_raised_in`); the ten it found first (non-UTF-8 files, PyYAML constructor errors, deep nesting,
`examples: 5`, `{clinic_name.x}`, an unparsable source url, CSV dates, encodings and csv errors) are
fixed, and each has its own test below."""


def _known_bug(error: BaseException) -> str | None:
    return next((name for name, matches in KNOWN_BUGS.items() if matches(error)), None)


def _assert_problems(problems: object) -> None:
    assert isinstance(problems, list) and problems, "the documented error must list its problems"
    assert all(isinstance(p, str) and p.strip() for p in problems)


def load_or_report(directory: Path) -> list[AnswerEntry] | None:
    """The loader's result, None when it raised AnswerFileError (checked); any other exception fails."""
    try:
        entries = load_answer_files(directory)
    except AnswerFileError as error:
        _assert_problems(error.problems)
        assert str(error)
        return None
    except Exception as error:  # noqa: BLE001 - the property under test: nothing else may escape
        if _known_bug(error):
            return None
        raise AssertionError(f"load_answer_files raised {type(error).__name__}, not AnswerFileError") from error
    assert isinstance(entries, list) and all(isinstance(e, AnswerEntry) for e in entries)
    return entries


def import_or_report(action: Callable[[], Any], *expected: type) -> Any:
    """`action`'s result, None when it raised ImportError_ (checked); any other exception fails."""
    try:
        result = action()
    except ImportError_ as error:
        _assert_problems(error.problems)
        return None
    except Exception as error:  # noqa: BLE001 - the property under test
        if _known_bug(error):
            return None
        raise AssertionError(f"the import raised {type(error).__name__}, not ImportError_") from error
    assert isinstance(result, expected)
    return result


def _write_files(directory: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (directory / name).write_bytes(content)


def _load_files(files: dict[str, bytes]) -> list[AnswerEntry] | None:
    with tempfile.TemporaryDirectory() as scratch:
        _write_files(Path(scratch), files)
        return load_or_report(Path(scratch))


def _dump(document: object) -> bytes:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8")


# --- strategies -----------------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), TEXT, st.dates(), st.datetimes(), st.binary(max_size=8)
)
YAML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT | st.integers(), inner, max_size=4),
    max_leaves=12,
)
YAMLISH_TOKENS = st.sampled_from(
    [
        "topic: about\n",
        "title: About\n",
        "answers:\n",
        "  - id: about.x\n",
        "    answer: ",
        "    examples:\n",
        "      - ",
        "sources: ",
        "name: ",
        "url: https://www.cancer.gov/x",
        "reviewed_on: 2026-11-21",
        "reviewed_on: 2026-13-45",
        "reviewed_on: 2026-02-30",
        "- ",
        ": ",
        ":",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "*b",
        "!!binary ",
        "!!python/object/apply:os.system ['true']",
        "!!set ",
        "!!omap ",
        "!!timestamp x",
        "!!int x",
        "!!bool x",
        "!!float x",
        "? ",
        "|\n",
        ">-\n",
        "'",
        '"',
        "\\",
        "#",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
        "<<: *a\n",
        "\t",
        "\n",
        "  ",
        "~",
        "null",
        "yes",
        "0x1F",
        ".inf",
        "1e400",
        "\x00",
        "\x85",
        "\u2028",
        "\ufeff",
        "{clinic_name}",
        "{",
        "é",
        "\U0001f600",
    ]
)
YAMLISH_TEXT = st.lists(YAMLISH_TOKENS | TEXT, max_size=60).map("".join)
HOSTILE_TEXT = st.lists(
    st.sampled_from(
        [
            "{clinic_name}",
            "{emergency_number}",
            "{clinic_phone}",
            "{0}",
            "{}",
            "{{",
            "}}",
            "{",
            "}",
            "{x}",
            "{clinic_name!r}",
            "{clinic_name:>9}",
            "{clinic_name:d}",
            "{clinic_name.upper}",
            "{clinic_name[0]}",
            "{clinic_name[99]}",
            "{clinic_name.x}",
            "{clinic_name[a]}",
            "Call 911.",
            "call 999",
            "Call 112 now.",
            "You should take 2 tablets.",
            "Take 400 mg.",
            "interleukin",
            "capillary leak syndrome",
            ". ",
            "! ",
            "? ",
            "\n",
            " ",
            "\u200b",
            "\u202e",
            "https://[",
            "https://www.cancer.gov/x",
            "",
        ]
    )
    | TEXT,
    max_size=12,
).map("".join)
URLS = (
    st.sampled_from(
        [
            "https://www.cancer.gov/about-cancer",
            "http://example.com",
            "ftp://x.org/file",
            "https://",
            "//x",
            "https://[oops",
            "http://[::1",
            "https://www.cancer.gov:99999/x",
            "javascript:alert(1)",
            "",
            None,
        ]
    )
    | TEXT
)
SOURCE = st.fixed_dictionaries({}, optional={"name": HOSTILE_TEXT | YAML_VALUES, "url": URLS, "file": YAML_VALUES})
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from(["about.what_is_il2", "about.x", "About.X", "uses.x", "about", "about.", "a.b.c"])
    | HOSTILE_TEXT
    | YAML_VALUES,
    "title": HOSTILE_TEXT | YAML_VALUES,
    "answer": HOSTILE_TEXT | YAML_VALUES,
    "detail": HOSTILE_TEXT | YAML_VALUES,
    "serious_symptom": YAML_VALUES,
    "sources": st.lists(SOURCE | YAML_VALUES, max_size=3) | YAML_VALUES,
    "reviewed_by": HOSTILE_TEXT | YAML_VALUES,
    "reviewed_on": st.dates() | st.datetimes() | YAML_VALUES,
    "examples": st.lists(HOSTILE_TEXT | YAML_VALUES, max_size=14) | YAML_VALUES,
    "follow_ups": st.dictionaries(TEXT | st.sampled_from(["low_dose", "high_dose"]), YAML_VALUES, max_size=3)
    | YAML_VALUES,
}


NOT_UTF8 = st.one_of(
    st.binary(min_size=1, max_size=200).filter(not_utf8),
    # A valid answer file saved in another encoding, or with one stray byte.
    st.sampled_from(["utf-16", "latin-1", "cp1252"]).map(
        lambda codec: _dump({**SMALL, "title": "Über IL-2, café"}).decode().encode(codec)
    ),
    st.integers(0, 500).map(lambda at: _dump(SMALL)[:at] + b"\xff" + _dump(SMALL)[at:]),
).filter(not_utf8)


# --- the answer files -------------------------------------------------------------------------------


def test_the_template_loads_on_its_own() -> None:
    entries = _load_files({f"{TEMPLATE_TOPIC}.yml": _dump(TEMPLATE)})
    assert entries and {e.topic for e in entries} == {TEMPLATE_TOPIC}


@settings(FUZZ, max_examples=120)
@given(text=YAMLISH_TEXT, name=st.sampled_from(["about.yml", "x.yml", "Not Snake.yml", ".yml"]))
def test_random_yamlish_text_is_reported_not_crashed(text: str, name: str) -> None:
    _load_files({name: text.encode("utf-8")})


@settings(FUZZ, max_examples=100)
@given(
    document=YAML_VALUES | st.fixed_dictionaries({"topic": YAML_VALUES, "title": YAML_VALUES, "answers": YAML_VALUES})
)
def test_valid_yaml_of_the_wrong_shape_is_reported(document: object) -> None:
    assert not _load_files({"about.yml": _dump(document)})  # reported (None), or a topic with no answers


@settings(FUZZ, max_examples=70)
@given(data=st.data())
def test_valid_entries_with_random_field_values(data: st.DataObject) -> None:
    answers = [dict(a) for a in TEMPLATE["answers"]]
    index = data.draw(st.integers(0, len(answers) - 1), label="answer")
    for field in data.draw(st.lists(st.sampled_from(sorted(FIELD_VALUES)), min_size=1, max_size=3, unique=True)):
        if data.draw(st.booleans(), label=f"drop {field}"):
            answers[index].pop(field, None)
        else:
            answers[index][field] = data.draw(FIELD_VALUES[field], label=field)
    document = {**TEMPLATE, "answers": answers}
    _load_files({f"{TEMPLATE_TOPIC}.yml": _dump(document)})


@settings(FUZZ, max_examples=30)
@given(picks=st.lists(st.integers(0, len(TEMPLATE["answers"]) - 1), min_size=2, max_size=8))
def test_duplicated_ids_are_reported(picks: list[int]) -> None:
    files = {f"{TEMPLATE_TOPIC}.yml": _dump({**TEMPLATE, "answers": [TEMPLATE["answers"][i] for i in picks]})}
    if len(set(picks)) < len(picks):
        assert any("duplicate id" in p for p in _strict_problems(files))
    else:
        assert _load_files(files)


@settings(FUZZ, max_examples=12)
@given(
    field=st.sampled_from(["id", "title", "answer", "detail", "reviewed_by", "examples"]),
    size=st.integers(1_000, 20_000),
    unit=st.sampled_from(["word ", "x", "{}", "é", "Call us. ", "\u200b"]),
)
def test_huge_strings_are_reported_not_crashed(field: str, size: int, unit: str) -> None:
    answers = [dict(a) for a in TEMPLATE["answers"]]
    huge = (unit * size)[:size]
    answers[0][field] = [huge] * 12 if field == "examples" else huge
    _load_files({f"{TEMPLATE_TOPIC}.yml": _dump({**TEMPLATE, "answers": answers})})


@settings(FUZZ, max_examples=30)
@given(content=NOT_UTF8)
def test_non_utf8_answer_files_are_reported(content: bytes) -> None:
    assert _load_files({f"{TEMPLATE_TOPIC}.yml": content}) is None


# --- the reported crashes, one input each -------------------------------------------------------------


def _entry_with(**fields: object) -> dict[str, bytes]:
    answers = [dict(a) for a in TEMPLATE["answers"]]
    answers[0].update(fields)
    return {f"{TEMPLATE_TOPIC}.yml": _dump({**TEMPLATE, "answers": answers})}


def _strict_problems(files: dict[str, bytes]) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        _write_files(Path(scratch), files)
        with pytest.raises(AnswerFileError) as error:
            load_answer_files(Path(scratch))
    return error.value.problems


@pytest.mark.parametrize("codec", ["utf-16", "latin-1"])
def test_answer_file_not_in_utf8_is_reported(codec: str) -> None:
    assert _strict_problems({f"{TEMPLATE_TOPIC}.yml": _dump({**SMALL, "title": "Über IL-2"}).decode().encode(codec)})


@pytest.mark.parametrize("examples", [5, True, 1.5, date(2026, 1, 1)], ids=["int", "bool", "float", "date"])
def test_examples_that_are_not_a_list_are_reported(examples: object) -> None:
    assert _strict_problems(_entry_with(examples=examples))


@pytest.mark.parametrize("answer", ["Call {clinic_name.x}.", "Call {clinic_name[a]}."], ids=["attribute", "index"])
def test_placeholder_with_attribute_or_index_is_reported(answer: str) -> None:
    assert _strict_problems(_entry_with(answer=answer))


@pytest.mark.parametrize("url", ["https://[oops", "http://[::1"])
def test_source_url_urlsplit_rejects_is_reported(url: str) -> None:
    assert _strict_problems(_entry_with(sources=[{"name": "NCI: x", "url": url}]))


@pytest.mark.parametrize(
    "reviewed_on", ["2026-02-30", "2026-13-45", "2026-11-21 25:00:00", "!!int x", "!!bool x", "!!timestamp x"]
)
def test_a_scalar_pyyaml_cannot_construct_is_reported(reviewed_on: str) -> None:
    text = _dump(SMALL).decode()
    text = text.replace("reviewed_on: 2026-11-21", f"reviewed_on: {reviewed_on}")
    assert reviewed_on in text
    assert _strict_problems({f"{TEMPLATE_TOPIC}.yml": text.encode()})


def test_deeply_nested_yaml_is_reported() -> None:
    depth = 1_500  # 3 KB of brackets
    text = f"topic: about\ntitle: About\nanswers: {'[' * depth}{']' * depth}\n"
    assert _strict_problems({"about.yml": text.encode()})


# --- `bot faq import` ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def answers_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/answers next to data/nlu, as plan_import reads both; never written (plan only)."""
    root = tmp_path_factory.mktemp("import")
    shutil.copytree(ANSWERS_DIR, root / "data" / "answers")
    shutil.copytree(NLU_DIR, root / "data" / "nlu")
    return root / "data" / "answers"


CELL = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(["uses.new_answer", "uses", "practical", "system", "2026-11-21", "a|b|c", '"', ",", "\r\n"]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
).map(lambda cell: cell.replace("\x00", ""))  # the csv module cannot write a NUL; a NUL is pinned below
EXTRA_COLUMNS = st.lists(st.sampled_from(["reviewed_by", "reviewed_on", "notes", "", "id"]), max_size=2)


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    """A CSV import: the expected columns (some missing, shuffled, extra ones) and rows of odd cells."""
    columns = list(CSV_COLUMNS)
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    if draw(st.integers(0, 4)) == 0:
        columns = draw(st.lists(st.sampled_from(columns), max_size=len(columns)))
    columns += draw(EXTRA_COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.lists(CELL, min_size=0, max_size=len(columns) + 2))
        if "reviewed_on" in columns and len(row) > columns.index("reviewed_on"):
            # An odd date is a reported crash (below): keep the fuzz on real dates there.
            row[columns.index("reviewed_on")] = draw(st.sampled_from(["", "2026-11-21"]))
        writer.writerow(row)
    text = buffer.getvalue()
    if draw(st.integers(0, 5)) == 0:  # hand-made breakage: a cut, a stray quote
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(['"', '\n"', ",,,", "\r", ""])) + text[cut:]
    return text


@settings(FUZZ, max_examples=150)
@given(text=csv_files(), bom=st.booleans())
def test_csv_imports_are_read_or_reported(text: str, bom: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "new.csv"
        path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", newline="")
        incoming = import_or_report(lambda: read_import(path, by="Fuzz", today=TODAY), list)
    for item in incoming or []:
        assert isinstance(item, Incoming) and isinstance(item.raw, dict) and item.where.startswith("new.csv:")


@settings(FUZZ, max_examples=60)
@given(text=YAMLISH_TEXT | YAML_VALUES.map(lambda v: _dump(v).decode()))
def test_yaml_imports_are_read_or_reported(text: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "new.yml"
        path.write_bytes(text.encode("utf-8"))
        import_or_report(lambda: read_import(path, by="Fuzz", today=TODAY), list)


@settings(FUZZ, max_examples=8, phases=NO_SHRINK)  # 0.4 s an example: shrinking would take minutes
@given(
    answer_id=st.sampled_from(["uses.fuzz_answer", "practical.fuzz", "uses.what_is", "bad id", ""]),
    topic=st.sampled_from(["uses", "practical", "fuzz_topic", "system", "", "Bad Topic"]),
    title=CELL,
    answer=CELL,
    url=URLS.filter(lambda u: isinstance(u, str)).map(lambda u: u.replace("\x00", "")),
    examples=st.lists(CELL, max_size=14),
)
def test_planned_csv_imports_are_reported_not_crashed(
    answers_copy: Path, answer_id: str, topic: str, title: str, answer: str, url: str, examples: list[str]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerow([answer_id, topic, title, answer, "", "NCI: fuzz", url, "|".join(examples)])
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "new.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        incoming = import_or_report(lambda: read_import(path, by="Fuzz", today=TODAY), list)
        if incoming:
            import_or_report(lambda: plan_import(incoming, answers_copy), ImportPlan)


def _csv(rows: list[list[str]], columns: tuple[str, ...] = CSV_COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


ROW = ["uses.fuzz_answer", "uses", "A title", "IL-2 is a drug.", "", "NCI: x", "https://www.cancer.gov/x", "a|b"]


def _read_strict(content: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "new.csv"
        path.write_bytes(content)
        with pytest.raises(ImportError_) as error:
            read_import(path, by="Fuzz", today=TODAY)
    return error.value.problems


@pytest.mark.parametrize("reviewed_on", ["21/11/2026", "not a date", "2026-13-45"])
def test_csv_reviewed_on_that_is_not_a_date_is_reported(reviewed_on: str) -> None:
    assert _read_strict(_csv([[*ROW, reviewed_on]], (*CSV_COLUMNS, "reviewed_on")).encode())


@settings(FUZZ, max_examples=20)
@given(encoding=st.sampled_from(["utf-16", "latin-1", "cp1252"]), stray=st.sampled_from(["é", "ü", "ß", "\u00a0"]))
def test_non_utf8_csv_is_reported(encoding: str, stray: str) -> None:
    content = _csv([[ROW[0], ROW[1], f"Caf{stray}", *ROW[3:]]]).encode(encoding)
    assert not_utf8(content)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "new.csv"
        path.write_bytes(content)
        assert import_or_report(lambda: read_import(path, by="Fuzz", today=TODAY), list) is None


@pytest.mark.parametrize("codec", ["utf-16", "cp1252"])
def test_csv_not_in_utf8_is_reported(codec: str) -> None:
    assert _read_strict(_csv([[ROW[0], ROW[1], "Café", *ROW[3:]]]).encode(codec))


@pytest.mark.parametrize(
    "content",
    [_csv([ROW]).replace("fuzz_answer", "fuzz\x00answer").encode(), _csv([["x" * 131_073, *ROW[1:]]]).encode()],
    ids=["nul", "huge-cell"],
)
def test_csv_the_csv_module_refuses_is_reported(content: bytes) -> None:
    assert _read_strict(content)


def test_imported_answer_with_placeholder_attribute_is_reported(answers_copy: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "new.csv"
        row = [ROW[0], ROW[1], ROW[2], "Call {clinic_name.x}.", *ROW[4:]]
        path.write_text(_csv([row]), encoding="utf-8", newline="")
        incoming = read_import(path, by="Fuzz", today=TODAY)
        with pytest.raises(ImportError_):
            plan_import(incoming, answers_copy)
