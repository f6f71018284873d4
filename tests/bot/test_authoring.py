"""`bot faq import`: all problems first, with file and line; a bad import changes nothing."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.answers.files import load_answer_files
from bot.authoring import ImportError_, apply_import, examples_added, plan_import, read_import
from bot.settings import ANSWERS_DIR, NLU_DIR, PROJECT_ROOT
from evaluation.publish_bench import drop_out_of_scope_parking

EXAMPLE_IMPORT = PROJECT_ROOT / "docs" / "examples" / "clinic_parking.yml"
TODAY = date(2026, 12, 1)


@pytest.fixture
def answers_dir(tmp_path: Path) -> Path:
    """A copy of data/answers next to a copy of data/nlu (the import reads both)."""
    shutil.copytree(ANSWERS_DIR, tmp_path / "data" / "answers")
    shutil.copytree(NLU_DIR, tmp_path / "data" / "nlu")
    return tmp_path / "data" / "answers"


def _fingerprint(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*"))}


BAD_YAML = """\
topic: practical
title: Practical matters
answers:
  - id: practical.parking
    title: Parking
    answer: >-
      Parking is free in the garage.
    reviewed_by: Test
    reviewed_on: 2026-12-01
    examples: [where do i park, parking, car park, garage, where to leave the car, parking fee,
               parking cost, park my car, disabled parking, parking ticket, visitor parking, parking near the unit]

  - id: practical.pain_relief
    title: Pain relief at home
    answer: >-
      You should take 2 tablets of acetaminophen every 6 hours. Call your care team if the pain gets worse.
    sources:
      - name: "MedlinePlus: aldesleukin injection"
        url: https://medlineplus.gov/druginfo/meds/a693010.html
    reviewed_by: Test
    reviewed_on: 2026-12-01
    examples: [what can i take for pain at home, pain pills after il2, is tylenol ok, headache medicine,
               how much tylenol, pain killer after treatment, sore joints what to take, aching what helps,
               pain relief il-2, over the counter pain, what pain medicine, what is il-2]
