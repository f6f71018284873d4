"""`bot publish` and `bot rollback`: new content live in the running assistant, gated, without a restart.

Publish: check the answer files, regenerate `data/nlu/faq.yml`, train only when the model's inputs
changed (models are named by their content hash), run the gate (`evaluation/gate.py`) against the
live model, then promote: new answers into the database, the model into the running Rasa server
(`PUT /model` with the API token), retired answers retired last. A candidate that fails the gate
is moved to `models/rejected/` with a report; the live model stays. Text-only edits skip training
and the gate: the model is the same, and the answer checks already ran.

Every release (model and answer content) is recorded in `var/publish/`, so `bot rollback` can put
the previous one back.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import requests

from bot.answers.entries import AnswerEntry
from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.api_token import api_token
from bot.model_cache import rejected_path, train_model, training_fingerprint
from bot.nlu_generation import render_faq_nlu
from bot.progress import Progress
from bot.publish_gate import GateError, gate_candidate, report_of, write_gate_report

PROMOTE_TIMEOUT = 300.0
"""Seconds Rasa may take to load a new model (about 5 s on 2 cores)."""


class PublishError(Exception):
    """Publishing stopped; `str()` says why in a maintainer's words. The live assistant is unchanged."""


@dataclass(frozen=True)
class Workspace:
    """Where a project's content, models and publish records live (the project itself, or a test copy)."""

    root: Path
    models_dir: Path
    database_url: str
    rasa_url: str = "http://127.0.0.1:5005"
    """The running Rasa server, or several replicas comma-separated (production): each gets the model."""

    @classmethod
    def copy_of(cls, project: Path, dest: Path, *, database_url: str, rasa_url: str) -> Workspace:
        """A copy of the project's content in `dest` to publish from (tests, benchmarks, dry runs).

        Content (config, domain, data) is copied; code and built pipelines are linked, so a model trained
        here has the project's components. Models go to `dest/models`.
        """
        dest.mkdir(parents=True, exist_ok=True)
        for name in ("config.yml", "domain.yml", "requirements.lock"):
            shutil.copy(project / name, dest / name)
        shutil.copytree(project / "data", dest / "data", dirs_exist_ok=True)
        for name in ("bot", "build", "actions"):
            if not (dest / name).exists():
                (dest / name).symlink_to(project / name)
        (dest / "models").mkdir(exist_ok=True)
        return cls(root=dest, models_dir=dest / "models", database_url=database_url, rasa_url=rasa_url)

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """Each running Rasa server (one embedded, the replicas in production)."""
        return tuple(url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip())

    @property
    def answers_dir(self) -> Path:
        """The curated answer files."""
        return self.root / "data" / "answers"

    @property
    def faq_nlu(self) -> Path:
        """The NLU file generated from the answers."""
        return self.root / "data" / "nlu" / "faq.yml"

    @property
    def records(self) -> Path:
        """Releases and gate figures (`var/publish/`)."""
        return self.root / "var" / "publish"


@dataclass
class PublishResult:
    """What a publish did."""

    model: Path
    trained: bool
    gated: bool
    promoted: bool
    """False when no assistant was running: the model starts with the next `make run`."""
    timings: dict[str, float] = field(default_factory=dict)


# --- the running server ---------------------------------------------------------------------------


def live_model(workspace: Workspace) -> str | None:
    """File name of the model the running Rasa servers use, or None when none answers.

    With several replicas, the first that answers; `promote_model` makes them all the same.
    """
    for url in workspace.rasa_urls:
        model = _model_at(workspace, url)
        if model is not None:
            return model
    return None


def _model_at(workspace: Workspace, url: str) -> str | None:
    try:
        response = requests.get(f"{url}/status", params={"token": api_token(workspace.root)}, timeout=5)
    except requests.RequestException:
        return None
    if response.status_code in (401, 403):
        raise PublishError("The running assistant refused the API token: set IL2BOT_API_TOKEN to the one it uses.")
    if response.status_code != 200:
        return None
    return Path(str(response.json().get("model_file") or "")).name or None


def promote_model(workspace: Workspace, model: Path) -> None:
    """Load `model` into each running server in turn; open conversations carry on (bot/rasa_model_swap.py).

    One replica at a time, so the others answer while one loads. A replica that is down is skipped (it
    starts with the newest accepted model); a replica that refuses the model stops the promotion.
    """
    promoted = 0
    for url in workspace.rasa_urls:
        if _model_at(workspace, url) is None:
            continue
        response = requests.put(
            f"{url}/model",
            params={"token": api_token(workspace.root)},
            json={"model_file": str(model.resolve())},
            timeout=PROMOTE_TIMEOUT,
        )
        if response.status_code != 204:
            raise PublishError(
                f"The assistant at {url} did not load {model.name} (HTTP {response.status_code}); it keeps its model."
            )
        if _model_at(workspace, url) != model.name:
            raise PublishError(f"The assistant at {url} reports another model than {model.name} after loading it.")
        promoted += 1
    if not promoted:
        raise PublishError(f"No assistant answered at {workspace.rasa_url} to load {model.name}.")


