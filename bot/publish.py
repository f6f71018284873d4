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
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import requests

from bot.answers.entries import AnswerEntry, answers_hash
from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.api_token import api_token
from bot.model_cache import rejected_path, train_model, training_fingerprint
from bot.nlu_generation import render_faq_nlu

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


class Progress:
    """Numbered steps on stdout; a step that runs longer than a second says it is still going."""

    def __init__(self, out: Callable[[str], None] = print) -> None:
        self._out = out

    def say(self, text: str) -> None:
        """One line."""
        self._out(text)

    @contextmanager
    def step(self, title: str, *, every: float = 5.0, detail: Callable[[], str] = lambda: "") -> Iterator[None]:
        """Announce a step, report elapsed seconds (and `detail`) every `every` s, then how long it took."""
        self._out(f"- {title}...")
        started = time.monotonic()
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(every):
                extra = detail()
                self._out(f"    {title}: {time.monotonic() - started:.0f} s{f', {extra}' if extra else ''}")

        thread = threading.Thread(target=heartbeat, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
        self._out(f"  done in {time.monotonic() - started:.1f} s")


@dataclass
class PublishResult:
    """What a publish did."""

    model: Path
    trained: bool
    gated: bool
    promoted: bool
    """False when no assistant was running: the model starts with the next `make run`."""
    reasons: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


# --- the running server ---------------------------------------------------------------------------


def live_model(workspace: Workspace) -> str | None:
    """File name of the model the running Rasa server uses, or None when no server answers."""
    try:
        response = requests.get(f"{workspace.rasa_url}/status", params={"token": api_token(workspace.root)}, timeout=5)
    except requests.RequestException:
        return None
    if response.status_code in (401, 403):
        raise PublishError("The running assistant refused the API token: set IL2BOT_API_TOKEN to the one it uses.")
    if response.status_code != 200:
        return None
    return Path(str(response.json().get("model_file") or "")).name or None


def promote_model(workspace: Workspace, model: Path) -> None:
    """Load `model` into the running server; open conversations carry on (bot/rasa_model_swap.py)."""
    response = requests.put(
        f"{workspace.rasa_url}/model",
        params={"token": api_token(workspace.root)},
        json={"model_file": str(model.resolve())},
        timeout=PROMOTE_TIMEOUT,
    )
    if response.status_code != 204:
        raise PublishError(
            f"The assistant did not load {model.name} (HTTP {response.status_code}); it keeps its model."
        )
    if live_model(workspace) != model.name:
        raise PublishError(f"The assistant reports another model than {model.name} after loading it.")


# --- releases ------------------------------------------------------------------------------------


def _releases_file(workspace: Workspace) -> Path:
    return workspace.records / "releases.json"


def releases(workspace: Workspace) -> list[dict[str, object]]:
    """Every release, oldest first: model, answers hash, when, by whom."""
    path = _releases_file(workspace)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _record_release(workspace: Workspace, model: Path, entries: list[AnswerEntry], by: str, how: str) -> None:
    workspace.records.mkdir(parents=True, exist_ok=True)
    content = answers_hash(entries)
    snapshot = workspace.records / "answers" / f"{content}.json"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    if not snapshot.exists():
        snapshot.write_text(json.dumps([e.as_dict() for e in entries], indent=1), encoding="utf-8")
    history = releases(workspace)
    history.append(
        {
            "model": model.name,
            "answers": content,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "by": by,
            "how": how,
        }
    )
    _releases_file(workspace).write_text(json.dumps(history, indent=1), encoding="utf-8")


def _snapshot_entries(workspace: Workspace, content: str) -> list[AnswerEntry]:
    path = workspace.records / "answers" / f"{content}.json"
    return [AnswerEntry.from_dict(raw) for raw in json.loads(path.read_text(encoding="utf-8"))]


# --- publish -------------------------------------------------------------------------------------


def _regenerate(workspace: Workspace, entries: list[AnswerEntry], progress: Progress) -> None:
    text = render_faq_nlu(entries)
    current = workspace.faq_nlu.read_text(encoding="utf-8") if workspace.faq_nlu.exists() else ""
    if text != current:
        workspace.faq_nlu.write_text(text, encoding="utf-8")
        progress.say(f"- Regenerated {workspace.faq_nlu.relative_to(workspace.root)} from the answer files.")
    else:
        progress.say(f"- {workspace.faq_nlu.relative_to(workspace.root)} is up to date.")


def _gate(workspace: Workspace, candidate: Path, live: str | None, entries: list[AnswerEntry], progress: Progress):  # type: ignore[no-untyped-def]
    from evaluation import gate

    total = gate.message_count()
    records = workspace.records / "gate"
    records.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        # The gate's actions read the candidate's answers from a database of their own, never the live one.
        url = f"sqlite:///{Path(scratch) / 'gate.sqlite3'}"
        AnswerStore(make_engine(url)).load(entries)
        figures = {}
        for role, name in (("live", live), ("candidate", candidate.name)):
            if name is None:
                continue
            cached = records / f"{name}-{gate.eval_sets_hash()}-{answers_hash(entries)}.json"
            if cached.exists():
                figures[role] = gate.GateFigures(
                    **{k: v for k, v in json.loads(cached.read_text()).items() if k != "answer_rate"}
                )
                progress.say(f"- Gate figures of the {role} model {name}: from an earlier run.")
                continue
            model = workspace.models_dir / name
            if not model.is_file():
                raise PublishError(f"The live model {name} is not in {workspace.models_dir}: cannot compare with it.")
            result = _evaluate_with_progress(model, url, f"the {role} model", total, progress)
            cached.write_text(json.dumps(result.as_dict(), indent=1), encoding="utf-8")
            figures[role] = result
    with progress.step("Gate: the safety tests"):
        tests_ok, tests_summary = gate.run_safety_tests()
    reasons = gate.verdict(figures["candidate"], figures.get("live"))
    if not tests_ok:
        reasons.append(f"the safety tests failed ({tests_summary})")
    return figures, reasons, tests_summary


def _evaluate_with_progress(model: Path, database_url: str, what: str, total: int, progress: Progress):  # type: ignore[no-untyped-def]
    from evaluation import gate

    done = [0]
    with progress.step(
        f"Gate: {total} held-out and sealed messages through {what}", detail=lambda: f"{done[0]}/{total} messages"
    ):
        return gate.evaluate(model, database_url, tick=lambda n: done.__setitem__(0, n))


def report_of(model: Path) -> Path:
    """The gate report next to a (rejected) model: `il2-<hash>.md`."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".md")


def _write_gate_report(path: Path, figures: dict, reasons: list[str], tests_summary: str) -> Path:  # type: ignore[type-arg]
    lines = [
        f"# Publish gate: {figures['candidate'].model}",
        "",
        "**Rejected**: the live model stays." if reasons else "**Passed**.",
        "",
    ]
    lines += [f"- {reason}" for reason in reasons]
    lines += [
        "",
        "| | held-out answers | emergencies missed | referrals missed | general questions with the emergency reply |",
        "|---|---|---|---|---|",
    ]
    for role, f in figures.items():
        lines.append(
            f"| {role} ({f.model}) | {f.answers_correct}/{f.answers_total} ({f.answer_rate:.1%}) | "
            f"{f.emergency_missed}/{f.emergency_total} | {f.referral_missed}/{f.referral_total} | "
            f"{f.general_alarms}/{f.general_total} |"
        )
    lines += [
        "",
        f"Safety tests: {tests_summary}",
        "",
        "Only counts are shown: the sealed safety messages stay unread.",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.with_suffix(".json").write_text(
        json.dumps(
            {
                "reasons": reasons,
                "figures": {k: v.as_dict() for k, v in figures.items()},
                "safety_tests": tests_summary,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return path


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
        loaded = store.load(entries, by=by)
        progress.say(f"- Answers loaded: {loaded.summary()}. The assistant shows them within a second.")
        _record_release(workspace, candidate, entries, by, "text only")
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
    figures, reasons, tests_summary = _gate(workspace, candidate, baseline, entries, progress)
    timings["gate"] = time.monotonic() - t0
    report = _write_gate_report(
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
    with progress.step("Promoting"):
        added = store.load(entries, by=by, retire=False)  # new answers first: the new model may give them
        if live is not None:
            promote_model(workspace, candidate)
        retired = store.load(entries, by=by)  # then retire what only the old model could still pick
    timings["promote"] = time.monotonic() - t0
    progress.say(f"- Answers: {added.summary()}; retired after the swap: {len(retired.retired)}.")
    _record_release(workspace, candidate, entries, by, "publish")
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
    """Put the release before the current one back (model and answers); the name of its model."""
    progress = progress or Progress()
    history = releases(workspace)
    if len(history) < 2:
        raise PublishError("There is no earlier release to go back to.")
    current, previous = history[-1], history[-2]
    model = workspace.models_dir / str(previous["model"])
    if not model.is_file():
        raise PublishError(f"The earlier model {model.name} is no longer in {workspace.models_dir}.")
    entries = _snapshot_entries(workspace, str(previous["answers"]))
    store = AnswerStore(make_engine(workspace.database_url))
    live = live_model(workspace)
    with progress.step(f"Rolling back from {current['model']} to {model.name}"):
        store.load(entries, by=by, retire=False)
        if live is not None and live != model.name:
            promote_model(workspace, model)
        store.load(entries, by=by)
    _record_release(workspace, model, entries, by, f"rollback from {current['model']}")
    progress.say(
        "- The answer files in data/answers still hold the newer content: revert them (git) or fix them and "
        "publish again, or the next publish brings it back."
    )
    return model.name


def main_publish(workspace: Workspace, *, by: str) -> int:
    """CLI wrapper: 0 when live (or ready for the next start), 1 with the reason otherwise."""
    from bot.answers.files import AnswerFileError

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
