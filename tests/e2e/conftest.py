"""One real assistant per test session: the trained model, the Rasa server and the action server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.model_cache import ensure_model
from bot.settings import PROJECT_ROOT

START_TIMEOUT = 300.0
TEST_CLINIC = {
    "IL2BOT_CLINIC_NAME": "Test Cancer Center",
    "IL2BOT_CLINIC_PHONE": "555-0100",
    "IL2BOT_CLINIC_HOURS": "weekdays 9 to 5",
    "IL2BOT_EMERGENCY_NUMBER": "911",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; see {log}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {START_TIMEOUT:.0f}s; see {log}")


@dataclass
class RunningBot:
    """The servers under test and where their logs go."""

    base_url: str
    logs: list[Path]

    @property
    def webhook(self) -> str:
        return f"{self.base_url}/webhooks/rest/webhook"

    def send(self, text: str, sender: str | None = None) -> list[dict]:
        response = requests.post(self.webhook, json={"sender": sender or uuid.uuid4().hex, "message": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def log_text(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs)


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory, session_database) -> Iterator[RunningBot]:
    model = ensure_model()
    workdir = tmp_path_factory.mktemp("servers")
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n', encoding="utf-8")
    env = {
        **os.environ,
        **TEST_CLINIC,
        "IL2BOT_DATABASE_URL": session_database,
        "PYTHONPATH": str(PROJECT_ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
        cwd=PROJECT_ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [
            sys.executable, "-m", "rasa", "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", "credentials.yml", "--port", str(rasa_port), "--interface", "127.0.0.1",
        ],
        cwd=PROJECT_ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        yield RunningBot(base_url=f"http://127.0.0.1:{rasa_port}", logs=[action_log, rasa_log])
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
