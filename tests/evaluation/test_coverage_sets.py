"""The content coverage set stays honest: the test part is the committed split, unchanged, never trained on."""

from __future__ import annotations

import re
from collections import Counter

from bot.settings import PROJECT_ROOT
from evaluation.coverage_sets import DEV_FILE, TEST_FILE, TEST_SHARE, load_part, rendered_parts
from evaluation.safety_sets import deduplicate, sha256_of, training_examples


def test_test_part_matches_the_hash_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    printed = re.search(r"coverage_test\.yml`? sha256 `?([0-9a-f]{64})", readme)
    assert printed, "README.md must print the coverage test file's sha256"
    assert sha256_of(TEST_FILE) == printed.group(1)


def test_committed_parts_are_the_split_of_the_pool() -> None:
    # A fresh rendering compared with the committed files; nothing is written.
    dev_text, test_text = rendered_parts()
    assert DEV_FILE.read_text(encoding="utf-8") == dev_text
    assert TEST_FILE.read_text(encoding="utf-8") == test_text


def test_no_coverage_question_is_near_a_training_example() -> None:
    for part in (DEV_FILE, TEST_FILE):
        cases = load_part(part)
        kept = {c.text for c in deduplicate(cases, training_examples())}
        assert [c.text for c in cases if c.text not in kept] == [], part.name


def test_coverage_size_and_split() -> None:
    dev, test = load_part(DEV_FILE), load_part(TEST_FILE)
    everything = dev + test
    answers = Counter(c.answer_id for c in everything if c.expect == "answer")
    assert sum(answers.values()) >= 250
    assert len(answers) >= 40 and min(answers.values()) >= 6
    assert sum(1 for c in everything if c.expect == "out_of_scope") >= 100
    assert abs(len(test) / len(everything) - TEST_SHARE) < 0.03
    assert not {c.text for c in dev} & {c.text for c in test}
