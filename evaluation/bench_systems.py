"""The three systems `make bench` and `make eval` compare, and how each is trained and started.

- `assistant`: this project, trained from its own inputs, started by `scripts/run.sh` as `make run` does.
- `stock_on_ours`: Rasa's stock configuration (the `rasa init` config: Rasa's default pipeline and
  policies) trained on this project's domain, NLU data and rules, with the same action server.
- `rasa_init`: the stock `rasa init` bot (moodbot), as Rasa ships it.

Models are trained once per content hash into `build/bench/models/` with a cold Rasa cache, and the
training time is kept next to the model, so a rerun reuses both.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import rasa

from bot.local_servers import free_port, start_action_server, stop, write_endpoints
from bot.settings import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "build" / "bench"
MODELS_DIR = BENCH_DIR / "models"
RASA_INIT_TEMPLATE = Path(rasa.__file__).parent / "cli" / "initial_project"
REST_PATH = "/webhooks/rest/webhook"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@dataclass(frozen=True)
class System:
    """One system under test: where its project lives and what it is trained from."""

    key: str
    title: str
    project: Path
    inputs: tuple[Path, ...]
    uses_our_actions: bool
    base_fingerprint: str = ""
    env: tuple[tuple[str, str], ...] = ()
    """Extra environment for starting it."""
    model_key: str = ""
    """Another system whose trained model this one serves (same inputs, started differently)."""

    @cached_property
    def fingerprint(self) -> str:
        """Hash of everything that defines the trained model, taken before training.

        Taken once: `rasa train` writes the default pipeline it used into a stock `config.yml`.
        """
        digest = hashlib.sha256(((self.model_key or self.key) + self.base_fingerprint).encode())
        for base in (*self.inputs, PROJECT_ROOT / "requirements.lock"):
            files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
            for file in files:
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
        return digest.hexdigest()[:12]

    @property
    def model(self) -> Path:
        """Where the trained model for the current inputs is kept."""
        return MODELS_DIR / f"{self.model_key or self.key}-{self.fingerprint}.tar.gz"

    @property
    def training_record(self) -> Path:
        """Seconds and per-component times of the training that made `model`."""
        return self.model.with_suffix("").with_suffix(".training.json")


def assistant() -> System:
    """The project as it is."""
    from bot.model_cache import training_fingerprint

    # The project's own training fingerprint covers its inputs and the spaCy pipeline.
    return System("assistant", "This assistant", PROJECT_ROOT, (), True, base_fingerprint=training_fingerprint())


def assistant_with_workers(workers: int = 2) -> System:
    """The project started by `scripts/run.sh` with several Rasa processes and Redis stores."""
    base = assistant()
    return System(
        "assistant_workers",
        f"This assistant, {workers} Rasa workers + Redis",
        PROJECT_ROOT,
        (),
        True,
        base_fingerprint=base.base_fingerprint,
        env=(("IL2BOT_RASA_WORKERS", str(workers)),),
        model_key="assistant",
    )


def _project(key: str, title: str, uses_our_actions: bool, fill: Callable[[Path], None]) -> System:
    """A stock project in `build/bench/<key>-<fingerprint>/`, written once and never replaced.

    Never replaced: a training may be reading it, and `rasa train` writes the default pipeline it
    used into a stock `config.yml`, so the fingerprint is taken from the fresh copy.
    """
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=BENCH_DIR))
    fill(fresh)
    inputs = (fresh / "config.yml", fresh / "domain.yml", fresh / "data")
    fingerprint = System(key, title, fresh, inputs, uses_our_actions).fingerprint
    project = BENCH_DIR / f"{key}-{fingerprint}"
    if project.exists():
        shutil.rmtree(fresh)
    else:
        fresh.rename(project)
    inputs = (project / "config.yml", project / "domain.yml", project / "data")
    system = System(key, title, project, inputs, uses_our_actions)
    system.__dict__["fingerprint"] = fingerprint  # the copy's, from before any training
    return system


def _fill_stock_on_ours(project: Path) -> None:
    (project / "data").mkdir(parents=True)
    shutil.copy(RASA_INIT_TEMPLATE / "config.yml", project / "config.yml")
    shutil.copy(PROJECT_ROOT / "domain.yml", project / "domain.yml")
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", project / "data" / "nlu")
    shutil.copy(PROJECT_ROOT / "data" / "rules.yml", project / "data" / "rules.yml")
    (project / "credentials.yml").write_text("rest:\n", encoding="utf-8")


def _fill_rasa_init(project: Path) -> None:
    shutil.copytree(RASA_INIT_TEMPLATE, project, dirs_exist_ok=True)


def stock_on_ours() -> System:
    """Rasa's stock configuration on this project's data, in its own folder under build/bench."""
    return _project("stock_on_ours", "Stock Rasa config, our data", True, _fill_stock_on_ours)


def rasa_init() -> System:
    """The `rasa init` project, copied from Rasa's own template."""
    return _project("rasa_init", "Stock rasa init bot", False, _fill_rasa_init)


