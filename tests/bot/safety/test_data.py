"""The reviewed safety data: every concept matches its examples, every fact names its source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.safety.lexicon import SAFETY_DIR, TIERS, SafetyDataError, lexicon, load_lexicon
from bot.safety.review import example_problems


def test_every_concept_matches_its_examples_and_reports_none_of_its_counter_examples() -> None:
    assert example_problems(lexicon()) == []


def test_the_issue_families_each_have_a_concept_or_a_reading() -> None:
    ids = {c.id for c in lexicon().concepts}
    for family in ("breathing", "chest_pain", "heart_rhythm", "fainting_low_bp", "confusion", "seizure", "stroke",
                   "bleeding", "gi_bleeding", "belly_pain", "urine", "weight_swelling", "fever_home", "allergic",
                   "skin_blistering", "self_harm", "vision"):  # fmt: skip
        assert family in ids
    assert set(lexicon().readings) == {"blood_pressure", "temperature", "pulse", "oxygen", "weight_gain", "urine"}
    assert {c.tier for c in lexicon().concepts} == set(TIERS)


def test_every_threshold_and_concept_names_known_sources() -> None:
    lex = lexicon()
    for rule in lex.readings.values():
        assert rule["sources"] and rule["why"] and rule["emergency_if"]
        assert all(source in lex.sources for source in rule["sources"])
    for concept in lex.concepts:
        assert concept.sources and all(source in lex.sources for source in concept.sources)
        assert concept.must_match


def _broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "safety"
    shutil.copytree(SAFETY_DIR, copy)
    data = yaml.safe_load((copy / "red_flags.yml").read_text())
    data["concepts"][0]["sources"] = ["nowhere"]
    data["concepts"][1]["phrases"].append("$no_such_class pain")
    data["concepts"][2]["must_match"] = []
    (copy / "red_flags.yml").write_text(yaml.safe_dump(data))
    return copy


def test_every_problem_is_listed_before_anything_is_used(tmp_path: Path) -> None:
    with pytest.raises(SafetyDataError) as error:
        load_lexicon(_broken_copy(tmp_path))
    problems = "\n".join(error.value.problems)
    assert "unknown source 'nowhere'" in problems
    assert "unknown word class $no_such_class" in problems
    assert "no must_match examples" in problems
    assert len(error.value.problems) == 3
