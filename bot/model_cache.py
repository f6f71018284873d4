"""Train only when the model's inputs changed: models are named by a hash of their inputs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

from bot.safety.net import BENCHMARKS, LEGACY_SAFETY, NORMALISATION
from bot.settings import PROJECT_ROOT

MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules.yml",
    "requirements.lock",
    "bot/linear_nlu.py",
    "bot/rasa_policy.py",
    # The safety net's inputs: each model carries the net built from them (bot/rasa_policy.py).
    "bot/safety/net.py",
    *(str(path.relative_to(PROJECT_ROOT)) for path in (*BENCHMARKS, LEGACY_SAFETY, *NORMALISATION)),
)
"""Paths, relative to the project root, whose content defines the model (the custom components included)."""
MODELS_DIR = PROJECT_ROOT / "models"
REJECTED_DIR_NAME = "rejected"
"""Where `bot publish` moves a candidate that failed the gate, under the models folder."""


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


def model_path(fingerprint: str | None = None, models_dir: Path = MODELS_DIR) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    return models_dir / f"il2-{fingerprint or training_fingerprint()}.tar.gz"


def rejected_path(model: Path) -> Path:
    """Where a model that failed the publish gate is kept aside (with its report next to it)."""
    return model.parent / REJECTED_DIR_NAME / model.name


class RejectedModelError(RuntimeError):
    """The model for the current inputs failed the publish gate: it must not be served."""


def train_model(root: Path, out: Path, *, log: IO[str] | None = None) -> None:
    """`rasa train` of the project at `root` into the file `out` (Rasa reuses its cache for unchanged steps)."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT)}
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--fixed-model-name",
        out.name.removesuffix(".tar.gz"),
        "--out",
        str(out.parent),
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
    ]
    output = {"stdout": log, "stderr": subprocess.STDOUT} if log is not None else {}
    subprocess.run(command, cwd=root, env=env, check=True, **output)  # type: ignore[call-overload]


def ensure_model(*, allow_rejected: bool = False) -> Path:
    """The model for the current inputs, training it first when it is missing.

    A model the publish gate rejected is not served (`make run` stops with the reason) unless
    `allow_rejected`: fix the files, or publish a better candidate, instead.
    """
    fingerprint = training_fingerprint()
    path = model_path(fingerprint)
    rejected = rejected_path(path)
    if rejected.is_file() and not allow_rejected and os.environ.get("IL2BOT_ALLOW_REJECTED") != "1":
        report = rejected.with_name(rejected.name.removesuffix(".tar.gz") + ".md")
        raise RejectedModelError(
            f"The model for the current files ({path.name}) failed the publish gate: see {report}. "
            "Fix the answer files or set IL2BOT_ALLOW_REJECTED=1."
        )
    if path.is_file():
        print(f"Model is up to date: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
        return path
    print(f"Training inputs changed: training {path.name} (about a minute)...", file=sys.stderr)
    train_model(PROJECT_ROOT, path)
    return path
