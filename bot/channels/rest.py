"""The REST channel (`/webhooks/rest/webhook`), bounded and quiet.

Rasa's own RestInput accepts a body of any size and logs the whole message text when handling
fails (a null message or a huge body is enough): patient words in the log. This channel has the
same URL and reply format, but refuses a body or message larger than the safety check reads (with
the emergency number in the reply), refuses a body that is not a JSON object with a text message,
and never logs the message.

It is for servers and scripts: a request from a web page (one with an `Origin` header) is refused,
since web pages use the widget channel and its allow-list. A turn that fails is answered 503 (not
kept; the client may send it again) with what was said so far and how to reach a person, where
Rasa answers 200 and nothing.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.failures import log_failed_turn
from bot.channels.limits import channel_limits
from bot.channels.replay import send_earlier_replies
from bot.channels.widget_requests import (
    MAX_BODY_BYTES,
    RequestError,
    WidgetRequest,
    delivery_of,
    readable_text,
    too_long_error,
)
from bot.dialogue import service_trouble_text
from bot.safety.text import MAX_SCAN_CHARS
from bot.settings import get_settings

logger = logging.getLogger(__name__)

_FOR_SERVERS = RequestError(403, "origin_not_allowed", "This address is for servers. Web pages use the chat widget.")
_UNREADABLE = RequestError(400, "bad_request", "Sorry, that message could not be read. Please send it as text.")


def parse_rest_body(body: bytes, emergency_number: str) -> WidgetRequest:
    """A REST body `{"sender": ..., "message": ...[, "message_id": ..., "retry": true]}`; RequestError otherwise."""
    if len(body) > MAX_BODY_BYTES:
        raise too_long_error(emergency_number)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: JSON nested too deep
        raise _UNREADABLE from None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        raise _UNREADABLE
    sender = data.get("sender", "default")
    if not isinstance(sender, str) or not sender or len(sender) > 128:
        raise RequestError(400, "bad_sender", "Sorry, this chat could not be identified. Please start over.")
    if len(data["message"]) > MAX_SCAN_CHARS:
        raise too_long_error(emergency_number)
    delivery = delivery_of(data)
    return WidgetRequest(sender, readable_text(data["message"]), delivery.message_id, delivery.retry)


class BoundedRestInput(RestInput):
    """Rasa's REST channel with input limits and no message text in any log."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """`GET /` health and `POST /webhook`, as Rasa's RestInput."""
        bp = Blueprint(f"bounded_rest_{type(self).__name__}", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if request.headers.get("origin") is not None:
                # A browser sends Origin with every cross-site POST, and a text/plain one needs no CORS
                # preflight: without this, any web page could make the assistant handle (and queue for
                # review) a message of its making. Web pages use the widget channel and its allow-list.
                return response.json([{"text": _FOR_SERVERS.message, "error": _FOR_SERVERS.code}], status=403)
            try:
                incoming = parse_rest_body(request.body or b"", get_settings().contact.emergency_number)
            except RequestError as error:
                return response.json([{"text": error.message, "error": error.code}], status=error.status)
            sender, text = incoming.sender, incoming.message
            refused = channel_limits().refusal(request, sender, text)
            if refused:
                said = [_emergency(refused.emergency_text)] if refused.emergency_text else []
                body = [*said, {"text": refused.text, "error": "rate_limited"}]
                return response.json(body, status=429, headers=refused.headers)
            collector = CollectingOutputChannel()
            try:
                if incoming.retry and incoming.message_id:
                    if await send_earlier_replies(request.app.ctx.agent, sender, incoming.message_id, collector):
                        return response.json(collector.messages)  # kept the first time: answered once
                message = UserMessage(
                    text, collector, sender, input_channel=self.name(), message_id=incoming.message_id
                )
                await on_new_message(message)
            except (CancelledError, Exception) as error:  # noqa: BLE001 - never a stack trace to the client
                log_failed_turn(logger, "rest", error)
                # 503: the turn was not kept, so the client may send it again. What was said so far (an
                # emergency reply, say) still goes out first, then how to reach a person.
                trouble = {"text": service_trouble_text(get_settings().contact), "error": "unavailable"}
                return response.json([*collector.messages, trouble], status=503)
            return response.json(collector.messages)

        return bp


def _emergency(text: str) -> dict[str, Any]:
    """An emergency reply in the REST format (text, and the kind in `custom`)."""
    return {"text": text, "custom": {"kind": "emergency", "answer_id": None, "sources": []}}
