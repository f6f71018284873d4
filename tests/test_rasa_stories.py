"""Rasa test stories (tests/stories/) through the trained model with `rasa test core`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.model_cache import ensure_model
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def test_story_conversations_predict_the_right_actions(tmp_path) -> None:
    model = ensure_model()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            "tests/stories",
            "--out",
            str(tmp_path),
            "--no-plot",
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = (
        (tmp_path / "failed_test_stories.yml").read_text() if (tmp_path / "failed_test_stories.yml").exists() else ""
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{failed}"
    assert "- story:" not in failed, failed


def test_training_data_and_domain_are_consistent() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--config", "config.yml", "--domain", "domain.yml"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
