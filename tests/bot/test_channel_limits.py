"""Rate limits on the chat channels: a polite refusal, an emergency still answered, one budget for both channels."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.rest import BoundedRestInput
from bot.channels.widget import WidgetInput
from tests.fixtures.channels import serve_channel
from tests.fixtures.servers import TEST_CLINIC

CLINIC = "https://www.example-clinic.org"
SENDER = "feedface" * 3


@dataclass
class EchoAgent:
    received: list[str] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message.text or "")
        await message.output_channel.send_response(message.sender_id, {"text": "An answer."})


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in TEST_CLINIC.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("IL2BOT_RATE_SESSION_PER_MINUTE", "6")  # one every 10 s after the burst
    monkeypatch.setenv("IL2BOT_RATE_SESSION_BURST", "3")
    monkeypatch.setenv("IL2BOT_RATE_ADDRESS_PER_MINUTE", "6")
    monkeypatch.setenv("IL2BOT_RATE_ADDRESS_BURST", "5")


@pytest.fixture
async def rest(limits, monkeypatch) -> AsyncIterator[tuple[str, EchoAgent]]:
    agent = EchoAgent()
    async with serve_channel(BoundedRestInput(), agent, monkeypatch) as url:
        yield f"{url}/webhook", agent


async def _post(session: aiohttp.ClientSession, url: str, sender: str, text: str, **headers: str):
    response = await session.post(url, data=json.dumps({"sender": sender, "message": text}), headers=headers)
    return response.status, await response.json(), response.headers


async def test_a_fast_conversation_is_refused_politely_then_let_through_again(rest) -> None:
    url, agent = rest
    async with aiohttp.ClientSession() as session:
        statuses = [(await _post(session, url, SENDER, f"question {i}"))[0] for i in range(3)]
        assert statuses == [200, 200, 200]
        status, body, headers = await _post(session, url, SENDER, "one more")
    assert status == 429
    assert body == [{"text": body[0]["text"], "error": "rate_limited"}]
    assert "wait about 10 seconds" in body[0]["text"] and "call 911" in body[0]["text"]
    assert headers["Retry-After"] == "10"
    assert agent.received == ["question 0", "question 1", "question 2"]  # the refused one never reached Rasa


async def test_an_emergency_typed_while_refused_still_gets_the_emergency_reply(rest) -> None:
    url, agent = rest
    async with aiohttp.ClientSession() as session:
        for i in range(3):
            await _post(session, url, SENDER, f"question {i}")
        status, body, _ = await _post(session, url, SENDER, "i cant breathe and my lips are blue")
    assert status == 429
    assert body[0]["custom"]["kind"] == "emergency" and body[0]["text"].startswith("This could be an emergency")
    assert body[1]["error"] == "rate_limited"


async def test_many_conversations_from_one_address_meet_the_address_limit(rest) -> None:
    url, _ = rest
    async with aiohttp.ClientSession() as session:
        statuses = [(await _post(session, url, f"patient-{i}", "hello"))[0] for i in range(6)]
    assert statuses == [200] * 5 + [429]


async def test_behind_the_proxy_each_client_address_has_its_own_budget(rest) -> None:
    url, _ = rest
    async with aiohttp.ClientSession() as session:
        first = [(await _post(session, url, f"a-{i}", "hi", **{"X-Forwarded-For": "203.0.113.7"}))[0] for i in range(6)]
        other = (await _post(session, url, "b-0", "hi", **{"X-Forwarded-For": "203.0.113.8"}))[0]
    assert first == [200] * 5 + [429]
    assert other == 200


async def test_the_widget_and_rest_share_one_budget(limits, monkeypatch) -> None:
    agent = EchoAgent()
    async with (
        serve_channel(BoundedRestInput(), agent, monkeypatch) as rest_url,
        serve_channel(WidgetInput(allowed_origins=[CLINIC]), agent, monkeypatch) as widget_url,
    ):
        async with aiohttp.ClientSession() as session:
            for i in range(3):
                assert (await _post(session, f"{rest_url}/webhook", SENDER, f"q{i}"))[0] == 200
            status, body, headers = await _post(session, f"{widget_url}/webhook", SENDER, "q3", Origin=CLINIC)
    assert status == 429
    assert body["error"] == "rate_limited" and body["messages"] == []
    assert headers["Access-Control-Allow-Origin"] == CLINIC  # the page can read the refusal and show it


async def test_limits_set_to_zero_are_off(monkeypatch) -> None:
    monkeypatch.setenv("IL2BOT_RATE_SESSION_PER_MINUTE", "0")
    monkeypatch.setenv("IL2BOT_RATE_ADDRESS_PER_MINUTE", "0")
    agent = EchoAgent()
    async with serve_channel(BoundedRestInput(), agent, monkeypatch) as url:
        async with aiohttp.ClientSession() as session:
            statuses = {(await _post(session, f"{url}/webhook", SENDER, "hi"))[0] for _ in range(60)}
    assert statuses == {200}
