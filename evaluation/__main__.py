"""Evaluation commands: `python -m evaluation split|split-coverage|safety|coverage|bench|bench-publish|compare`."""

from __future__ import annotations

import argparse
import os

from bot.rate_limit import NO_RATE_LIMITS
from evaluation.safety_sets import (
    CURRENT_SEALED,
    EXTRA_DEV_SETS,
    LATER_SEALED_SETS,
    PART_FILES,
    write_later_sealed,
    write_split,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluation")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("split", help="render the safety benchmark's dev and sealed parts from the pool")
    for sealed_set in (*LATER_SEALED_SETS, *EXTRA_DEV_SETS):
        commands.add_parser(sealed_set.command, help=f"render {sealed_set.file.name} from its batches")
    commands.add_parser("split-coverage", help="render the content coverage set's dev and test parts from its pool")
    safety = commands.add_parser("safety", help="score the safety benchmark through the running assistant")
    safety.add_argument("--model", help="trained model; without it, the safety layer alone is scored in process")
    safety.add_argument("--part", choices=[*PART_FILES, "both"], default="both")
    safety.add_argument(
        "--show-misses", action="store_true", help="print misses of dev data (never the current sealed set)"
    )
    safety.add_argument("--report", default="reports/safety.json")
    writers = commands.add_parser(
        "safety-writers", help="the safety layer on each spent writer's batch, with a net built without it"
    )
    writers.add_argument("--only", nargs="*", help="batches to judge (default: every batch of the spent sets)")
    writers.add_argument("--show-misses", action="store_true")
    coverage = commands.add_parser("coverage", help="score the content coverage set through the running assistant")
    coverage.add_argument("--model", required=True, help="trained model")
    coverage.add_argument("--part", choices=["dev", "test", "both"], default="both")
    coverage.add_argument("--show-misses", action="store_true", help="print the dev part's misses (never test)")
    coverage.add_argument("--report", default="reports/coverage.json")
    bench = commands.add_parser("bench", help="speed: this assistant against stock Rasa configurations")
    bench.add_argument("--seconds", type=float, default=20.0, help="seconds of load per concurrency level")
    bench.add_argument("--only", nargs="*", help="system keys to run; the others keep their last figures")
    bench_prod = commands.add_parser(
        "bench-prod", help="production mode: simulated patients through nginx, a replica killed, nothing lost"
    )
    bench_prod.add_argument("--patients", type=int, default=100)
    bench_prod.add_argument("--no-kill", action="store_true", help="the same load without killing a replica")
    commands.add_parser(
        "bench-publish",
        help="the maintainers' loop timed: import to live answer, review accepted, memory over promotions",
    )
    compare = commands.add_parser("compare", help="held-out sets: this assistant, stock Rasa config, BM25; CV")
    compare.add_argument("--model", required=True, help="this assistant's trained model")
    compare.add_argument("--stock-model", help="the stock configuration's model (default: train or reuse it)")
    compare.add_argument(
        "--parts",
        default="assistant,stock,bm25,cv",
        help="comma-separated: assistant, stock, bm25, cv; the others keep their figures from the last report",
    )
    return parser


def main() -> int:
    """Run one evaluation command."""
    args = _parser().parse_args()
    # The measuring tools send hundreds of messages a minute from one address, as no patient does; the
    # servers they start have the limits off (tests/bot/test_channel_limits.py tests the limits).
    os.environ.update(NO_RATE_LIMITS)
    if args.command == "split":
        write_split()
        return 0
    for sealed_set in (*LATER_SEALED_SETS, *EXTRA_DEV_SETS):
        if args.command == sealed_set.command:
            write_later_sealed(sealed_set)
            return 0
    if args.command == "split-coverage":
        from evaluation.coverage_sets import write_split as write_coverage_split

        write_coverage_split()
        return 0
    if args.command == "safety-writers":
        from evaluation.safety_writers import main as safety_writers

        return safety_writers(args.only, show_misses=args.show_misses)
    if args.command == "bench-prod":
        from evaluation.prod_bench import main as prod_bench

        return prod_bench(patients=args.patients, kill_after=None if args.no_kill else 8.0)
    if args.command == "bench-publish":
        from evaluation.publish_bench import main as publish_bench

        return publish_bench()
    if args.command == "compare":
        from evaluation.compare import main as compare

        parts = [p.strip() for p in args.parts.split(",") if p.strip()]
        stock = args.stock_model
        if stock is None and "stock" in parts:
            from evaluation.bench_systems import ensure_trained, stock_on_ours

            system = stock_on_ours()
            ensure_trained(system)
            stock = str(system.model)
        return compare(model=args.model, stock_model=stock, parts=parts)
    if args.command == "bench":
        from evaluation.bench import main as bench

        return bench(seconds=args.seconds, only=args.only)
    if args.command == "coverage":
        from evaluation.coverage_eval import main as score_coverage

        parts = ["dev", "test"] if args.part == "both" else [args.part]
        return score_coverage(model=args.model, parts=parts, show_misses=args.show_misses, report_path=args.report)
    from evaluation.safety_eval import main as score

    # "both": the dev part and the spent sealed sets, all dev data now; the current sealed set only by name.
    dev_data = [part for part in PART_FILES if part != CURRENT_SEALED.part]
    parts = dev_data if args.part == "both" else [args.part]
    return score(model=args.model, parts=parts, show_misses=args.show_misses, report_path=args.report)


if __name__ == "__main__":
    raise SystemExit(main())
