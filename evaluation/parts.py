"""What the safety benchmark and the coverage set share: a seeded stratified split and its YAML files.

Both are rendered again by a test and compared with the committed files, so the split must stay a
pure function of the pool, the recorded drops and the seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import yaml

CaseT = TypeVar("CaseT")


def stratified_split(
    cases: list[CaseT], stratum: Callable[[CaseT], Hashable], share: float, seed: int
) -> tuple[list[CaseT], list[CaseT]]:
    """(kept, held out): each stratum, in sorted order, shuffled with one seeded generator; `share` held out."""
    strata: dict[Any, list[CaseT]] = defaultdict(list)
    for case in cases:
        strata[stratum(case)].append(case)
    kept: list[CaseT] = []
    held_out: list[CaseT] = []
    rng = random.Random(seed)
    for key in sorted(strata):
        group = strata[key][:]
        rng.shuffle(group)
        cut = round(len(group) * share)
        held_out.extend(group[:cut])
        kept.extend(group[cut:])
    return kept, held_out


def render_part(cases: list[Any], title: str) -> str:
    """The YAML text of one committed part (cases are dataclasses), under a title comment."""
    body = yaml.safe_dump({"cases": [asdict(c) for c in cases]}, sort_keys=False, allow_unicode=True, width=120)
    return f"# {title}\n{body}"


def read_dropped(path: Path) -> set[str]:
    """The pool texts recorded as dropped at split time (none when there is no record yet)."""
    if not path.exists():
        return set()
    return {str(t) for t in yaml.safe_load(path.read_text(encoding="utf-8"))["texts"]}