# --- releases ------------------------------------------------------------------------------------


def _releases_file(workspace: Workspace) -> Path:
    return workspace.records / "releases.json"


def releases(workspace: Workspace) -> list[dict[str, object]]:
    """Every release, oldest first: model, answers hash, when, by whom."""
    path = _releases_file(workspace)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _record_release(
    workspace: Workspace, model: str, store: AnswerStore, by: str, how: str, *, restores: int | None = None
) -> None:
    """Remember the model and the version of every active answer now live, for `rollback`."""
    workspace.records.mkdir(parents=True, exist_ok=True)
    history = releases(workspace)
    record: dict[str, object] = {
        "model": model,
        "answers": store.pointers(),
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "by": by,
        "how": how,
    }
    if restores is not None:
        record["restores"] = restores
    history.append(record)
    _releases_file(workspace).write_text(json.dumps(history, indent=1), encoding="utf-8")


def _record_baseline(workspace: Workspace, live: str | None, store: AnswerStore) -> None:
    """Before the first publish, what is live now (started by `make run`) becomes the release to go back to."""
    if live is not None and not releases(workspace):
        _record_release(workspace, live, store, "make run", "live before the first publish")


# --- publish -------------------------------------------------------------------------------------


def _regenerate(workspace: Workspace, entries: list[AnswerEntry], progress: Progress) -> None:
    text = render_faq_nlu(entries)
    current = workspace.faq_nlu.read_text(encoding="utf-8") if workspace.faq_nlu.exists() else ""
    if text != current:
        workspace.faq_nlu.write_text(text, encoding="utf-8")
        progress.say(f"- Regenerated {workspace.faq_nlu.relative_to(workspace.root)} from the answer files.")
    else:
        progress.say(f"- {workspace.faq_nlu.relative_to(workspace.root)} is up to date.")


