"""Production mode end to end: what is exposed, where conversations go, and faults, each with a test."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, text

from bot.production import Topology, nginx_config
from bot.publish import Workspace, live_model, promote_model
from evaluation.prod_bench import Transcript, audit_tracker_store, kill_and_restart_during, simulate_patients
from tests.conftest import TEST_CONTACT
from tests.production.conftest import TEST_REDIS_DB, Production, sender

pytestmark = pytest.mark.e2e


def _stored_user_messages(production: Production, conversation: str) -> list[str]:
    transcript = Transcript(sender=conversation)
    engine = create_engine(production.database_url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": conversation}
        )
        texts = [__import__("json").loads(data)["text"] for (data,) in rows]
    engine.dispose()
    del transcript
    return texts


def _database_allows_connections(production: Production, allowed: bool) -> None:
    """ALLOW_CONNECTIONS false, and every open connection ended: the database is down for its clients."""
    name = production.database_url.rsplit("/", 1)[1]
    admin = create_engine(
        production.database_url.rsplit("/", 1)[0] + "/postgres", future=True, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
    admin.dispose()


# --- what is exposed -------------------------------------------------------------------------------


def test_the_public_port_serves_the_chat_routes_and_nothing_else(production: Production) -> None:
    public = production.stack.topology.public_url
    assert production.post(sender(), "what is il2").status_code == 200
    assert requests.get(f"{public}/webhooks/widget/widget.js", timeout=10).status_code == 200
    assert requests.get(f"{public}/health", timeout=10).status_code == 200
    token = production.stack.api_token
    for method, path in [
        ("GET", "/status"),
        ("GET", f"/status?token={token}"),
        ("PUT", f"/model?token={token}"),
        ("GET", f"/conversations/someone/tracker?token={token}"),
        ("GET", "/socket.io/"),
        ("GET", "/webhooks/rest/"),
        ("GET", "/"),
    ]:
        assert requests.request(method, f"{public}{path}", timeout=10).status_code == 404, path
    # The replicas themselves are on loopback, their HTTP API behind the token.
    assert requests.get(f"{production.stack.topology.rasa_urls[0]}/status", timeout=10).status_code == 401


def test_a_body_over_16_kb_is_refused_by_nginx_in_the_channels_format(production: Production) -> None:
    response = requests.post(
        production.webhook, data=b'{"sender": "x", "message": "' + b"a" * 20_000 + b'"}', timeout=10
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too_long" and "call 911" in response.json()["message"]


def test_nothing_listens_beyond_loopback_but_the_widget_facing_port(production: Production) -> None:
    pids = {str(p.pid) for p in production.stack.processes.values()}
    listening = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout.splitlines()
    ours = [line.split()[3] for line in listening if any(f"pid={pid}," in line for pid in pids)]
    assert len(ours) >= 6  # nginx (2), two replicas, two action servers
    assert all(address.startswith(("127.0.0.1:", "[::1]:")) for address in ours), ours  # this stack: all loopback
    # As `make run-prod` renders it: the widget-facing port on every interface, the action balancer on loopback.
    config = nginx_config(
        Topology(workdir=Path("/tmp/x"), database_url="", redis_url="redis://127.0.0.1:6379/0"), TEST_CONTACT
    )
    assert [line.strip() for line in config.splitlines() if line.strip().startswith("listen")] == [
        "listen 0.0.0.0:8000;",
        "listen 127.0.0.1:5055;",
    ]


# --- where conversations go ------------------------------------------------------------------------


def test_a_conversation_stays_on_one_replica_and_conversations_are_spread(production: Production) -> None:
    conversation = sender()
    assert {production.replica_of(conversation) for _ in range(6)} == {production.replica_of(conversation)}
    assert {production.replica_of(sender()) for _ in range(20)} == {"rasa-1", "rasa-2"}


def test_a_killed_replicas_conversation_goes_on_elsewhere_with_its_context(production: Production) -> None:
    conversation = sender()
    replica = production.replica_of(conversation)  # "hello"
    assert "answer" in production.kinds(conversation, "what is il2")
    production.stack.kill(replica)
    try:
        # The other replica reads the conversation from PostgreSQL: "tell me more" knows the answer.
        assert "detail" in production.kinds(conversation, "tell me more")
    finally:
        production.stack.restart(replica)
    production.kinds(conversation, "thanks")
    assert _stored_user_messages(production, conversation) == ["hello", "what is il2", "tell me more", "thanks"]


def test_load_with_a_replica_killed_loses_and_doubles_nothing_acknowledged(production: Production) -> None:
    killer = kill_and_restart_during(production.stack, "rasa-2", after_seconds=3.0)
    transcripts, result = asyncio.run(simulate_patients(production.webhook, patients=20))
    killer.join(timeout=300)
    audit = audit_tracker_store(production.database_url, transcripts)
    assert (audit.lost, audit.duplicated, audit.out_of_order) == (0, 0, 0)
    assert result.errors <= 20  # only turns in flight on the killed replica (one per patient at most)
    assert audit.acknowledged == 20 * 20 - result.errors


def test_a_message_sent_again_is_answered_once(production: Production) -> None:
    conversation = sender()
    body = {"sender": conversation, "message": "what is il2", "message_id": "again-0123456789"}
    first = requests.post(production.webhook, json=body, timeout=30)
    again = requests.post(production.webhook, json={**body, "retry": True}, timeout=30)
    assert first.status_code == again.status_code == 200
    assert [m.get("text") for m in again.json()] == [m.get("text") for m in first.json()]
    assert _stored_user_messages(production, conversation) == ["what is il2"]


# --- faults ---------------------------------------------------------------------------------------


def test_action_servers_down_give_a_friendly_reply_within_2_seconds(production: Production) -> None:
    conversation = sender()
    production.stack.kill("actions-1")
    try:
        for _ in range(4):  # the other action server takes every call
            assert "answer" in production.kinds(conversation, "what is il2")
        production.stack.kill("actions-2")
        started = time.monotonic()
        response = production.post(conversation, "how is il2 given")
        took = time.monotonic() - started
        assert took < 2.0, took
        assert response.status_code == 200
        [reply] = [m for m in response.json() if "text" in m]
        assert "555-0100" in reply["text"] and "911" in reply["text"]
        emergency = production.post(conversation, "my dad collapsed and he is not breathing")
        assert [m["custom"]["kind"] for m in emergency.json() if "custom" in m] == ["emergency"]
    finally:
        production.wait_all_up()
    assert "answer" in production.kinds(conversation, "what is il2")


def test_database_down_gives_a_friendly_reply_and_service_recovers_without_a_restart(production: Production) -> None:
    conversation = sender()
    assert "answer" in production.kinds(conversation, "what is il2")
    pids = {name: process.pid for name, process in production.stack.processes.items()}
    _database_allows_connections(production, False)
    try:
        started = time.monotonic()
        response = production.post(conversation, "does it cause fever")
        assert time.monotonic() - started < 5
        assert response.status_code == 503  # not kept: the client may send it again
        body = response.text
        assert "555-0100" in body and "Traceback" not in body
    finally:
        _database_allows_connections(production, True)
    assert "detail" in production.kinds(conversation, "tell me more")  # the answer before the outage
    assert {name: process.pid for name, process in production.stack.processes.items()} == pids  # no restart
    assert _stored_user_messages(production, conversation) == ["what is il2", "tell me more"]


def test_redis_restarted_the_service_continues(production: Production) -> None:
    # What a restart of the machine's Redis (which keeps nothing on disk) does to this service, without
    # stopping the Redis other programs use: every connection of ours dropped, every lock gone.
    conversation = sender()
    assert "answer" in production.kinds(conversation, "what is il2")
    lock_url = production.stack.topology.redis_url.rsplit("/", 1)[0] + f"/{TEST_REDIS_DB + 1}"
    with redis.Redis.from_url(lock_url) as client:
        client.flushdb()
        ours = [c["id"] for c in client.client_list() if c["db"] in (str(TEST_REDIS_DB), str(TEST_REDIS_DB + 1))]
        for client_id in ours:
            client.client_kill_filter(_id=client_id)
    assert ours  # the replicas were connected
    assert "detail" in production.kinds(conversation, "tell me more")
    assert "answer" in production.kinds(conversation, "does il2 cause fever")


def test_a_model_promotion_during_load_gives_no_error(production: Production, tmp_path, monkeypatch) -> None:
    promoted = tmp_path / f"il2-promoted-{int(time.time())}.tar.gz"
    shutil.copy(production.stack.model, promoted)
    monkeypatch.setenv("IL2BOT_API_TOKEN", production.stack.api_token)
    workspace = Workspace(
        root=tmp_path, models_dir=tmp_path, database_url="", rasa_url=",".join(production.stack.topology.rasa_urls)
    )
    statuses: list[int] = []
    done = threading.Event()

    def patient() -> None:
        conversation = sender()
        while not done.is_set():
            statuses.append(production.post(conversation, "what is il2", timeout=60).status_code)

    patients = [threading.Thread(target=patient) for _ in range(4)]
    for thread in patients:
        thread.start()
    try:
        promote_model(workspace, promoted)
    finally:
        done.set()
        for thread in patients:
            thread.join()
    assert len(statuses) > 10 and set(statuses) == {200}
    for url in production.stack.topology.rasa_urls:
        assert live_model(Workspace(root=tmp_path, models_dir=tmp_path, database_url="", rasa_url=url)) == promoted.name


def test_no_log_holds_what_patients_typed(production: Production) -> None:
    details = ["Marigold Quenby-Thistlewood", "555-867-5309", "marigold.q@example.org", "MRN 88412379"]
    conversation = sender()
    production.post(conversation, f"my name is {details[0]}, call me on {details[1]} or {details[2]}, {details[3]}")
    production.post(conversation, f"{details[0]} has chest pain and cannot breathe")
    requests.post(
        production.webhook, data=b'{"sender": "x", "message": null, "n": "Marigold Quenby-Thistlewood"}', timeout=10
    )
    _database_allows_connections(production, False)
    try:
        production.post(conversation, f"is it safe for {details[0]} to take ibuprofen")
    finally:
        _database_allows_connections(production, True)
    logs = "\n".join(path.read_text(errors="replace") for path in production.stack.topology.logs.glob("*.log"))
    assert logs  # the processes do log
    for detail in details:
        assert detail.lower() not in logs.lower(), detail
