"""Helper processes on this machine: free loopback ports and the action server, for `make eval` and tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import requests

from bot.settings import PROJECT_ROOT

START_TIMEOUT = 300.0
"""Seconds a server may take to answer; the Rasa server needs about 35 s on 2 cores."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_action_server(
    port: int, *, env: dict[str, str] | None = None, log: IO[str] | None = None
) -> subprocess.Popen:
    """The Rasa action server (`actions/`) on `port`, with the project on PYTHONPATH."""
    environment = {**(env if env is not None else os.environ), "PYTHONPATH": str(PROJECT_ROOT)}
    output = log if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
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
