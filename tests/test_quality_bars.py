"""`make eval`'s quality bars hold for the trained model (answers >= 90%, no emergency or redirect missed)."""

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