"""


def test_a_bad_import_reports_every_problem_with_file_and_line_and_changes_nothing(answers_dir: Path, tmp_path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD_YAML)
    before = _fingerprint(answers_dir)
    with pytest.raises(ImportError_) as refused:
        plan_import(read_import(bad, by="test", today=TODAY), answers_dir)
    problems = refused.value.problems
    assert any(p.startswith("bad.yml:4 (practical.parking)") and "missing source" in p for p in problems)
    assert any(p.startswith("bad.yml:13 (practical.pain_relief)") and "tells the reader a dose" in p for p in problems)
    assert _fingerprint(answers_dir) == before


def test_near_duplicates_of_other_answers_are_refused(answers_dir: Path, tmp_path) -> None:
    entries = load_answer_files(answers_dir)
    other = next(e for e in entries if e.id == "about.what_is_il2")
    text = EXAMPLE_IMPORT.read_text().replace("      - wheres the parking", f"      - {other.examples[0]}!!")
    text = text.replace(
        "Parking is free for patients and visitors in the Riverside garage on Mill Street.",
        other.answer.split(".")[0] + ".",
    )
    copied = tmp_path / "dupe.yml"
    copied.write_text(text)
    drop_out_of_scope_parking(answers_dir.parent / "nlu")
    with pytest.raises(ImportError_) as refused:
        plan_import(read_import(copied, by="test", today=TODAY), answers_dir)
    assert any(f"(nearly) the same as '{other.examples[0]}' of about.what_is_il2" in p for p in refused.value.problems)


def test_an_example_that_another_intent_is_trained_on_is_named_with_its_line(answers_dir: Path) -> None:
    with pytest.raises(ImportError_) as refused:
        plan_import(read_import(EXAMPLE_IMPORT, by="test", today=TODAY), answers_dir)
    (problem,) = refused.value.problems
    assert "data/nlu/out_of_scope.yml:" in problem and "where can i park at the hospital" in problem


def test_a_new_topic_gets_its_own_file_and_a_fixed_answer_keeps_its_place(answers_dir: Path, tmp_path) -> None:
    drop_out_of_scope_parking(answers_dir.parent / "nlu")
    plan = plan_import(read_import(EXAMPLE_IMPORT, by="test", today=TODAY), answers_dir)
    assert plan.added == ["clinic.parking"] and list(plan.files) == ["clinic.yml"]
    apply_import(plan, answers_dir)
    entries = {e.id: e for e in load_answer_files(answers_dir)}
    assert entries["clinic.parking"].topic_title == "Our clinic"

    fixed = tmp_path / "fixed.yml"
    fixed.write_text(EXAMPLE_IMPORT.read_text().replace("Mill Street", "River Road"))
    untouched = (answers_dir / "about.yml").read_bytes()
    plan = plan_import(read_import(fixed, by="test", today=TODAY), answers_dir)
    assert plan.updated == ["clinic.parking"] and plan.added == []
    apply_import(plan, answers_dir)
    assert "River Road" in {e.id: e for e in load_answer_files(answers_dir)}["clinic.parking"].answer
    assert (answers_dir / "about.yml").read_bytes() == untouched


def test_a_csv_import_merges_into_an_existing_topic(answers_dir: Path, tmp_path) -> None:
    drop_out_of_scope_parking(answers_dir.parent / "nlu")
    examples = "|".join(
        [
            "where do i park",
            "is there parking at the clinic",
            "do i pay for parking",
            "car park for patients",
            "parking garage",
            "where can my wife park",
            "disabled parking",
            "parking ticket stamp",
            "how much is parking",
            "is parking free",
            "where to leave my car",
            "visitor parking",
        ]
    )
    csv_file = tmp_path / "new.csv"
    csv_file.write_text(
        "id,topic,title,answer,detail,source_name,source_url,examples\n"
        "practical.parking,practical,Parking,Parking is free for patients in the Riverside garage.,,"
        f'"Riverside Cancer Center: parking and visiting",http://localhost:8080/visiting.html,"{examples}"\n'
    )
    plan = plan_import(read_import(csv_file, by="Ana", today=TODAY), answers_dir)
    assert plan.added == ["practical.parking"] and list(plan.files) == ["practical.yml"]
    apply_import(plan, answers_dir)
    entry = {e.id: e for e in load_answer_files(answers_dir)}["practical.parking"]
    assert (entry.reviewed_by, entry.reviewed_on, len(entry.examples)) == ("Ana", TODAY, 12)


def test_a_csv_without_the_columns_is_refused_with_line_one(tmp_path) -> None:
    csv_file = tmp_path / "short.csv"
    csv_file.write_text("id,title\nx.y,Z\n")
    with pytest.raises(ImportError_) as refused:
        read_import(csv_file, by="t", today=TODAY)
    assert refused.value.problems[0].startswith("short.csv:1: missing column(s)")


def test_accepted_questions_become_examples_without_touching_the_answer_text(answers_dir: Path) -> None:
    before = next(e for e in load_answer_files(answers_dir) if e.id == "living.eating")
    incoming, added = examples_added(
        "living.eating", ["what should i eat on il2 pls", before.examples[0]], answers_dir, "review group 3"
    )
    assert added == ["what should i eat on il2 pls"]  # the one it already has is skipped
    apply_import(plan_import([incoming], answers_dir), answers_dir)
    after = next(e for e in load_answer_files(answers_dir) if e.id == "living.eating")
    assert after.examples == (*before.examples, "what should i eat on il2 pls")
    assert after.content_hash() == before.content_hash()  # what a patient sees is unchanged
    with pytest.raises(ImportError_):
        examples_added("system.emergency", ["x"], answers_dir, "review group 4")
