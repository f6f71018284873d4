"""A message sent again is answered once: a retry of a kept turn gets its replies, nothing handled twice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.replay import replies_to
from bot.channels.rest import BoundedRestInput
from bot.channels.widget import WidgetInput
from bot.channels.widget_requests import RequestError, delivery_of
from tests.fixtures.channels import serve_channel

CLINIC = "https://www.example-clinic.org"
SENDER = "cafebabe" * 3


@dataclass
class KeepingAgent:
    """Handles a message as Rasa does for this purpose: keeps it, with its id and the reply, in a tracker store."""

    tracker_store: InMemoryTrackerStore = field(default_factory=lambda: InMemoryTrackerStore(Domain.empty()))
    lock_store: InMemoryLockStore = field(default_factory=InMemoryLockStore)
    handled: list[str] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.handled.append(message.text or "")
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, message_id=message.message_id))
        reply = {"text": f"answer {len(self.handled)}", "custom": {"kind": "answer", "answer_id": None, "sources": []}}
        tracker.update(BotUttered(reply["text"], data={"custom": reply["custom"]}))
        await self.tracker_store.save(tracker)
        await message.output_channel.send_response(message.sender_id, reply)


def test_the_replies_of_a_kept_message_are_found_by_its_id() -> None:
    tracker = DialogueStateTracker("s", [])
    for event in [
        UserUttered("hi", message_id="first-message"),
        BotUttered("hello"),
        UserUttered("what is il2", message_id="second-message"),
        BotUttered("IL-2 is..."),
        BotUttered("One more thing"),
        UserUttered("thanks", message_id="third-message"),
    ]:
        tracker.update(event)
    assert [m["text"] for m in replies_to(tracker, "second-message")] == ["IL-2 is...", "One more thing"]
    assert replies_to(tracker, "never-sent-id") is None
    assert replies_to(None, "second-message") is None


@pytest.mark.parametrize(
    "data", [{"message_id": "short"}, {"message_id": 12345678}, {"retry": True}, {"message_id": "abcdefgh", "retry": 1}]
)
def test_a_malformed_id_or_retry_flag_is_refused(data: dict) -> None:
    with pytest.raises(RequestError):
        delivery_of(data)


@pytest.fixture
async def channels(monkeypatch) -> AsyncIterator[tuple[str, str, KeepingAgent]]:
    agent = KeepingAgent()
    async with (
        serve_channel(BoundedRestInput(), agent, monkeypatch) as rest,
        serve_channel(WidgetInput(allowed_origins=[CLINIC]), agent, monkeypatch) as widget,
    ):
        yield f"{rest}/webhook", f"{widget}/webhook", agent


async def _post(session: aiohttp.ClientSession, url: str, body: dict, **headers: str) -> tuple[int, object]:
    response = await session.post(url, data=json.dumps(body), headers=headers)
    return response.status, await response.json()


async def test_a_retry_of_a_kept_message_gets_its_replies_again_and_is_not_handled_twice(channels) -> None:
    rest, widget, agent = channels
    first = {"sender": SENDER, "message": "what is il2", "message_id": "msg-00000001"}
    async with aiohttp.ClientSession() as session:
        _, original = await _post(session, rest, first)
        status, again = await _post(session, rest, {**first, "retry": True})
        assert status == 200 and again == original
        status, by_widget = await _post(session, widget, {**first, "retry": True}, Origin=CLINIC)
        assert status == 200 and [m["text"] for m in by_widget] == ["answer 1"]
    assert agent.handled == ["what is il2"]
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert sum(isinstance(e, UserUttered) for e in tracker.events) == 1


async def test_a_retry_of_a_message_that_was_never_kept_is_handled_with_its_id(channels) -> None:
    rest, _, agent = channels
    body = {"sender": SENDER, "message": "does it cause fever", "message_id": "msg-00000002", "retry": True}
    async with aiohttp.ClientSession() as session:
        status, replies = await _post(session, rest, body)
    assert status == 200 and replies[0]["text"] == "answer 1"
    assert agent.handled == ["does it cause fever"]
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert [e.message_id for e in tracker.events if isinstance(e, UserUttered)] == ["msg-00000002"]
