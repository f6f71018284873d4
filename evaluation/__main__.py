"""Evaluation commands: `python -m evaluation split|safety` (see `--help`)."""

from __future__ import annotations

import argparse

from evaluation.safety_sets import write_split


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluation")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("split", help="render the safety benchmark's dev and sealed parts from the pool")
    commands.add_parser("split-coverage", help="render the content coverage set's dev and test parts from its pool")
    safety = commands.add_parser("safety", help="score the safety benchmark through the running assistant")
    safety.add_argument("--model", help="trained model; without it, the safety layer alone is scored in process")
    safety.add_argument("--part", choices=["dev", "sealed", "both"], default="both")
    safety.add_argument("--show-misses", action="store_true", help="print the dev part's misses (never sealed)")
    safety.add_argument("--report", default="reports/safety.json")
    coverage = commands.add_parser("coverage", help="score the content coverage set through the running assistant")
    coverage.add_argument("--model", required=True, help="trained model")
    coverage.add_argument("--part", choices=["dev", "test", "both"], default="both")
    coverage.add_argument("--show-misses", action="store_true", help="print the dev part's misses (never test)")
    coverage.add_argument("--report", default="reports/coverage.json")
    return parser


def main() -> int:
    """Run one evaluation command."""
    args = _parser().parse_args()
    if args.command == "split":
        write_split()
        return 0
    if args.command == "split-coverage":
        from evaluation.coverage_sets import write_split as write_coverage_split

        write_coverage_split()
        return 0
    if args.command == "coverage":
        from evaluation.coverage_eval import main as score_coverage

        parts = ["dev", "test"] if args.part == "both" else [args.part]
        return score_coverage(model=args.model, parts=parts, show_misses=args.show_misses, report_path=args.report)
    from evaluation.safety_eval import main as score

    parts = ["dev", "sealed"] if args.part == "both" else [args.part]
    return score(model=args.model, parts=parts, show_misses=args.show_misses, report_path=args.report)


if __name__ == "__main__":
    raise SystemExit(main())
