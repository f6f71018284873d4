"""Fuzzing both chat endpoints of the real running assistant: odd input is refused politely, never a crash.

The REST channel (`/webhooks/rest/webhook`) and the website widget's channel (`/webhooks/widget/webhook`)
get generated bodies: any JSON value, objects with wrong types, odd unicode (control characters,
zero-width and right-to-left marks, lone surrogates, also as raw bytes), bodies and messages just below
and above the limits (16 KB, `MAX_SCAN_CHARS` characters), bytes that are not UTF-8, wrong content types, and typed
Rasa commands. For every response:

- the status is never 5xx other than 503 (the widget's "service trouble" reply);
- the body is JSON;
- it names no stack trace, exception or Python file;
- a typed `/command` that is not one of the assistant's own button payloads
  (`bot.safety.triage._ALLOWED_COMMANDS`) gets the bad-input reply, never an FAQ answer or the reply
  of the intent it names (the emergency reply when the safety check finds an emergency in it).

Afterwards the assistant still answers "what is il-2". Fixed budget: about 25 s of fuzzing on two cores
(the `max_examples` below), plus the servers' start when this file runs alone.
"""

from __future__ import annotations

import json
import re
import string
import uuid
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.widget_requests import MAX_BODY_BYTES
from bot.safety.text import MAX_SCAN_CHARS
from bot.safety.triage import _ALLOWED_COMMANDS, MAX_MESSAGE_CHARS, Route, triage
from tests.fixtures.text import not_utf8

pytestmark = pytest.mark.e2e

CHANNELS = ("rest", "widget")
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
LEAKS = re.compile(r"Traceback|File \"|Exception|site-packages|(?:[\w.-]*/)+[\w.-]+\.py\b", re.IGNORECASE)
"""What a response must never show: a stack trace, an exception's name, a Python file."""
ANSWER_KINDS = {"answer", "detail", "education"}


# --- talking to the servers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http() -> requests.Session:
    with requests.Session() as session:
        yield session


def post(
    bot: Any,
    http: requests.Session,
    channel: str,
    body: bytes,
    content_type: str | None = "application/json",
    origin: str | None = "allowed",
) -> requests.Response:
    """POST raw bytes to one channel; the widget gets the allowed page's Origin unless told otherwise."""
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if channel == "widget" and origin is not None:
        headers["Origin"] = bot.demo_origin if origin == "allowed" else origin
    return http.post(f"{bot.base_url}/webhooks/{channel}/webhook", data=body, headers=headers, timeout=60)


def checked(response: requests.Response) -> Any:
    """The JSON of a response that kept the properties every response must keep."""
    assert response.status_code < 500 or response.status_code == 503, (response.status_code, response.text[:300])
    try:
        data = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"not JSON ({response.status_code}): {response.text[:300]!r}") from None
    shown = json.dumps(_without_recipients(data), ensure_ascii=False)  # the REST channel echoes the sender
    leak = LEAKS.search(shown)
    assert leak is None, f"response shows {leak.group(0)!r}: {shown[:300]}"
    if response.status_code == 200:
        assert isinstance(data, list) and all(isinstance(m, dict) for m in data)
    return data


def _without_recipients(data: Any) -> Any:
    if isinstance(data, list):
        return [_without_recipients(item) for item in data]
    if isinstance(data, dict):
        return {k: _without_recipients(v) for k, v in data.items() if k != "recipient_id"}
    return data


def kinds(messages: list[dict]) -> list[str]:
    """Reply kinds, from the REST channel's `custom` elements or the widget's own messages."""
    found = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and "kind" in custom:
            found.append(custom["kind"])
        elif "kind" in message:
            found.append(message["kind"])
    return found


def body(sender: str, message: object, **extra: object) -> bytes:
    return json.dumps({"sender": sender, "message": message, **extra}).encode()


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


# --- strategies -----------------------------------------------------------------------------------------

