"""The website widget's Rasa channel: origins, input limits, message format, static files.

The HTTP tests run the channel in a real Sanic app configured as `rasa run` configures it (with Rasa's
sanic-cors), with a fake agent in place of the model.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.static_files import STATIC_DIR, StaticAsset
from bot.channels.widget import WidgetInput
from bot.channels.widget_messages import WidgetOutputChannel, to_widget_message
from bot.channels.widget_requests import (
    MAX_BODY_BYTES,
    OriginPolicy,
    RequestError,
    allowed_origins_from,
    normalise_origin,
    parse_widget_request,
)
from bot.safety.text import MAX_SCAN_CHARS
from bot.safety.triage import MAX_MESSAGE_CHARS
from bot.settings import get_settings
from tests.fixtures.channels import serve_channel

CLINIC = "https://www.example-clinic.org"
SENDER = "c0ffee" * 4
ANSWER = {
    "text": "IL-2 helps your immune system.\n\nSource: NCI (https://www.cancer.gov/il2)",
    "buttons": [{"title": "Tell me more", "payload": "/tell_me_more"}],
    "custom": {
        "kind": "answer",
        "answer_id": "about.what_is_il2",
        "sources": [{"name": "NCI", "url": "https://www.cancer.gov/il2"}],
    },
}
EMERGENCY = {"text": "Call 911 now.", "custom": {"kind": "emergency", "answer_id": "system.emergency", "sources": []}}


# --- origins -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://www.example-clinic.org", "https://www.example-clinic.org"),
        ("HTTPS://WWW.Example-Clinic.org/", "https://www.example-clinic.org"),
        ("http://localhost:8080", "http://localhost:8080"),
    ],
)
def test_origins_are_normalised(origin: str, expected: str) -> None:
    assert normalise_origin(origin) == expected


@pytest.mark.parametrize("origin", ["*", "https://*.example.org", "null", "ftp://example.org", "example.org", ""])
def test_wildcards_and_non_web_origins_cannot_be_allowed(origin: str) -> None:
    with pytest.raises(ValueError):
        normalise_origin(origin)


def test_a_page_path_is_not_an_origin() -> None:
    with pytest.raises(ValueError):
        normalise_origin("https://www.example-clinic.org/chat")


def test_allowed_origins_come_from_the_environment_then_credentials_then_the_demo_page(monkeypatch) -> None:
    monkeypatch.setenv("IL2BOT_ALLOWED_ORIGINS", f"{CLINIC}, http://localhost:3000")
    get_settings.cache_clear()
    try:
        from_env = get_settings().widget_origins
    finally:
        get_settings.cache_clear()
    assert allowed_origins_from(from_env, ["http://other.example"]) == (CLINIC, "http://localhost:3000")
    assert allowed_origins_from((), [CLINIC]) == (CLINIC,)
    assert allowed_origins_from((" ",), None) == (
        "http://localhost:8080",
        "http://127.0.0.1:8080",
    )


def test_origin_policy() -> None:
    policy = OriginPolicy((CLINIC,))
    assert policy.allows(CLINIC) and policy.allows(CLINIC.upper())
    assert policy.allows(None)  # not sent by a web page (curl, server to server)
    assert not policy.allows("https://evil.example")
    assert not policy.allows("null")
    assert policy.cors_headers(CLINIC) == {"Vary": "Origin", "Access-Control-Allow-Origin": CLINIC}
    assert policy.cors_headers("https://evil.example") == {"Vary": "Origin"}
    assert "Access-Control-Allow-Methods" not in policy.preflight_headers("https://evil.example")


def test_channel_options_from_credentials(monkeypatch) -> None:
    monkeypatch.delenv("IL2BOT_ALLOWED_ORIGINS", raising=False)
    get_settings.cache_clear()
    assert WidgetInput.from_credentials({"allowed_origins": [CLINIC]}).origins.allowed == (CLINIC,)
    assert WidgetInput.from_credentials({"allowed_origins": f"{CLINIC},http://a.example"}).origins.allowed == (
        CLINIC,
        "http://a.example",
    )
    assert WidgetInput.from_credentials(None).origins.allowed == ("http://localhost:8080", "http://127.0.0.1:8080")
    monkeypatch.setenv("IL2BOT_ALLOWED_ORIGINS", "http://127.0.0.1:9999")
    get_settings.cache_clear()  # settings are read once per process; this test changes the environment
    assert WidgetInput.from_credentials({"allowed_origins": [CLINIC]}).origins.allowed == ("http://127.0.0.1:9999",)
    monkeypatch.delenv("IL2BOT_ALLOWED_ORIGINS")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="not an allowed origin"):
        WidgetInput.from_credentials({"allowed_origins": ["*"]})


# --- request validation --------------------------------------------------------------------------


def parse(body: object) -> object:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_widget_request(raw, max_chars=MAX_MESSAGE_CHARS, emergency_number="911")


def test_a_valid_request() -> None:
    assert parse({"sender": SENDER, "message": "what is il2"}).message == "what is il2"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "bad_request"),
        (b"\xff\xfe", 400, "bad_request"),
        (["a list"], 400, "bad_request"),
        ({"message": "hi"}, 400, "bad_sender"),
        ({"sender": "short", "message": "hi"}, 400, "bad_sender"),
        ({"sender": "has spaces and is long enough", "message": "hi"}, 400, "bad_sender"),
        ({"sender": 1234567890123456789, "message": "hi"}, 400, "bad_sender"),
        ({"sender": SENDER}, 400, "empty_message"),
        ({"sender": SENDER, "message": "   "}, 400, "empty_message"),
        ({"sender": SENDER, "message": ["hi"]}, 400, "empty_message"),
        ({"sender": SENDER, "message": "a" * (MAX_MESSAGE_CHARS + 1)}, 413, "too_long"),
        (b" " * (MAX_BODY_BYTES + 1), 413, "too_long"),
    ],
)
def test_bad_requests_are_refused_politely(body: object, status: int, code: str) -> None:
    with pytest.raises(RequestError) as refused:
        parse(body)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert refused.value.message.endswith((".", "now."))


def test_a_message_of_exactly_the_limit_is_accepted_and_the_refusal_names_the_emergency_number() -> None:
    assert parse({"sender": SENDER, "message": "a" * MAX_MESSAGE_CHARS})
    with pytest.raises(RequestError, match="call 911 now"):
        parse({"sender": SENDER, "message": "a" * (MAX_MESSAGE_CHARS + 1)})


# --- message format ------------------------------------------------------------------------------


def test_an_answer_keeps_text_buttons_and_metadata_together_and_cites_its_source_once() -> None:
    assert to_widget_message(ANSWER) == {
        "text": "IL-2 helps your immune system.",
        "buttons": [{"title": "Tell me more", "payload": "/tell_me_more"}],
        "kind": "answer",
        "answer_id": "about.what_is_il2",
        "sources": [{"name": "NCI", "url": "https://www.cancer.gov/il2"}],
    }


def test_sources_a_message_does_not_cite_are_not_shown() -> None:
    greeting = {
        "text": "Hello! Ask me about IL-2.",
        "custom": {"kind": "greeting", "answer_id": "system.greeting", "sources": [{"name": "About", "file": "x.md"}]},
    }
    assert to_widget_message(greeting)["sources"] == []
    assert to_widget_message(greeting)["text"] == "Hello! Ask me about IL-2."


def test_a_source_line_that_does_not_match_the_sources_is_kept_as_text() -> None:
    message = {**ANSWER, "text": "IL-2 helps.\n\nSource: somewhere else (https://x.example)"}
    assert to_widget_message(message)["text"].endswith("(https://x.example)")
    assert to_widget_message(message)["sources"] == []


def test_malformed_parts_are_dropped() -> None:
    message = {"text": None, "buttons": [{"title": "x"}, "junk", {"title": "ok", "payload": "/help"}], "custom": "x"}
    assert to_widget_message(message) == {
        "text": "",
        "buttons": [{"title": "ok", "payload": "/help"}],
        "kind": "message",
        "answer_id": None,
        "sources": [],
    }


async def test_the_output_channel_collects_whole_messages() -> None:
    channel = WidgetOutputChannel()
    await channel.send_response(SENDER, dict(ANSWER))
    await channel.send_response(SENDER, {"text": None, "image": None})  # nothing to show
    assert [m["kind"] for m in channel.messages] == ["answer"]


# --- static files --------------------------------------------------------------------------------


def test_the_widget_script_never_writes_html() -> None:
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script


def test_the_widget_caps_messages_at_the_server_limit() -> None:
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    assert re.search(r"var MAX_MESSAGE_CHARS = (\d+);", script).group(1) == str(MAX_MESSAGE_CHARS)


def test_etags_change_with_the_content(tmp_path) -> None:
    (tmp_path / "a.js").write_text("one")
    first = StaticAsset.load("a.js", tmp_path)
    (tmp_path / "a.js").write_text("two")
    second = StaticAsset.load("a.js", tmp_path)
    assert first.etag != second.etag
    assert first.is_fresh(first.etag) and first.is_fresh(f'W/{first.etag}, "other"')
    assert not first.is_fresh(second.etag) and not first.is_fresh(None)


# --- the channel over HTTP -----------------------------------------------------------------------


@dataclass
class FakeAgent:
    """Stands in for the Rasa agent: replies by the message text, or fails."""

    received: list[UserMessage] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text == "fail":
            raise RuntimeError(f"the model failed on {message.text!r}")  # as SQLAlchemy puts data in its errors
        if message.text == "emergency, then fail":
            await message.output_channel.send_response(message.sender_id, dict(EMERGENCY))
            raise RuntimeError("the model failed")
        await message.output_channel.send_response(message.sender_id, dict(ANSWER))


@dataclass
class Server:
    url: str
    agent: FakeAgent
    session: aiohttp.ClientSession

    async def post(self, body: object, origin: str | None = CLINIC, **headers: str) -> aiohttp.ClientResponse:
        if origin:
            headers["Origin"] = origin
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.session.post(f"{self.url}/webhook", data=data, headers=headers)


async def _serve(rasa_cors: str | None, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Server]:
    agent = FakeAgent()
    async with serve_channel(WidgetInput(allowed_origins=[CLINIC]), agent, monkeypatch, rasa_cors) as url:
        async with aiohttp.ClientSession() as session:
            yield Server(url, agent, session)


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Server]:
    async for running in _serve(None, monkeypatch):
        yield running


async def test_an_allowed_page_gets_the_answer(server: Server) -> None:
    response = await server.post({"sender": SENDER, "message": "what is il2"}, **{"Content-Type": "text/plain"})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == CLINIC
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert await response.json() == [to_widget_message(ANSWER)]
    (message,) = server.agent.received
    assert (message.text, message.sender_id, message.input_channel) == ("what is il2", SENDER, "widget")
    assert message.metadata is None  # nothing from the page goes into the tracker but the text


async def test_a_page_on_another_site_is_refused_and_its_message_never_processed(server: Server) -> None:
    response = await server.post({"sender": SENDER, "message": "what is il2"}, origin="https://evil.example")
    assert response.status == 403
    assert (await response.json())["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert server.agent.received == []


async def test_a_long_message_reaches_the_safety_check_which_reads_all_of_it(server: Server) -> None:
    # Longer than the assistant answers, but the emergency check must still read it (it refuses it after).
    long_message = "x" * (MAX_MESSAGE_CHARS + 1)
    response = await server.post({"sender": SENDER, "message": long_message})
    assert response.status == 200
    assert [m.text for m in server.agent.received] == [long_message]


async def test_bad_input_gets_a_json_error_the_page_can_read(server: Server) -> None:
    response = await server.post({"sender": SENDER, "message": "x" * (MAX_SCAN_CHARS + 1)})
    assert response.status == 413
    assert (await response.json())["error"] == "too_long"
    assert response.headers["Access-Control-Allow-Origin"] == CLINIC
    response = await server.post(b"<html>")
    assert (response.status, (await response.json())["error"]) == (400, "bad_request")
    assert server.agent.received == []


async def test_a_failure_gives_a_polite_error_but_never_hides_what_was_already_said(server: Server) -> None:
    response = await server.post({"sender": SENDER, "message": "fail"})
    assert response.status == 503
    body = await response.text()
    assert "Traceback" not in body and "model failed" not in body
    assert "call 911" in json.loads(body)["message"]

    # Not kept, so 503 (the widget offers to send it again), with what was said first.
    response = await server.post({"sender": SENDER, "message": "emergency, then fail"})
    assert response.status == 503
    body = await response.json()
    assert body["error"] == "unavailable"
    assert [m["kind"] for m in body["messages"]] == ["emergency"]


async def test_a_failure_never_puts_the_message_or_the_error_text_in_the_log(server: Server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    response = await server.post({"sender": SENDER, "message": "fail"})
    assert response.status == 503
    assert "RuntimeError" in caplog.text  # the kind of error is logged, for the operator
    assert "'fail'" not in caplog.text


async def test_preflight_is_answered_by_the_channel_not_by_rasas_cors(server: Server) -> None:
    headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = await server.session.options(f"{server.url}/webhook", headers={"Origin": CLINIC, **headers})
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == CLINIC
    assert allowed.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert allowed.headers["Access-Control-Allow-Headers"] == "Content-Type"
    refused = await server.session.options(
        f"{server.url}/webhook", headers={"Origin": "https://evil.example", **headers}
    )
    assert refused.status == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


async def test_rasa_cors_star_does_not_open_the_widget_endpoint_to_every_site(monkeypatch: pytest.MonkeyPatch) -> None:
    async for server in _serve("*", monkeypatch):
        allowed = await server.post({"sender": SENDER, "message": "hi"})
        assert allowed.headers.getall("Access-Control-Allow-Origin") == [CLINIC]
        assert "Access-Control-Allow-Credentials" not in allowed.headers
        refused = await server.post({"sender": SENDER, "message": "hi"}, origin="https://evil.example")
        assert refused.status == 403
        assert "Access-Control-Allow-Origin" not in refused.headers


@pytest.mark.parametrize(
    ("name", "content_type"), [("widget.js", "application/javascript"), ("widget.css", "text/css")]
)
async def test_widget_files_are_served_with_caching_headers(server: Server, name: str, content_type: str) -> None:
    response = await server.session.get(f"{server.url}/{name}", headers={"Origin": "https://any-site.example"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert await response.read() == (STATIC_DIR / name).read_bytes()
    etag = response.headers["ETag"]
    cached = await server.session.get(f"{server.url}/{name}", headers={"If-None-Match": etag})
    assert cached.status == 304
    assert await cached.read() == b""