def publish(workspace: Workspace, *, by: str, progress: Progress | None = None) -> PublishResult:
    """Check, regenerate, train if needed, gate, promote (see the module docstring); raise PublishError."""
    progress = progress or Progress()
    started = time.monotonic()
    timings: dict[str, float] = {}
    entries = load_answer_files(workspace.answers_dir)  # AnswerFileError: the caller lists the problems
    progress.say(f"- {len(entries)} answers are valid.")
    _regenerate(workspace, entries, progress)
    candidate = workspace.models_dir / f"il2-{training_fingerprint(workspace.root)}.tar.gz"
    live = live_model(workspace)
    store = AnswerStore(make_engine(workspace.database_url))
    if rejected_path(candidate).is_file():
        raise PublishError(
            f"{candidate.name} already failed the gate (see {report_of(rejected_path(candidate))}); "
            "change the answer files first."
        )
    if candidate.name == live or (live is None and candidate.is_file() and _last_model(workspace) == candidate.name):
        progress.say(f"- The model is unchanged ({candidate.name}): only text changed, so no training and no gate.")
        _record_baseline(workspace, live, store)
        loaded = store.load(entries, by=by)
        progress.say(f"- Answers loaded: {loaded.summary()}. The assistant shows them within a second.")
        _record_release(workspace, candidate.name, store, by, "text only")
        return PublishResult(
            candidate,
            trained=False,
            gated=False,
            promoted=live is not None,
            timings={"total": time.monotonic() - started},
        )

    trained = not candidate.is_file()
    if trained:
        log = workspace.records / "train.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        progress.say(
            "- Training inputs changed: full training. Rasa's fine-tuning does not apply: a new answer is a new "
            "label, and the linear classifier has no incremental mode; Rasa reuses the steps whose inputs "
            "did not change."
        )
        t0 = time.monotonic()
        with (
            progress.step(f"Training {candidate.name} (log: {log.relative_to(workspace.root)})"),
            log.open("w") as handle,
        ):
            try:
                train_model(workspace.root, candidate, log=handle)
            except Exception as error:  # noqa: BLE001 - any training failure leaves the live model as it is
                raise PublishError(f"Training failed ({error}); see {log}. The live model stays.") from None
        timings["train"] = time.monotonic() - t0
    else:
        progress.say(f"- {candidate.name} was trained before: no training needed.")

    t0 = time.monotonic()
    baseline = live or _last_model(workspace)
    try:
        figures, reasons, tests_summary = gate_candidate(
            workspace.records / "gate", workspace.models_dir, candidate, baseline, entries, progress
        )
    except GateError as error:
        raise PublishError(str(error)) from None
    timings["gate"] = time.monotonic() - t0
    report = write_gate_report(
        workspace.root / "reports" / "gate" / f"{candidate.name.removesuffix('.tar.gz')}.md",
        figures,
        reasons,
        tests_summary,
    )
    if reasons:
        aside = rejected_path(candidate)
        aside.parent.mkdir(parents=True, exist_ok=True)
        candidate.replace(aside)
        report.replace(report_of(aside))
        raise PublishError(
            "The candidate failed the gate and was kept aside in "
            f"{aside.relative_to(workspace.root) if aside.is_relative_to(workspace.root) else aside}: "
            + "; ".join(reasons)
            + ". The live model stays."
        )
    passed = figures["candidate"]
    progress.say(
        f"- Gate passed: answers {passed.answers_correct}/{passed.answers_total}, emergencies missed "
        f"{passed.emergency_missed}, referrals missed {passed.referral_missed} "
        f"(report: {report.relative_to(workspace.root)})."
    )

    t0 = time.monotonic()
    _record_baseline(workspace, live, store)
    with progress.step("Promoting"):
        added = store.load(entries, by=by, retire=False)  # new answers first: the new model may give them
        if live is not None:
            promote_model(workspace, candidate)
        retired = store.load(entries, by=by)  # then retire what only the old model could still pick
    timings["promote"] = time.monotonic() - t0
    progress.say(f"- Answers: {added.summary()}; retired after the swap: {len(retired.retired)}.")
    _record_release(workspace, candidate.name, store, by, "publish")
    timings["total"] = time.monotonic() - started
    if live is None:
        progress.say(f"- No assistant is running at {workspace.rasa_url}: `make run` starts with {candidate.name}.")
    else:
        progress.say(f"- Live: {candidate.name}, without a restart ({timings['total']:.0f} s in all).")
    return PublishResult(candidate, trained=trained, gated=True, promoted=live is not None, timings=timings)


def _last_model(workspace: Workspace) -> str | None:
    history = releases(workspace)
    return str(history[-1]["model"]) if history else None


def rollback(workspace: Workspace, *, by: str, progress: Progress | None = None) -> str:
    """Put the release before the current one back (model and answer versions); the name of its model.

    Rolling back again goes one release further back: a rollback's record names the release it restored.
    """
    progress = progress or Progress()
    history = releases(workspace)
    current_index = int(history[-1].get("restores", len(history) - 1)) if history else -1  # type: ignore[call-overload]
    if current_index < 1:
        raise PublishError("There is no earlier release to go back to.")
    target = history[current_index - 1]
    model = workspace.models_dir / str(target["model"])
    if not model.is_file():
        raise PublishError(f"The earlier model {model.name} is no longer in {workspace.models_dir}.")
    store = AnswerStore(make_engine(workspace.database_url))
    pointers = {str(k): int(v) for k, v in dict(target["answers"]).items()}  # type: ignore[call-overload]
    live = live_model(workspace)
    with progress.step(f"Rolling back to the release of {target['at']} ({model.name})"):
        if live is not None and live != model.name:
            promote_model(workspace, model)
        store.restore(pointers)
    _record_release(
        workspace, model.name, store, by, f"rollback to release {current_index - 1}", restores=current_index - 1
    )
    progress.say(
        "- The answer files in data/answers still hold the newer content: revert them (git) or fix them and "
        "publish again, or the next publish brings it back."
    )
    return model.name


def quiet_libraries() -> None:
    """Keep TensorFlow's and the libraries' start-up chatter out of a maintainer's terminal (as the Makefile does)."""
    import warnings

    quiet = {
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",  # Rasa's own tables use SQLAlchemy 1.x style
    }
    for name, value in quiet.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore")


def main_publish(workspace: Workspace, *, by: str) -> int:
    """CLI wrapper: 0 when live (or ready for the next start), 1 with the reason otherwise."""
    from bot.answers.files import AnswerFileError

    quiet_libraries()
    try:
        publish(workspace, by=by)
    except AnswerFileError as error:
        print(f"The answer files have {len(error.problems)} problem(s); nothing was published:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except PublishError as error:
        print(f"Not published: {error}", file=sys.stderr)
        return 1
    return 0
