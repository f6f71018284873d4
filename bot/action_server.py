"""The action server as rasa_sdk builds it, closed to everything but the Rasa server.

rasa_sdk's own server listens on all interfaces, allows every web origin (CORS `*`), answers a
failed call with a 500 that echoes the whole request (the patient's conversation) and logs a stack
trace for every unknown address. The actions write to the database (the review queue, feedback),
so a web page must not be able to call them. Here:
- it listens on loopback unless told otherwise (`--host`, for a private network in production);
- only `GET /health` and `POST /webhook` exist; everything else is a plain 404;
- a call must be `application/json` and carry no `Origin` header (browsers always send one on a
  cross-site POST; Rasa never does), else 403 or 415;
- a failed call gets `{"error": "internal error"}`, and the log names the exception's type only;
- request bodies are limited to `MAX_ACTION_CALL_BYTES`.

Run it with `python -m bot.action_server --port 5055` (what `make run` does).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_ACTION_CALL_BYTES = 1_000_000
"""A call holds the current turn only (`bot/rasa_speedups.py`): a few KB; 1 MB leaves room for long turns."""
OPEN_ROUTES = {("GET", "/health"), ("POST", "/webhook")}


def _refusal(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


async def only_rasa(request: Request) -> HTTPResponse | None:
    """Refuse, before any route runs, what is not Rasa's call to the webhook or a health check."""
    if (request.method, request.path) not in OPEN_ROUTES:
        return _refusal(404, "not found")
    if request.method == "POST":
        if request.headers.get("origin") is not None:
            return _refusal(403, "not allowed from a web page")
        if request.content_type.split(";")[0].strip().lower() != "application/json":
            return _refusal(415, "application/json only")
    return None


async def without_details(request: Request, exception: Exception) -> HTTPResponse:
    """A failed call: nothing of the request in the reply or the log (it holds what the patient typed)."""
    status = getattr(exception, "status_code", 500)
    if status == 413:
        return _refusal(413, "request too large")
    if status < 500:
        return _refusal(status, "bad request")
    logger.error("action call failed: %s", type(exception).__name__)
    return _refusal(500, "internal error")


def create_action_app(package: str = "actions") -> Sanic:
    """rasa_sdk's app for `package`, with no CORS, the request filter and the quiet error handler."""
    app = create_app(package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_CALL_BYTES
    app.register_middleware(only_rasa, "request")
    app.error_handler.add(Exception, without_details)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Start the action server (foreground)."""
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    parser.add_argument("--actions", default="actions", help="the package of actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    app = create_action_app(args.actions)
    logger.info("action server on http://%s:%s", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