SENDERS = st.text(string.ascii_letters + string.digits + "_-", min_size=16, max_size=64)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=15,
)
SPECIAL_CHARACTERS = (
    [chr(c) for c in range(0x20)]
    + ["\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\u3000"]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]  # zero-width
    + ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069"]
    + ["\ud800", "\udbff", "\udc00", "\udfff"]  # lone surrogates: valid JSON escapes, no UTF-8 encoding
    + ["\u0301", "\u20dd", "\ufffd", "\uffff", "\U0001f600", "\U0001f1fa\U0001f1f8", "\U000e0041", "\U0010ffff"]
)
WORDS = ["what", " is ", "il-2", "fever", "proleukin", "?", "/", "{", "}", "<script>", "&amp;", "%s", "{0}", "\\"]
UNICODE_TEXT = st.lists(
    st.sampled_from(SPECIAL_CHARACTERS) | st.sampled_from(WORDS) | st.characters(exclude_categories=()),
    max_size=40,
).map("".join)
BUTTON_LOOKALIKES = [
    "/emergency",
    '/faq{"x":1}',
    "/clinical_decision",
    "/restart",
    "/session_start",
    '/greet{"answer_id":"../../etc"}',
    "/nlu_fallback",
    "/out_of_scope",
    "/back",
    "/faq",
    "/faq/about.what_is_il2",
    "/action_restart",
    "/action_listen",
    "/emergency@1.0",
    '/choose_answer{"answer_id":"../../etc/passwd"}',
    '/choose_answer{"answer_id":"about.what_is_il2","x":1}',
    '/choose_topic{"topic":"system"',
    '/feedback{"answer_id":"about.what_is_il2","helpful":"maybe"}',
    "/greet extra words",
    "/Greet",
    "/help/",
    "//help",
    "/",
]
COMMANDS = st.one_of(
    st.sampled_from(BUTTON_LOOKALIKES),
    st.builds(
        lambda name, confidence, entities, pad: f"{pad}/{name}{confidence}{entities}{pad}",
        name=st.from_regex(r"[a-z_]{1,24}", fullmatch=True)
        | st.sampled_from(["greet", "help", "emergency", "faq", "restart", "choose_answer", "feedback"]),
        confidence=st.sampled_from(["", "", "@1.0", "@0.01", "@x"]),
        entities=st.one_of(
            st.just(""),
            st.dictionaries(
                st.sampled_from(["answer_id", "topic", "helpful", "x", "DRUG"]), JSON_VALUES, max_size=3
            ).map(json.dumps),
            st.text(max_size=20).map(lambda t: "{" + t),
        ),
        pad=st.sampled_from(["", " ", "\n", "\t"]),
    ),
).filter(lambda text: not _ALLOWED_COMMANDS.match(text.strip()) and not _has_surrogate(text))
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            None,
            "",
            "text/plain",
            "application/json; charset=utf-16",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/xml",
            "text/html; charset=latin-1",
            "application/octet-stream",
            "*/*",
            "application/json;;;",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(str.lstrip),
)
"""requests refuses a header value with leading whitespace, hence lstrip."""


# --- bodies ---------------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=250)
@given(value=JSON_VALUES)
def test_any_json_value_as_body(running_bot, http, value: object) -> None:
    for channel in CHANNELS:
        response = post(running_bot, http, channel, json.dumps(value).encode())
        checked(response)
        if not isinstance(value, dict):
            assert response.status_code == 400


@settings(FUZZ, max_examples=200)
@given(
    fields=st.fixed_dictionaries(
        {}, optional={"sender": JSON_VALUES | SENDERS | UNICODE_TEXT, "message": JSON_VALUES, "metadata": JSON_VALUES}
    )
)
def test_objects_with_wrong_types(running_bot, http, fields: dict) -> None:
    for channel in CHANNELS:
        response = post(running_bot, http, channel, json.dumps(fields).encode())
        checked(response)
        if not isinstance(fields.get("message"), str) or ("sender" in fields and not isinstance(fields["sender"], str)):
            assert response.status_code == 400


@settings(FUZZ, max_examples=120)
@given(sender=SENDERS, message=UNICODE_TEXT, raw=st.booleans())
def test_odd_unicode_messages(running_bot, http, sender: str, message: str, raw: bool) -> None:
    if raw:  # the text as bytes: a lone surrogate has no UTF-8 encoding, so the bytes are not UTF-8
        payload = json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
    else:
        payload = body(sender, message)
    for channel in CHANNELS:
        response = post(running_bot, http, channel, payload)
        messages = checked(response)
        if raw and _has_surrogate(message):
            assert response.status_code == 400
        elif not _has_surrogate(message) and message.strip() and len(message) <= MAX_MESSAGE_CHARS:
            assert response.status_code == 200 and messages, "a readable message gets a reply"


@settings(FUZZ, max_examples=16)
@given(
    sender=SENDERS, length=st.integers(MAX_SCAN_CHARS - 8, MAX_SCAN_CHARS + 8), unit=st.sampled_from(["a", "é", " il2"])
)
def test_messages_near_the_length_limit(running_bot, http, sender: str, length: int, unit: str) -> None:
    message = (unit * length)[:length]
    payload = json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode()
    assert len(payload) <= MAX_BODY_BYTES
    for channel in CHANNELS:
        response = post(running_bot, http, channel, payload)
        messages = checked(response)
        if length > MAX_SCAN_CHARS:
            assert response.status_code == 413
        else:  # read by the safety check, then refused as too long for a question
            assert response.status_code == 200 and "bad_input" in kinds(messages)


