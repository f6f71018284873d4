"""`make eval-detail`'s quality bars hold for the trained model (answers >= 90%, no emergency or redirect missed)."""

from __future__ import annotations

import json

import pytest

from bot.evaluation import main as run_evaluation
from bot.model_cache import ensure_model

pytestmark = pytest.mark.e2e


def test_held_out_set_meets_the_bars(monkeypatch, session_database, tmp_path) -> None:
    monkeypatch.setenv("IL2BOT_DATABASE_URL", session_database)  # the action server inherits it
    report = tmp_path / "eval.json"
    # An absolute report path stays outside the project's reports/ folder.
    exit_code = run_evaluation(model=str(ensure_model()), report_path=str(report))
    summary = json.loads(report.read_text())
    assert exit_code == 0, summary["accuracy"]
    assert summary["accuracy"]["emergency"]["rate"] == 1.0


def test_the_safety_benchmark_dev_part_meets_the_targets_through_the_rest_webhook(running_bot) -> None:
    from evaluation.safety_eval import missed_targets, run, summarise, through_webhook
    from evaluation.safety_sets import DEV_FILE, load_part

    summary = summarise(run(load_part(DEV_FILE), through_webhook(running_bot.webhook)))
    assert missed_targets(summary) == [], summary
