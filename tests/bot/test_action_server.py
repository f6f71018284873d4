"""The action server answers Rasa only: loopback, JSON without an Origin, no echo of a failed call, no traces."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from actions.common import OutcomeAction
from bot.local_servers import free_port, start_action_server, stop, wait_until_up

SECRET = "my name is Ann Lee and my chest hurts"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory, session_database) -> Iterator[tuple[str, Path, int]]:
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    port = free_port()
    server = start_action_server(port, env={**os.environ, "IL2BOT_DATABASE_URL": session_database}, log=log.open("w"))
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server, log)
        yield f"http://127.0.0.1:{port}", log, port
    finally:
        stop(server)


def _call(action: str, text: str) -> dict:
    tracker = {
        "sender_id": "t",
        "slots": {"notice_shown": True},
        "latest_message": {"text": text, "intent": {"name": "greet"}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {"next_action": action, "sender_id": "t", "tracker": tracker, "domain": {}, "version": "3.6.2"}


def test_it_listens_on_loopback_only(action_server) -> None:
    _, _, port = action_server
    listening = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if state == "0A" and int(local.split(":")[1], 16) == port:  # 0A: LISTEN
            listening.append(local.split(":")[0])
    assert listening == ["0100007F"]  # 127.0.0.1


def test_rasa_calls_work(action_server) -> None:
    url, _, _ = action_server
    reply = requests.post(f"{url}/webhook", json=_call("action_greet", "hello"), timeout=30)
    assert reply.status_code == 200 and reply.json()["responses"]


def test_web_pages_and_other_content_types_are_refused(action_server) -> None:
    url, _, _ = action_server
    body = _call("action_fallback", SECRET)
    from_a_page = requests.post(f"{url}/webhook", json=body, headers={"Origin": "https://evil.example"}, timeout=30)
    assert from_a_page.status_code == 403
    plain = requests.post(f"{url}/webhook", data=str(body), headers={"Content-Type": "text/plain"}, timeout=30)
    assert plain.status_code == 415
    assert "access-control-allow-origin" not in {k.lower() for k in from_a_page.headers}


def test_unknown_addresses_are_a_plain_404(action_server) -> None:
    url, log, _ = action_server
    for method, path in (("GET", "/actions"), ("GET", "/nothing/here"), ("GET", "/webhook"), ("DELETE", "/health")):
        assert requests.request(method, f"{url}{path}", timeout=30).status_code == 404
    assert "Traceback" not in log.read_text()


def test_a_failed_call_echoes_nothing_and_logs_no_patient_text(action_server) -> None:
    url, log, _ = action_server
    broken = _call("action_fallback", SECRET)
    broken["tracker"] = SECRET  # not a tracker: rasa_sdk fails before any action runs
    reply = requests.post(f"{url}/webhook", json=broken, timeout=30)
    assert reply.status_code == 500 and reply.json() == {"error": "internal error"}
    assert "Ann Lee" not in reply.text
    assert "Ann Lee" not in log.read_text() and "chest" not in log.read_text()


def test_oversized_calls_are_refused(action_server) -> None:
    url, _, _ = action_server
    huge = _call("action_greet", "x" * 2_000_000)
    assert requests.post(f"{url}/webhook", json=huge, timeout=30).status_code == 413


def test_the_shared_base_class_is_not_an_action() -> None:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert "" not in executor.actions and "action_feedback" in executor.actions
    with pytest.raises(TypeError):
        OutcomeAction()  # type: ignore[abstract]
