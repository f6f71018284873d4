"""The bounded REST channel: Rasa's URL and replies, input limits, and no message text in any log."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.rest import BoundedRestInput, parse_rest_body
from bot.channels.widget_requests import MAX_BODY_BYTES, RequestError, WidgetRequest
from bot.safety.text import MAX_SCAN_CHARS
from tests.fixtures.channels import serve_channel

PRIVATE = "my name is Jane Doe and my chest hurts"


def test_a_good_body_gives_sender_and_message() -> None:
    assert parse_rest_body(b'{"sender": "p1", "message": "what is il2"}', "911") == WidgetRequest("p1", "what is il2")
    assert parse_rest_body(b'{"message": "hi"}', "911") == WidgetRequest("default", "hi")
    again = parse_rest_body(b'{"sender": "p1", "message": "hi", "message_id": "m-0123456789", "retry": true}', "911")
    assert (again.message_id, again.retry) == ("m-0123456789", True)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"sender": "p1", "message": null}', "bad_request"),
        (b'{"sender": "p1"}', "bad_request"),
        (b"[1, 2]", "bad_request"),
        (b"not json", "bad_request"),
        (b"\xff\xfe", "bad_request"),
        (b'{"sender": 5, "message": "hi"}', "bad_sender"),
        (json.dumps({"sender": "p", "message": "a" * (MAX_SCAN_CHARS + 1)}).encode(), "too_long"),
        (b"x" * (MAX_BODY_BYTES + 1), "too_long"),
    ],
)
def test_bad_bodies_are_refused_politely(body: bytes, code: str) -> None:
    with pytest.raises(RequestError) as refused:
        parse_rest_body(body, "999")
    assert refused.value.code == code
    if code == "too_long":
        assert "call 999" in refused.value.message


@dataclass
class FakeAgent:
    received: list[UserMessage] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if "fail" in (message.text or ""):
            raise RuntimeError(f"the model failed on {message.text!r}")  # as SQLAlchemy puts data in its errors
        await message.output_channel.send_response(message.sender_id, {"text": "Call 911 now."})


@pytest.fixture
async def rest(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[str, FakeAgent]]:
    agent = FakeAgent()
    async with serve_channel(BoundedRestInput(), agent, monkeypatch) as url:
        yield f"{url}/webhook", agent


async def test_same_url_and_reply_format_as_rasa(rest) -> None:
    url, agent = rest
    async with aiohttp.ClientSession() as session:
        response = await session.post(url, json={"sender": "p1", "message": "hello"})
        assert response.status == 200
        assert await response.json() == [{"recipient_id": "p1", "text": "Call 911 now."}]
    assert [(m.text, m.sender_id, m.input_channel) for m in agent.received] == [("hello", "p1", "rest")]


async def test_failures_and_bad_bodies_never_put_the_message_in_the_log(rest, caplog) -> None:
    url, agent = rest
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as session:
        failed = await session.post(url, json={"sender": "p1", "message": f"{PRIVATE} fail"})
        assert failed.status == 503 and "Traceback" not in await failed.text()
        [trouble] = await failed.json()
        assert trouble["error"] == "unavailable" and "call 911" in trouble["text"]
        huge = await session.post(url, data=json.dumps({"sender": "p1", "message": PRIVATE * 500}))
        assert huge.status == 413
        null = await session.post(url, data=b'{"sender": "p1", "message": null}')
        assert null.status == 400
    assert len(agent.received) == 1
    assert "Jane" not in caplog.text and "chest" not in caplog.text
    assert "fail'" not in caplog.text  # the message as the error carried it


def test_json_nested_too_deep_is_refused_as_unreadable() -> None:
    with pytest.raises(RequestError) as refused:
        parse_rest_body(b"[" * 5000 + b"]" * 5000, "911")
    assert refused.value.code == "bad_request"


def test_a_lone_surrogate_becomes_a_question_mark_so_the_message_can_be_read() -> None:
    incoming = parse_rest_body(b'{"sender": "p1", "message": "my dad is confused \\ud800"}', "911")
    assert incoming.message == "my dad is confused ?"


async def test_a_web_page_cannot_use_the_rest_channel_around_the_widgets_allow_list(rest) -> None:
    url, agent = rest
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            url,
            data=json.dumps({"sender": "p1", "message": "a question made up by another site"}),
            headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
        )
        assert response.status == 403
        assert (await response.json())[0]["error"] == "origin_not_allowed"
    assert agent.received == []
