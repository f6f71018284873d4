"""Rasa input channel for the website chat widget: the widget's files and its message endpoint.

Registered in credentials.yml as `bot.channels.widget.WidgetInput`; routes under `/webhooks/widget/`:

- `GET widget.js`, `GET widget.css`: the widget itself, cached (Cache-Control + ETag/304).
- `POST webhook`: `{"sender": "<random id>", "message": "..."}` -> the bot's messages, one object each
  (see `bot.channels.widget_messages`). Only pages on the allowed origins may read the answer; other
  pages get 403 and the message is never processed. Input limits as in `bot.channels.widget_requests`.
- `OPTIONS webhook`: CORS preflight. The widget itself posts as `text/plain` (a "simple" request, so
  browsers send no preflight); the preflight answer is for other clients that post JSON.

Run Rasa without `--cors` (the default): this channel does CORS for its own routes, and Rasa's
sanic-cors is stopped from adding a second, conflicting set of headers to them.
"""

from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Iterable
from typing import Any, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED

from bot.channels.failures import log_failed_turn
from bot.channels.limits import channel_limits
from bot.channels.replay import send_earlier_replies
from bot.channels.static_files import StaticAsset
from bot.channels.widget_messages import WidgetOutputChannel, to_widget_message
from bot.channels.widget_requests import (
    DEFAULT_ALLOWED_ORIGINS,
    OriginPolicy,
    RequestError,
    allowed_origins_from,
    normalise_origin,
    parse_widget_request,
)
from bot.dialogue import service_trouble_text
from bot.safety.text import MAX_SCAN_CHARS
from bot.settings import get_settings

logger = logging.getLogger(__name__)

ASSETS = ("widget.js", "widget.css")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class WidgetInput(InputChannel):
    """The website chat widget's channel: static files, origin checks, input limits, one-object messages."""

    def __init__(
        self, allowed_origins: Iterable[str] = DEFAULT_ALLOWED_ORIGINS, max_message_chars: int = MAX_SCAN_CHARS
    ) -> None:
        self.origins = OriginPolicy(tuple(normalise_origin(o) for o in allowed_origins))
        self.max_message_chars = max_message_chars

    @classmethod
    def name(cls) -> str:
        """Channel name, also the URL prefix: /webhooks/widget/."""
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WidgetInput:
        """Options from credentials.yml; IL2BOT_ALLOWED_ORIGINS (comma-separated) overrides the origins."""
        configured = (credentials or {}).get("allowed_origins")
        if isinstance(configured, str):
            configured = configured.split(",")
        return cls(allowed_origins=allowed_origins_from(get_settings().widget_origins, configured))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The channel's routes (mirrors rasa.core.channels.rest.RestInput.blueprint)."""
        module = inspect.getmodule(self)
        bp = Blueprint(f"widget_{type(self).__name__}", module.__name__ if module else None)
        assets = {name: StaticAsset.load(name) for name in ASSETS}
        webhook_path = f"/{self.url_prefix()}/webhook"

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/widget.js", methods=["GET"])
        async def script(request: Request) -> HTTPResponse:
            return _serve(assets["widget.js"], request)

        @bp.route("/widget.css", methods=["GET"])
        async def stylesheet(request: Request) -> HTTPResponse:
            return _serve(assets["widget.css"], request)

        @bp.route("/webhook", methods=["OPTIONS"])
        async def preflight(request: Request) -> HTTPResponse:
            return self.preflight(request)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        def preflight_first(request: Request) -> HTTPResponse | None:
            if request.method == "OPTIONS" and request.path.rstrip("/").endswith(webhook_path):
                return self.preflight(request)
            return None

        @bp.listener("before_server_start")
        async def answer_preflight_before_sanic_cors(app: Any, loop: Any) -> None:
            # Rasa's sanic-cors answers every OPTIONS request in the first request middleware, before
            # any route runs; our preflight must come first or allowed pages would be refused.
            app.request_middleware.appendleft(preflight_first)

        return bp

    def preflight(self, request: Request) -> HTTPResponse:
        """204 with CORS headers for an allowed page, 403 JSON for any other."""
        origin = request.headers.get("origin")
        _decided_cors(request)
        if not self.origins.allows(origin):
            return _error(_ORIGIN_REFUSED, {"Vary": "Origin"})
        return response.empty(status=204, headers=self.origins.preflight_headers(origin))

    async def receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Check origin and input, hand the message to Rasa, answer with the bot's messages."""
        origin = request.headers.get("origin")
        _decided_cors(request)
        headers = self.origins.cors_headers(origin)
        if not self.origins.allows(origin):
            return _error(_ORIGIN_REFUSED, headers)
        contact = get_settings().contact
        try:
            incoming = parse_widget_request(
                request.body, max_chars=self.max_message_chars, emergency_number=contact.emergency_number
            )
        except RequestError as error:
            return _error(error, headers)
        refused = channel_limits().refusal(request, incoming.sender, incoming.message)
        if refused:
            said = [refused.emergency_text] if refused.emergency_text else []
            body = {
                **RequestError(429, "rate_limited", refused.text).as_json(),
                "messages": [to_widget_message({"text": t, "custom": {"kind": "emergency"}}) for t in said],
            }
            return response.json(body, status=429, headers={**headers, **refused.headers, "Cache-Control": "no-store"})
        collector = WidgetOutputChannel()
        try:
            if incoming.retry and incoming.message_id:
                if await send_earlier_replies(request.app.ctx.agent, incoming.sender, incoming.message_id, collector):
                    return response.json(collector.messages, headers={**headers, "Cache-Control": "no-store"})
            await on_new_message(
                UserMessage(
                    incoming.message,
                    collector,
                    incoming.sender,
                    input_channel=self.name(),
                    message_id=incoming.message_id,
                )
            )
        except (CancelledError, Exception) as error:  # noqa: BLE001 - the patient gets a polite error, never a trace
            log_failed_turn(logger, "widget", error)
            # Not kept, so the widget offers to send it again; whatever was said (an emergency reply, say)
            # is shown first.
            unavailable = RequestError(503, "unavailable", service_trouble_text(contact))
            return response.json(
                {**unavailable.as_json(), "messages": collector.messages},
                status=503,
                headers={**headers, "Cache-Control": "no-store"},
            )
        return response.json(collector.messages, headers={**headers, "Cache-Control": "no-store"})


_ORIGIN_REFUSED = RequestError(403, "origin_not_allowed", "This website is not allowed to use the assistant.")


def _decided_cors(request: Request) -> None:
    """Tell Rasa's sanic-cors that this response's CORS headers are already decided."""
    setattr(request.ctx, SANIC_CORS_EVALUATED, "1")


def _error(error: RequestError, headers: dict[str, str]) -> HTTPResponse:
    return response.json(error.as_json(), status=error.status, headers={**headers, "Cache-Control": "no-store"})


def _serve(asset: StaticAsset, request: Request) -> HTTPResponse:
    _decided_cors(request)
    if asset.is_fresh(request.headers.get("if-none-match")):
        return response.empty(status=304, headers=asset.headers())
    return response.raw(asset.body, content_type=asset.content_type, headers=asset.headers())
