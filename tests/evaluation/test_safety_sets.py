"""The safety benchmark stays honest: the sealed part is the committed split, unchanged, never trained on."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.settings import PROJECT_ROOT
from evaluation.safety_sets import (
    CURRENT_SEALED,
    DEV_FILE,
    EXTRA_DEV_SETS,
    LATER_SEALED_SETS,
    SEALED_FILE,
    SEALED_SHARE,
    SPENT_SEALED_FILES,
    LaterSealedSet,
    deduplicate,
    load_part,
    load_pool,
    rendered_parts,
    sha256_of,
    training_examples,
)

# Stated here on its own, not read from the module: the sealed set that was current while each extra
# dev set was written. The extra set leaves out that set and every earlier one; later sealed sets leave it out.
CURRENT_WHILE_WRITTEN = {"dev_v2": "sealed_v8", "dev_v3": "sealed_v11", "dev_v4": "sealed_v13", "dev_v5": "sealed_v15"}
_SEALED_ORDER = [s.part for s in LATER_SEALED_SETS]


def test_sealed_part_matches_the_hash_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    printed = re.search(r"safety_sealed\.yml`? sha256 `?([0-9a-f]{64})", readme)
    assert printed, "README.md must print the sealed file's sha256"
    assert sha256_of(SEALED_FILE) == printed.group(1)


def test_committed_parts_are_the_split_of_the_pool() -> None:
    # A fresh rendering compared with the committed files; nothing is written.
    dev_text, sealed_text = rendered_parts()
    assert DEV_FILE.read_text(encoding="utf-8") == dev_text
    assert SEALED_FILE.read_text(encoding="utf-8") == sealed_text


def test_no_sealed_case_is_near_a_training_example() -> None:
    sealed = load_part(SEALED_FILE)
    kept = {c.text for c in deduplicate(sealed, training_examples())}
    assert [c.text for c in sealed if c.text not in kept] == []


def test_benchmark_size_and_coverage() -> None:
    dev, sealed = load_part(DEV_FILE), load_part(SEALED_FILE)
    everything = dev + sealed
    kinds = Counter(c.kind for c in everything)
    assert kinds["emergency"] >= 300 and kinds["decision"] >= 300 and kinds["general"] >= 300
    assert len({c.family for c in everything if c.kind == "emergency"}) >= 20
    assert len({c.family for c in everything if c.kind == "decision"}) >= 15
    assert sum(1 for c in everything if c.kind == "general" and c.family == "names_symptom") >= 120
    assert len(sealed) >= 0.4 * len(everything)
    assert abs(len(sealed) / len(everything) - SEALED_SHARE) < 0.02
    assert not {c.text for c in dev} & {c.text for c in sealed}


@pytest.mark.parametrize("sealed_set", LATER_SEALED_SETS, ids=lambda s: s.part)
def test_a_later_sealed_set_is_the_rendering_of_its_batches_and_its_hash_is_in_the_readme(
    sealed_set: LaterSealedSet,
) -> None:
    assert sealed_set.file.read_text(encoding="utf-8") == sealed_set.rendered()  # nothing is written
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    printed = re.search(re.escape(sealed_set.file.name) + r"`? sha256 `?([0-9a-f]{64})", readme)
    assert printed, f"README.md must print the sha256 of {sealed_set.file.name}"
    assert sha256_of(sealed_set.file) == printed.group(1)


@pytest.mark.parametrize("sealed_set", LATER_SEALED_SETS, ids=lambda s: s.part)
def test_no_case_of_a_later_sealed_set_is_near_training_data_or_an_earlier_set(sealed_set: LaterSealedSet) -> None:
    sealed = load_part(sealed_set.file)
    earlier = [c.text for c in load_pool()]
    for before in LATER_SEALED_SETS[: LATER_SEALED_SETS.index(sealed_set)]:
        earlier += [c.text for c in load_pool(before.pool_dir, before.pattern)]
    for extra in EXTRA_DEV_SETS:
        if _SEALED_ORDER.index(CURRENT_WHILE_WRITTEN[extra.part]) < _SEALED_ORDER.index(sealed_set.part):
            earlier += [c.text for c in load_pool(extra.pool_dir, extra.pattern)]  # written before it
    kept = {c.text for c in deduplicate(sealed, [*training_examples(), *earlier])}
    assert [c.text for c in sealed if c.text not in kept] == []
    kinds = Counter(c.kind for c in sealed)
    assert kinds["emergency"] >= 150 and kinds["decision"] >= 120 and kinds["general"] >= 120


def test_only_the_current_sealed_set_is_kept_from_the_net_and_every_spent_one_trains_it() -> None:
    from bot.safety import net

    trained_on = {path.resolve() for path in net.BENCHMARKS}
    assert CURRENT_SEALED.file.resolve() not in trained_on
    assert {path.resolve() for path in SPENT_SEALED_FILES} <= trained_on
    assert CURRENT_SEALED is LATER_SEALED_SETS[-1]


def test_the_writers_evaluation_holds_out_whole_batches_of_spent_sets_only() -> None:
    from evaluation.safety_writers import batches

    found = batches()
    spent = [c for path in SPENT_SEALED_FILES for c in load_part(path)]
    assert sum(len(cases) for cases in found.values()) == len(spent)
    assert all({c.batch for c in cases} == {name} for name, cases in found.items())
    current = {c.text for c in load_part(CURRENT_SEALED.file)}
    assert not current & {c.text for cases in found.values() for c in cases}


@pytest.mark.parametrize("extra", EXTRA_DEV_SETS, ids=lambda s: s.part)
def test_an_extra_dev_set_is_its_rendering_trains_the_net_and_repeats_no_sealed_message(
    extra: LaterSealedSet,
) -> None:
    from bot.safety import net

    assert extra.file.read_text(encoding="utf-8") == extra.rendered()  # nothing is written
    assert extra.file.resolve() in {path.resolve() for path in net.BENCHMARKS}
    every_set = [c.text for c in load_pool()]
    current = _SEALED_ORDER.index(CURRENT_WHILE_WRITTEN[extra.part])
    for later in LATER_SEALED_SETS[: current + 1]:
        every_set += [c.text for c in load_pool(later.pool_dir, later.pattern)]
    for before in EXTRA_DEV_SETS[: EXTRA_DEV_SETS.index(extra)]:
        every_set += [c.text for c in load_pool(before.pool_dir, before.pattern)]
    cases = load_part(extra.file)
    kept = {c.text for c in deduplicate(cases, [*training_examples(), *every_set])}
    assert [c.text for c in cases if c.text not in kept] == []
