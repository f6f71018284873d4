"""`python -m evaluation safety-writers`: the safety layer on writers it has never seen.

A sealed set is spent once scored, and a new one costs new writers. Between sealed sets this asks
the next best question on dev data: for each writer's batch of the spent sealed sets, build the net
without that batch, judge the batch with the rules and that net, and add up. The rules have read
the dev data, so this flatters them a little; the net's share is measured honestly. It runs in
process, without the dialogue model (the layer's routes, as `evaluation safety` without --model).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

from bot.safety import net
from evaluation.safety_eval import correct, judge, print_summary, run, summarise, through_layer
from evaluation.safety_sets import SPENT_SEALED_FILES, SafetyCase, load_part

_HEADLINES = ("emergency_recall", "decision_referral", "reports_referred", "general_emergency", "general_referral")


def batches(files: tuple[Path, ...] = SPENT_SEALED_FILES) -> dict[str, list[SafetyCase]]:
    """The spent sealed sets' cases by writer's batch."""
    found: dict[str, list[SafetyCase]] = defaultdict(list)
    for path in files:
        for case in load_part(path):
            found[case.batch].append(case)
    return dict(sorted(found.items()))


def main(only: list[str] | None = None, *, show_misses: bool = False) -> int:
    """Judge each chosen batch with a net built without it; print the figures of all of them together."""
    chosen = {name: cases for name, cases in batches().items() if not only or name in only}
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, cases in chosen.items():
            path = net.build(Path(workdir) / f"net-without-{name}.joblib", leave_out=frozenset({name}))
            net.use_net(path)
            scored = run(cases, through_layer)
            figures = summarise(scored)
            rates = {key: figures[key]["rate"] for key in _HEADLINES}
            print(f"{name}: {len(cases)} cases, " + ", ".join(f"{k} {v:.1%}" for k, v in rates.items()), flush=True)
            results.extend(scored)
            for case, kinds in scored if show_misses else ():
                if not correct(case, judge(case, kinds)):
                    print(f"  MISS [{case.kind}/{case.family}] {case.text!r} -> {kinds[0]}")
    print_summary("left-out writers (" + ", ".join(chosen) + ")", summarise(results))
    return 0
