"""What the website widget may send, and from which web pages: the channel's input limits and CORS rules.

Pure functions and small value classes, so the rules are unit-tested without a server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.safety.triage import MAX_MESSAGE_CHARS

DEFAULT_ALLOWED_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")
"""The demo clinic page served by `make run`; a clinic lists its own website instead."""
MAX_BODY_BYTES = 16 * 1024
"""A request body bigger than this is refused unread: the longest message the safety check reads
(`MAX_SCAN_CHARS`, 4000 characters) fits in it as JSON."""
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
"""The widget sends a random id of its own; anything else (names, emails, paths) is refused."""


class RequestError(Exception):
    """A request the channel refuses, with the HTTP status and a polite message for the widget."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def as_json(self) -> dict[str, str]:
        """The JSON error body: a stable `error` code and a sentence a patient can read."""
        return {"error": self.code, "message": self.message}


def normalise_origin(origin: str) -> str:
    """`scheme://host[:port]` in lower case without a trailing slash; ValueError for anything else.

    A wildcard is refused on purpose: the widget talks to a medical assistant, so every clinic site
    that embeds it is listed by name.
    """
    value = origin.strip().rstrip("/").lower()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or "*" in value:
        raise ValueError(f"not an allowed origin (expected e.g. https://www.example-clinic.org): {origin!r}")
    return value


def allowed_origins_from(from_settings: Iterable[str], configured: Iterable[str] | None) -> tuple[str, ...]:
    """The allowed origins: IL2BOT_ALLOWED_ORIGINS (via settings), else credentials.yml, else the demo page."""
    chosen = [o for o in from_settings if o.strip()] or list(configured or []) or list(DEFAULT_ALLOWED_ORIGINS)
    return tuple(dict.fromkeys(normalise_origin(o) for o in chosen))


@dataclass(frozen=True)
class OriginPolicy:
    """Which web pages may talk to the assistant through the widget endpoint."""

    allowed: tuple[str, ...]

    def allows(self, origin: str | None) -> bool:
        """True for a listed origin, and for requests without an Origin header (not from a web page)."""
        if origin is None:
            return True
        try:
            return normalise_origin(origin) in self.allowed
        except ValueError:  # "null" (sandboxed frames, files) and malformed values
            return False

    def cors_headers(self, origin: str | None) -> dict[str, str]:
        """Headers that let an allowed page read the response; none for other pages."""
        headers = {"Vary": "Origin"}
        if origin is not None and self.allows(origin):
            headers["Access-Control-Allow-Origin"] = origin
        return headers

    def preflight_headers(self, origin: str | None) -> dict[str, str]:
        """CORS headers for an OPTIONS preflight from an allowed page (no cookies, JSON bodies only)."""
        headers = self.cors_headers(origin)
        if "Access-Control-Allow-Origin" in headers:
            headers.update(
                {
                    "Access-Control-Allow-Methods": "POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type",
                    "Access-Control-Max-Age": "600",
                }
            )
        return headers


@dataclass(frozen=True)
class WidgetRequest:
    """One message from the widget: the conversation id, the patient's text, and how it came."""

    sender: str
    message: str
    message_id: str | None = None
    """The client's own id of this message, kept when it is sent again (`bot.channels.replay`)."""
    retry: bool = False


def parse_widget_request(body: bytes, *, max_chars: int, emergency_number: str) -> WidgetRequest:
    """Validate a POSTed body `{"sender": ..., "message": ...}`; RequestError says politely what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise too_long_error(emergency_number)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: JSON nested too deep
        raise RequestError(400, "bad_request", "Sorry, that message could not be read. Please try again.") from None
    if not isinstance(data, dict):
        raise RequestError(400, "bad_request", "Sorry, that message could not be read. Please try again.")
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        raise RequestError(400, "bad_sender", "Sorry, this chat could not be identified. Please start over.")
    if not isinstance(message, str) or not message.strip():
        raise RequestError(400, "empty_message", "Please type a message first.")
    if len(message) > max_chars:
        raise too_long_error(emergency_number)
    delivery = delivery_of(data)
    return WidgetRequest(sender, readable_text(message), delivery.message_id, delivery.retry)


MESSAGE_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
"""A client's own random id for one message, kept when the message is sent again."""


@dataclass(frozen=True)
class Delivery:
    """How a message came: its client id, if any, and whether this is a second attempt."""

    message_id: str | None = None
    retry: bool = False


def delivery_of(data: dict[str, Any]) -> Delivery:
    """The optional `message_id` and `retry` fields of a chat request body; RequestError if malformed."""
    message_id, retry = data.get("message_id"), data.get("retry", False)
    if message_id is not None and (not isinstance(message_id, str) or not MESSAGE_ID_PATTERN.fullmatch(message_id)):
        raise RequestError(400, "bad_message_id", "Sorry, that message could not be read. Please try again.")
    if not isinstance(retry, bool) or (retry and message_id is None):
        raise RequestError(400, "bad_retry", "Sorry, that message could not be read. Please try again.")
    return Delivery(message_id=message_id, retry=retry)


def readable_text(message: str) -> str:
    """The message with any lone surrogate (JSON allows one as an escape; no real text has one) as "?".

    Left in, it makes the language pipeline fail before the safety check has read the message,
    so an emergency typed with one would get the service-trouble reply instead of the emergency one.
    """
    return message.encode("utf-8", "replace").decode("utf-8")


def too_long_error(emergency_number: str) -> RequestError:
    """A message longer than the safety check reads is refused unread, with the emergency number."""
    return RequestError(
        413,
        "too_long",
        f"That message is too long. Please keep it under {MAX_MESSAGE_CHARS} characters. "
        f"If this is an emergency, call {emergency_number} now.",
    )