@settings(FUZZ, max_examples=16)
@given(sender=SENDERS, size=st.integers(MAX_BODY_BYTES - 12, MAX_BODY_BYTES + 12))
def test_bodies_near_the_size_limit(running_bot, http, sender: str, size: int) -> None:
    bare = len(body(sender, "what is il2", padding=""))
    payload = body(sender, "what is il2", padding="x" * (size - bare))
    assert len(payload) == size
    for channel in CHANNELS:
        response = post(running_bot, http, channel, payload)
        checked(response)
        assert response.status_code == (413 if size > MAX_BODY_BYTES else 200)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("unit", "length", "ascii_only", "status"),
    [
        ("é", MAX_SCAN_CHARS, False, 200),  # the longest message, 2 bytes a character: well inside 16 KB
        ("\U0001f600", MAX_SCAN_CHARS, True, 413),  # as many characters, as JSON escapes: over 16 KB
        ("x", 20_000, True, 413),  # a 20 KB message
    ],
    ids=["longest-message-utf8", "longest-message-escaped-over-16kb", "20kb-message"],
)
def test_message_limits(running_bot, http, channel: str, unit: str, length: int, ascii_only: bool, status: int) -> None:
    data = json.dumps({"sender": uuid.uuid4().hex, "message": unit * length}, ensure_ascii=ascii_only).encode()
    assert (len(data) > MAX_BODY_BYTES) == (status == 413)
    response = post(running_bot, http, channel, data)
    messages = checked(response)
    assert response.status_code == status
    if status == 200:
        assert "bad_input" in kinds(messages)  # read by the safety check, then refused as too long


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("size", "status"), [(MAX_BODY_BYTES, 400), (MAX_BODY_BYTES + 1, 413)])
def test_a_body_of_spaces_at_the_size_limit(running_bot, http, channel: str, size: int, status: int) -> None:
    response = post(running_bot, http, channel, b" " * size)
    checked(response)
    assert response.status_code == status


@settings(FUZZ, max_examples=100)
@given(sender=SENDERS, junk=st.binary(min_size=1, max_size=300).filter(not_utf8), wrapped=st.booleans())
def test_bytes_that_arenot_utf8(running_bot, http, sender: str, junk: bytes, wrapped: bool) -> None:
    payload = b'{"sender": "' + sender.encode() + b'", "message": "' + junk + b'"}' if wrapped else junk
    for channel in CHANNELS:
        response = post(running_bot, http, channel, payload)
        checked(response)
        assert response.status_code == 400


@settings(FUZZ, max_examples=40)
@given(sender=SENDERS, content_type=CONTENT_TYPES)
def test_wrong_content_types(running_bot, http, sender: str, content_type: str | None) -> None:
    for channel in CHANNELS:
        response = post(running_bot, http, channel, body(sender, "what is il2"), content_type=content_type)
        assert response.status_code == 200 and checked(response), "the channels read the body whatever its type"


@settings(FUZZ, max_examples=40)
@given(
    sender=SENDERS, origin=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(str.lstrip)
)
def test_widget_refuses_other_origins(running_bot, http, sender: str, origin: str) -> None:
    response = post(running_bot, http, "widget", body(sender, "what is il2"), origin=origin)
    data = checked(response)
    if origin.strip().rstrip("/").lower() != running_bot.demo_origin:
        assert response.status_code == 403 and data["error"] == "origin_not_allowed"


# --- typed commands ---------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=150)
@given(command=COMMANDS, sender=SENDERS)
def test_typed_commands_get_the_bad_input_reply(running_bot, http, command: str, sender: str) -> None:
    expected = "emergency" if triage(command).route is Route.EMERGENCY else "bad_input"
    for channel in CHANNELS:
        response = post(running_bot, http, channel, body(sender, command))
        got = kinds(checked(response))
        assert response.status_code == 200 and got, (channel, command)
        assert got[0] == expected, (channel, command, got)
        assert set(got) <= {expected, "notice"}, (channel, command, got)
        assert not ANSWER_KINDS & set(got)


# --- bugs this fuzzing found (fixed) ----------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("channel", CHANNELS)
def test_deeply_nested_json_is_refused(running_bot, http, channel: str, content_type: str) -> None:
    depth = 8_000  # 16 000 bytes: under the body limit, far over any recursion limit
    response = post(running_bot, http, channel, b"[" * depth + b"]" * depth, content_type=content_type)
    checked(response)
    assert response.status_code == 400


@pytest.mark.parametrize("channel", CHANNELS)
def test_emergency_with_a_lone_surrogate_gets_the_emergency_reply(running_bot, http, channel: str) -> None:
    response = post(running_bot, http, channel, body(uuid.uuid4().hex, "my dad is confused after his infusion \ud800"))
    assert response.status_code == 200
    assert "emergency" in kinds(checked(response))


# --- still up ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_still_answers_after_the_fuzzing(running_bot, http, channel: str) -> None:
    response = post(running_bot, http, channel, body(uuid.uuid4().hex, "what is il-2"))
    messages = checked(response)
    assert response.status_code == 200
    assert kinds(messages)[0] == "answer"
