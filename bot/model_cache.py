"""Train only when the model's inputs changed: models are named by a hash of their inputs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules.yml",
    "requirements.lock",
    "bot/linear_nlu.py",
    "bot/rasa_policy.py",
)
"""Paths, relative to the project root, whose content defines the model (the custom components included)."""
MODELS_DIR = PROJECT_ROOT / "models"


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Short hash over the training inputs and the spaCy pipeline's fingerprint."""
    from bot.nlp_pipeline import pipeline_fingerprint  # imports spaCy: only when needed

    digest = hashlib.sha256(pipeline_fingerprint().encode("utf-8"))
    for name in MODEL_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(root)).encode("utf-8"))
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(fingerprint: str | None = None) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    return MODELS_DIR / f"il2-{fingerprint or training_fingerprint()}.tar.gz"


def ensure_model() -> Path:
    """The model for the current inputs, training it first when it is missing."""
    fingerprint = training_fingerprint()
    path = model_path(fingerprint)
    if path.is_file():
        print(f"Model is up to date: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
        return path
    print(f"Training inputs changed: training {path.name} (a few minutes)...", file=sys.stderr)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--fixed-model-name",
        path.name.removesuffix(".tar.gz"),
        "--out",
        str(MODELS_DIR),
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
    ]
    subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True)
    return path
