"""Validation of the curated answer files: clear messages, nothing applied on error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.answers.files import MIN_EXAMPLES, AnswerFileError, load_answer_files
from bot.readability import MAX_GRADE, reading_grade
from bot.settings import ANSWERS_DIR

SEEDS = {"000_8dc8d3a32789d1db.txt", "003_d95b344d77c69c79.txt"}


def _answer(answer_id: str = "demo.one", **overrides) -> dict:
    entry = {
        "id": answer_id,
        "title": "A demo answer",
        "answer": "IL-2 is a drug. It helps your body fight cancer.",
        "sources": [{"name": "FDA label for Proleukin (openFDA)", "url": "https://api.fda.gov/drug/label.json?x=1"}],
        "reviewed_by": "Test",
        "reviewed_on": "2026-11-21",
        "examples": [f"demo question number {n}" for n in range(MIN_EXAMPLES)],
    }
    entry.update(overrides)
    return entry


def _write(directory: Path, answers: list[dict], topic: str = "demo") -> None:
    text = yaml.safe_dump({"topic": topic, "title": "Demo", "answers": answers}, sort_keys=False)
    # YAML dates must stay dates, not strings.
    (directory / f"{topic}.yml").write_text(text.replace("'2026-11-21'", "2026-11-21"), encoding="utf-8")


def _problems(directory: Path) -> list[str]:
    with pytest.raises(AnswerFileError) as error:
        load_answer_files(directory)
    return error.value.problems


def test_valid_file_loads(tmp_path: Path) -> None:
    _write(tmp_path, [_answer()])
    (entry,) = load_answer_files(tmp_path)
    assert entry.id == "demo.one"
    assert entry.topic_title == "Demo"


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    second = _answer(examples=[f"another question {n}" for n in range(MIN_EXAMPLES)])
    _write(tmp_path, [_answer(), second])
    assert any("duplicate id" in p for p in _problems(tmp_path))


def test_missing_source_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(sources=[])])
    assert any("missing source" in p for p in _problems(tmp_path))


def test_empty_text_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(answer="   ")])
    assert any("answer text is empty" in p for p in _problems(tmp_path))


def test_hard_reading_grade_is_reported(tmp_path: Path) -> None:
    hard = (
        "Interleukin-2 administration necessitates comprehensive multidisciplinary cardiopulmonary "
        "evaluation, considering contraindications associated with immunosuppressive pharmacotherapy."
    )
    _write(tmp_path, [_answer(answer=hard)])
    assert any("reads at grade" in p for p in _problems(tmp_path))


def test_too_few_examples_and_reused_examples_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(examples=["only one"]), _answer("demo.two", examples=["only one"] * MIN_EXAMPLES)])
    problems = _problems(tmp_path)
    assert any("needs at least" in p for p in problems)


def test_an_example_reused_by_another_answer_is_reported_with_its_owner(tmp_path: Path) -> None:
    shared = "Is IL-2  the same as proleukin"
    first = _answer("demo.one", examples=[shared] + [f"first question {n}" for n in range(MIN_EXAMPLES)])
    second = _answer("demo.two", examples=[shared.lower()] + [f"second question {n}" for n in range(MIN_EXAMPLES)])
    assert _problems_of(tmp_path, [first, second]) == [
        "demo.two: example 'is il-2 the same as proleukin' is also used by demo.one"
    ]
    repeated = _answer("demo.one", examples=[shared, shared] + [f"q {n}" for n in range(MIN_EXAMPLES)])
    _write(tmp_path, [repeated])
    assert load_answer_files(tmp_path)  # the same answer repeating its own example is not a conflict


def _problems_of(directory: Path, answers: list[dict]) -> list[str]:
    _write(directory, answers)
    return [p.split(": ", 1)[1] if p.startswith(str(directory)) else p for p in _problems(directory)]


def test_follow_up_must_point_to_a_known_answer(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(follow_ups={"low_dose": "demo.missing"})])
    assert any("unknown answer" in p for p in _problems(tmp_path))


def test_topic_must_match_file_name(tmp_path: Path) -> None:
    _write(tmp_path, [_answer()])
    (tmp_path / "demo.yml").rename(tmp_path / "other.yml")
    assert any("equal the file name" in p for p in _problems(tmp_path))


# --- the real content -----------------------------------------------------------------------


def test_real_answer_base_is_valid_and_covers_the_topics(answer_entries) -> None:
    faq = [e for e in answer_entries if e.topic != "system"]
    assert 100 <= len(faq) <= 160
    topics = {e.topic for e in faq}
    assert {"about", "uses", "eligibility", "treatment", "side_effects", "later_effects", "living", "support"} <= topics


def test_every_answer_reads_at_grade_8_or_below(answer_entries) -> None:
    for entry in answer_entries:
        for text in filter(None, (entry.answer, entry.detail)):
            sample = text.format(
                clinic_name="the clinic", clinic_phone="555", clinic_hours="9-5", emergency_number="911"
            )
            assert reading_grade(sample) <= MAX_GRADE, entry.id


def test_every_answer_names_a_real_source(answer_entries) -> None:
    for entry in answer_entries:
        for source in entry.sources:
            if source.file and source.file != "README.md":
                assert source.file in SEEDS, (entry.id, source.file)
            elif source.url:
                assert source.url.startswith(("http://", "https://"))


def test_seed_errors_are_corrected_not_repeated(answer_entries) -> None:
    by_id = {e.id: e for e in answer_entries}
    text = " ".join(f"{e.answer} {e.detail or ''}".lower() for e in answer_entries)
    assert "injection site" not in text.replace("not an injection site", "").replace("not at the injection site", "")
    lymphoma = by_id["uses.lymphoma"]
    assert "not" in lymphoma.answer.lower()
    schedule = by_id["treatment.high_dose_schedule"]
    assert "15" in schedule.answer and "14" in schedule.answer and "28" in (schedule.detail or "")


def test_a_hard_coded_emergency_number_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(answer="If you feel faint, call 999 now. IL-2 helps your body fight cancer.")])
    assert any("hard-codes the emergency number 999" in p for p in _problems(tmp_path))
    _write(tmp_path, [_answer(answer="If you feel faint, call {emergency_number} now. About 1,000 people had it.")])
    assert load_answer_files(tmp_path)


def test_an_answer_about_a_serious_symptom_must_say_when_to_call(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(serious_symptom=True)])
    assert any("never says when to call" in p for p in _problems(tmp_path))
    _write(tmp_path, [_answer(serious_symptom=True, detail="Tell your nurse right away if it starts.")])
    assert load_answer_files(tmp_path)


def test_jargon_must_be_explained_where_it_first_appears(tmp_path: Path) -> None:
    _write(tmp_path, [_answer(answer="You will have a CT scan. It helps your team.")])
    assert any("uses 'CT' without explaining it" in p for p in _problems(tmp_path))
    _write(tmp_path, [_answer(answer="You will have a CT scan, which takes X-ray pictures. It helps your team.")])
    assert load_answer_files(tmp_path)
    _write(tmp_path, [_answer(answer="Act early. It helps your team.")])  # "act" is not the abbreviation CT
    assert load_answer_files(tmp_path)


def test_no_answer_types_an_emergency_number(answer_entries) -> None:
    for entry in answer_entries:
        for text in filter(None, (entry.answer, entry.detail)):
            assert "911" not in text and "999" not in text, entry.id


def test_the_answer_files_directory_is_the_one_in_settings() -> None:
    assert (ANSWERS_DIR / "system.yml").is_file()