def all_systems() -> list[System]:
    """The systems, this assistant first."""
    return [assistant(), assistant_with_workers(), stock_on_ours(), rasa_init()]


def component_times(log: str) -> dict[str, float]:
    """Seconds per trained component, from Rasa's 'Starting/Finished training component' log lines."""
    started: dict[str, float] = {}
    times: dict[str, float] = {}
    for line in log.splitlines():
        for marker, store in (("Starting to train component", started), ("Finished training component", times)):
            found = TIMESTAMP.search(line)
            if marker in line and "'" in line and found:  # Rasa may put a colour code before the time
                name = line.split("'")[1]
                stamp = time.mktime(time.strptime(found.group(0), "%Y-%m-%d %H:%M:%S"))
                if store is started:
                    started[name] = stamp
                elif name in started:
                    times[name] = times.get(name, 0.0) + stamp - started[name]
    return times


def ensure_trained(system: System) -> dict[str, object]:
    """Train `system` unless its model exists; the record of the training that made it."""
    if system.model.is_file() and system.training_record.is_file():
        return json.loads(system.training_record.read_text(encoding="utf-8"))
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Training {system.title} (cold cache)...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_CACHE_DIRECTORY": cache}
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        command = [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml"]
        command += ["--data", "data", "--out", str(MODELS_DIR), "--fixed-model-name", system.model.name[:-7]]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=system.project, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if done.returncode != 0 or not system.model.is_file():
        raise RuntimeError(f"training {system.key} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    record = {
        "seconds": round(seconds, 1),
        "components": {k: round(v) for k, v in component_times(done.stdout + done.stderr).items()},
        "trained_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    system.training_record.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


@dataclass
class Running:
    """A started system: its REST address, its processes and when it was launched."""

    url: str
    rasa: subprocess.Popen
    others: tuple[subprocess.Popen, ...]
    launched: float


@contextmanager
def started(system: System, workdir: Path) -> Iterator[Running]:
    """Start `system` the way its users would; stop it afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT), **dict(system.env)}
    log = (workdir / f"{system.key}.log").open("w")
    launched = time.perf_counter()
    if system.key.startswith("assistant"):
        rasa_port, demo_port = free_port(), free_port()
        env.update(IL2BOT_RASA_PORT=str(rasa_port), IL2BOT_DEMO_PORT=str(demo_port))
        # scripts/run.sh is what `make run` starts; it runs in its own process group so it stops whole.
        runner = subprocess.Popen(
            ["scripts/run.sh", str(system.model)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        running = Running(f"http://127.0.0.1:{rasa_port}{REST_PATH}", runner, (), launched)
    else:
        others: tuple[subprocess.Popen, ...] = ()
        rasa_port = free_port()
        command = [sys.executable, "-m", "rasa", "run", "--model", str(system.model), "--port", str(rasa_port)]
        command += ["--interface", "127.0.0.1", "--credentials", str(system.project / "credentials.yml")]
        if system.uses_our_actions:
            action_port = free_port()
            others = (start_action_server(action_port, env=env, log=log),)
            command += ["--endpoints", str(write_endpoints(workdir / f"{system.key}-endpoints.yml", action_port))]
        rasa_process = subprocess.Popen(command, cwd=system.project, env=env, stdout=log, stderr=subprocess.STDOUT)
        running = Running(f"http://127.0.0.1:{rasa_port}{REST_PATH}", rasa_process, others, launched)
    try:
        yield running
    finally:
        if system.key.startswith("assistant"):
            os.killpg(running.rasa.pid, 15)
            try:
                running.rasa.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(running.rasa.pid, 9)
        else:
            stop(running.rasa, *running.others)
        log.close()


def wait_for_first_answer(running: Running, text: str, timeout: float = 300.0) -> float:
    """Seconds from launch until the webhook answers `text` with at least one message."""
    import requests

    deadline = running.launched + timeout
    while time.perf_counter() < deadline:
        if running.rasa.poll() is not None:
            raise RuntimeError("the server exited before answering")
        try:
            reply = requests.post(running.url, json={"sender": "bench-start", "message": text}, timeout=5)
            if reply.status_code == 200 and reply.json():
                return time.perf_counter() - running.launched
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"no answer from {running.url} within {timeout:.0f} s")


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return children


def rasa_server_pid(running: Running) -> int:
    """The `rasa run` process itself (under scripts/run.sh for this assistant)."""
    children, pending = _children(), [running.rasa.pid]
    while pending:
        pid = pending.pop()
        try:
            if b"rasa\x00run" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            pass
        pending.extend(children.get(pid, []))
    return running.rasa.pid


def resident_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children = _children()
    total_kb, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024
