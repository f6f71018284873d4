"""A failed or slow action server call gives the patient a fixed reply within the time limit."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import bot.rasa_policy  # noqa: F401 - importing the policy installs it, as loading a model does
from bot import rasa_resilience
from tests.fixtures.servers import TEST_CLINIC


@pytest.fixture(autouse=True)
def _clinic(monkeypatch) -> None:
    for key, value in TEST_CLINIC.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("IL2BOT_ACTION_TIMEOUT", "0.5")


class _ActionServer(BaseHTTPRequestHandler):
    """Answers after `delay` seconds with `status` and `body`."""

    delay = 0.0
    status = 200
    body: dict = {"events": [{"event": "slot", "name": "notice_shown", "value": True}], "responses": []}

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.delay)
        payload = json.dumps(self.body).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        try:
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the hung-server test's client gave up long ago, as it should

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def action_server() -> Iterator[tuple[str, type[_ActionServer]]]:
    handler = type("Handler", (_ActionServer,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook", handler
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(action_name: str, url: str) -> tuple[list, float]:
    domain = Domain.empty()
    action = RemoteAction(action_name, EndpointConfig(url))
    tracker = DialogueStateTracker("someone", domain.slots)
    started = time.monotonic()
    events = asyncio.run(
        action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)
    )
    return events, time.monotonic() - started


def test_it_is_installed_with_the_policy() -> None:
    assert rasa_resilience.installed()


def test_a_working_action_server_is_used_as_before(action_server) -> None:
    url, _ = action_server
    events, _ = _run("action_answer_faq", url)
    assert events == [SlotSet("notice_shown", True)]


def test_an_action_server_that_is_down_gives_the_service_trouble_reply_at_once() -> None:
    events, took = _run("action_answer_faq", f"http://127.0.0.1:{_closed_port()}/webhook")
    assert took < 0.5
    [reply] = events
    assert isinstance(reply, BotUttered)
    assert "555-0100" in reply.text and "911" in reply.text
    assert reply.data["custom"]["kind"] == "error"


def test_an_emergency_still_gets_the_emergency_reply_when_the_action_server_is_down() -> None:
    [reply], _ = _run("action_emergency", f"http://127.0.0.1:{_closed_port()}/webhook")
    assert reply.data["custom"]["kind"] == "emergency"
    assert reply.text.startswith("This could be an emergency. Call 911")


def test_a_hung_action_server_is_given_up_on_after_the_time_limit(action_server) -> None:
    url, handler = action_server
    handler.delay = 3.0
    [reply], took = _run("action_answer_faq", url)
    assert 0.4 < took < 1.5
    assert reply.data["custom"]["kind"] == "error"


def test_an_action_server_error_status_gives_the_fixed_reply(action_server) -> None:
    url, handler = action_server
    handler.status, handler.body = 500, {"error": "internal error"}
    [reply], _ = _run("action_answer_faq", url)
    assert reply.data["custom"]["kind"] == "error"


def test_a_deliberate_rejection_still_reaches_rasa(action_server) -> None:
    url, handler = action_server
    handler.status, handler.body = 400, {"action_name": "action_answer_faq", "error": "no"}
    with pytest.raises(ActionExecutionRejection):
        _run("action_answer_faq", url)


@pytest.mark.parametrize("raw,expected", [("", 5.0), ("2", 2.0), ("0.25", 0.25)])
def test_the_time_limit_comes_from_the_environment(raw: str, expected: float) -> None:
    assert rasa_resilience.action_timeout({"IL2BOT_ACTION_TIMEOUT": raw}) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "soon"])
def test_a_bad_time_limit_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        rasa_resilience.action_timeout({"IL2BOT_ACTION_TIMEOUT": raw})


def test_a_conversation_locked_by_a_dead_replica_is_free_again_after_the_lock_lifetime() -> None:
    from rasa.core.lock_store import InMemoryLockStore

    store = InMemoryLockStore()
    store.issue_ticket("someone", lock_lifetime=0.3)  # held by a replica that was killed: never released

    async def next_turn() -> float:
        started = time.monotonic()
        async with store.lock("someone", lock_lifetime=0.3, wait_time_in_seconds=0.2):
            return time.monotonic() - started

    # Rasa's own check waits for ever here (the waiter's ticket expires just after the dead one).
    assert 0.25 < asyncio.run(asyncio.wait_for(next_turn(), timeout=3)) < 1.0


def test_a_live_earlier_ticket_still_holds_the_lock() -> None:
    from rasa.core.lock import TicketLock

    lock = TicketLock("someone")
    first = lock.issue_ticket(10)
    second = lock.issue_ticket(10)
    assert not lock.is_locked(first) and lock.is_locked(second)


def test_only_the_assistants_own_button_payloads_become_intents() -> None:
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.nlu.training_data.message import Message

    from bot import rasa_commands

    assert rasa_commands.installed()
    handler = RegexMessageHandler()
    domain = Domain.from_dict({"intents": ["choose_topic", "clinical_decision", "emergency"], "entities": ["topic"]})
    button, typed, broken = handler.process(
        [
            Message(data={"text": '/choose_topic{"topic":"side_effects"}'}),
            Message(data={"text": "/clinical_decision"}),
            Message(data={"text": "/ my name is Zebedee Quillfeather"}),
        ],
        domain,
    )
    assert button.get("intent", {}).get("name") == "choose_topic"
    assert typed.get("intent") is None and broken.get("intent") is None  # plain text: triage refuses it
