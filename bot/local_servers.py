"""Helper processes on this machine: free loopback ports and the action server, for `make eval` and tests."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

import requests
import yaml

from bot.settings import PROJECT_ROOT, settings_from

START_TIMEOUT = 300.0
"""Seconds a server may take to answer; the Rasa server needs about 35 s on 2 cores."""


SANIC_REQUEST_MAX_SIZE = "65536"
"""Sanic's body limit in the Rasa server (its default is 100 MB, read into memory before any channel
sees it); the channels refuse more than 16 KB themselves, in their JSON format."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_action_server(
    port: int, *, env: dict[str, str] | None = None, log: IO[str] | None = None
) -> subprocess.Popen:
    """The action server (`actions/`, through `bot/action_server.py`) on loopback `port`, the project on PYTHONPATH."""
    environment = {**(env if env is not None else os.environ), "PYTHONPATH": str(PROJECT_ROOT)}
    output = log if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def action_endpoint(port: int) -> dict[str, object]:
    """The project's `endpoints.yml` action endpoint, pointed at an action server on `port`."""
    config = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))["action_endpoint"]
    return {**config, "url": f"http://127.0.0.1:{port}/webhook"}


def redis_stores(redis_url: str) -> dict[str, object]:
    """Rasa's Redis tracker and lock stores on the server of `redis_url` (redis://host:port/db).

    The conversations use that database, the locks the next one, so neither can clear the other.
    """
    parsed = urlparse(redis_url)
    db = int((parsed.path or "/0").lstrip("/") or 0)
    server = {"url": parsed.hostname or "127.0.0.1", "port": parsed.port or 6379}
    if parsed.password:
        server["password"] = parsed.password
    return {
        # A conversation idle for 30 minutes is forgotten: Redis keeps nothing patients typed for longer.
        "tracker_store": {"type": "redis", **server, "db": db, "key_prefix": "il2bot", "record_exp": 1800},
        "lock_store": {"type": "redis", **server, "db": db + 1, "key_prefix": "il2bot"},
    }


def write_endpoints(path: Path, action_port: int, *, redis_url: str | None = None) -> Path:
    """An endpoints file like the project's, for an action server on `action_port` (and Redis stores)."""
    config: dict[str, object] = {"action_endpoint": action_endpoint(action_port)}
    if redis_url:
        config.update(redis_stores(redis_url))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def rasa_server_command(model: Path, endpoints: Path, port: int, api_token: str) -> list[str]:
    """`rasa run` as `make run` starts it: the project's channels, loopback only, the HTTP API behind the token."""
    return (
        [sys.executable, "-m", "rasa", "run", "--model", str(model), "--endpoints", str(endpoints)]
        + ["--credentials", "credentials.yml", "--port", str(port), "--interface", "127.0.0.1"]
        + ["--enable-api", f"--auth-token={api_token}"]  # "=": a token may begin with "-"
    )


def wait_until_up(url: str, process: subprocess.Popen, log: Path | None = None, timeout: float = START_TIMEOUT) -> None:
    """Wait until `url` answers 200; fail early, with the end of the log, if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            raise RuntimeError(f"server exited early (log: {log}):\n{tail}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout:.0f}s (log: {log})")


def stop(*processes: subprocess.Popen) -> None:
    """Terminate, then kill what does not stop within 30 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass(frozen=True)
class AssistantServers:
    """A running action server and Rasa server, and where their logs go."""

    base_url: str
    logs: tuple[Path, ...]
    api_token: str
    """Guards Rasa's HTTP API (`PUT /model`), as `make run` does."""
    rasa_pid: int = 0

    @property
    def webhook(self) -> str:
        """The REST channel's address."""
        return f"{self.base_url}/webhooks/rest/webhook"


@contextmanager
def running_assistant(model: Path, workdir: Path, env: dict[str, str]) -> Iterator[AssistantServers]:
    """The action server and the Rasa server (`credentials.yml` channels) on free loopback ports."""
    action_port, rasa_port = free_port(), free_port()
    # As scripts/run.sh: several Rasa processes (IL2BOT_RASA_WORKERS) share conversations through Redis.
    settings = settings_from(env)
    workers = settings.rasa_workers
    redis_url = settings.redis_url if workers > 1 else None
    endpoints = write_endpoints(workdir / "endpoints.yml", action_port, redis_url=redis_url)
    environment = {**env, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    environment["SANIC_WORKERS"] = str(workers)
    environment["SANIC_REQUEST_MAX_SIZE"] = SANIC_REQUEST_MAX_SIZE  # as scripts/run.sh
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    token = env.get("IL2BOT_API_TOKEN") or secrets.token_urlsafe(24)
    actions = start_action_server(action_port, env=environment, log=action_log.open("w"))
    rasa = subprocess.Popen(
        rasa_server_command(model, endpoints, rasa_port, token),
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=rasa_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        yield AssistantServers(
            base_url=f"http://127.0.0.1:{rasa_port}", logs=(action_log, rasa_log), api_token=token, rasa_pid=rasa.pid
        )
    finally:
        stop(rasa, actions)


POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
"""The PostgreSQL server every dev and CI machine runs (trust auth), for scratch databases."""


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the local server, dropped afterwards with what still uses it."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{secrets.token_hex(5)}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))  # a name made here, not input
    except Exception as error:
        admin.dispose()
        raise RuntimeError(f"PostgreSQL not reachable at {POSTGRES_SERVER}: {error}") from error
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


MACHINE_REDIS = "redis://127.0.0.1:6379"
"""The Redis every dev and CI machine runs (it keeps nothing on disk)."""


def redis_database_of_its_own(first_db: int) -> str:
    """The machine's Redis, database `first_db` (the lock store takes the next one), both emptied first.

    RuntimeError when that Redis does not answer.
    """
    import redis

    try:
        for db in (first_db, first_db + 1):
            with redis.Redis.from_url(f"{MACHINE_REDIS}/{db}", socket_connect_timeout=2) as client:
                client.flushdb()
    except redis.RedisError as error:
        raise RuntimeError(f"Redis not reachable at {MACHINE_REDIS}: {error}") from error
    return f"{MACHINE_REDIS}/{first_db}"
