"""BENCHMARKS.md and EVALUATION.md hold what their commands measured, and the figures add up."""

from __future__ import annotations

import json

from bot.settings import PROJECT_ROOT
from evaluation import bench_report, compare_report
from evaluation.bench_systems import component_times


def test_benchmarks_md_is_the_rendering_of_the_committed_figures() -> None:
    report = json.loads((PROJECT_ROOT / "docs" / "bench.json").read_text(encoding="utf-8"))
    assert bench_report.render_markdown(report) == bench_report.MARKDOWN.read_text(encoding="utf-8")


def test_evaluation_md_is_the_rendering_of_the_committed_figures() -> None:
    report = json.loads((PROJECT_ROOT / "docs" / "evaluation.json").read_text(encoding="utf-8"))
    assert compare_report.render_markdown(report) == compare_report.MARKDOWN.read_text(encoding="utf-8")


def _system(key: str, throughput: float, p95: float) -> dict:
    level = {"concurrency": 10, "throughput": throughput, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95, "errors": 0}
    return {
        "key": key,
        "title": key,
        "training": {"seconds": 100.0},
        "start_to_first_answer_s": 12.0,
        "memory_mb": {"after_warm_up": {"rasa": 500, "all": 550}, "after_load": {"rasa": 520, "all": 700}},
        "levels": [level],
    }


def test_ratios_and_targets_compare_with_the_stock_configuration() -> None:
    report = {"levels": [10], "systems": [_system("assistant", 100.0, 60.0), _system("stock_on_ours", 20.0, 400.0)]}
    assert bench_report.ratios(report) == [("assistant vs stock_on_ours", "c=10", 5.0, 0.15)]
    targets = {name: met for name, _, _, met in bench_report.target_rows(report)}
    assert targets["throughput vs stock config at c=10"] is True
    assert targets["p95 vs stock config at c=10"] is True
    assert targets["p50_ms at c=10"] is False  # 30 ms against a bar of 25
    assert targets["memory after load (Rasa + actions), MB"] is False  # 700 > 600
    assert targets["training_s"] is True


def test_component_training_times_come_from_rasas_log_lines() -> None:
    log = (
        "2026-12-01 12:00:00 INFO rasa.engine.training.hooks - Starting to train component 'DIETClassifier'.\n"
        "\x1b[0m2026-12-01 12:01:30 INFO rasa.engine.training.hooks - Finished training component 'DIETClassifier'.\n"
        "2026-12-01 12:01:30 INFO rasa.engine.training.hooks - Restored component 'RulePolicy' from cache.\n"
    )
    assert component_times(log) == {"DIETClassifier": 90.0}


def test_a_missing_figure_reads_n_a() -> None:
    report = {"assistant": {"heldout": {"accuracy": {"answer": {"correct": 9, "total": 10, "rate": 0.9}}}}}
    assert compare_report.figure(report, "assistant", "heldout", "answer") == (9, 10)
    assert compare_report.figure(report, "assistant", "heldout", "human") is None
    assert compare_report.figure(report, "bm25", "heldout", "answer") is None


def test_a_partial_run_keeps_the_other_systems_figures_in_order() -> None:
    from evaluation.bench import merged

    old = {"systems": [{"key": "assistant", "v": 1}, {"key": "rasa_init", "v": 1}]}
    fresh = [{"key": "stock_on_ours", "v": 2}, {"key": "assistant", "v": 2}]
    order = ["assistant", "stock_on_ours", "rasa_init"]
    assert merged(old, fresh, order) == [
        {"key": "assistant", "v": 2},
        {"key": "stock_on_ours", "v": 2},
        {"key": "rasa_init", "v": 1},
    ]
