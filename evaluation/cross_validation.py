"""5-fold cross-validation of the NLU: this assistant's pipeline and the BM25 baseline.

The assistant's pipeline is trained with Rasa on each fold's training part; both use the same
stratified folds of the training examples.

A prediction is the label a message gets: an intent, or `faq/<answer id>` for an FAQ question,
read from the intent and the answer ranking exactly as the actions read them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.nlu_generation import RETRIEVAL_INTENT
from bot.settings import PROJECT_ROOT
from evaluation.baseline import Bm25Baseline

Examples = Sequence[tuple[str, str]]


def write_nlu(path: Path, examples: Examples) -> None:
    """A Rasa NLU file with these examples (FAQ responses are not needed to train the classifier)."""
    by_label: dict[str, list[str]] = {}
    for text, label in examples:
        by_label.setdefault(label, []).append(text)
    items = [{"intent": label, "examples": "".join(f"- {t}\n" for t in texts)} for label, texts in by_label.items()]
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": items}, sort_keys=False, width=10_000), encoding="utf-8")


def predicted_label(parse: dict[str, Any]) -> str:
    """The label a parse result stands for."""
    intent = (parse.get("intent") or {}).get("name") or "none"
    if intent != RETRIEVAL_INTENT:
        return str(intent)
    selector = (parse.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    return str((selector.get("response") or {}).get("intent_response_key") or intent)


def _train_nlu(training: Path, out: Path) -> Path:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "rasa", "train", "nlu", "--config", "config.yml", "--nlu", str(training)]
    command += ["--out", str(out), "--fixed-model-name", "fold"]
    subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    return out / "fold.tar.gz"


async def _parse_all(model: Path, texts: Sequence[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [predicted_label(await agent.parse_message(text)) for text in texts]


def summarise(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Overall, intent-level and FAQ-answer accuracy, and the most confused answer pairs."""
    prefix = f"{RETRIEVAL_INTENT}/"
    pairs = list(zip(truth, predicted, strict=True))
    faq = [(t, p) for t, p in pairs if t.startswith(prefix)]

    def intent(label: str) -> str:
        return RETRIEVAL_INTENT if label.startswith(prefix) else label

    confused = Counter((t, p) for t, p in faq if t != p and p.startswith(prefix))
    return {
        "examples": len(pairs),
        "label_accuracy": round(sum(t == p for t, p in pairs) / len(pairs), 4),
        "intent_accuracy": round(sum(intent(t) == intent(p) for t, p in pairs) / len(pairs), 4),
        "faq_answer_accuracy": round(sum(t == p for t, p in faq) / len(faq), 4) if faq else None,
        "most_confused": [
            {"true": t[len(prefix) :], "predicted": p[len(prefix) :], "count": n}
            for (t, p), n in confused.most_common(15)
        ],
    }


def cross_validate_assistant(examples: Examples, folds: Sequence[Sequence[int]]) -> dict[str, Any]:
    """Train the project's pipeline on four folds, predict the fifth, five times."""
    truth: list[str] = []
    predicted: list[str] = []
    with tempfile.TemporaryDirectory(prefix="il2-cv-") as workdir:
        for number, test in enumerate(folds, start=1):
            held = set(test)
            training = Path(workdir) / f"train-{number}.yml"
            write_nlu(training, [e for i, e in enumerate(examples) if i not in held])
            model = _train_nlu(training, Path(workdir) / f"model-{number}")
            truth += [examples[i][1] for i in test]
            predicted += asyncio.run(_parse_all(model, [examples[i][0] for i in test]))
            print(f"  fold {number}/{len(folds)} done", file=sys.stderr, flush=True)
    return summarise(truth, predicted)


def cross_validate_baseline(examples: Examples, folds: Sequence[Sequence[int]]) -> dict[str, Any]:
    """BM25 indexed on four folds, the fifth retrieved (best label, no decline threshold)."""
    truth: list[str] = []
    predicted: list[str] = []
    for test in folds:
        held = set(test)
        kept = [e for i, e in enumerate(examples) if i not in held]
        index = Bm25Baseline([t for t, _ in kept], [label for _, label in kept])
        truth += [examples[i][1] for i in test]
        predicted += [index.best(examples[i][0])[0] for i in test]
    return summarise(truth, predicted)
