"""Serve the demo clinic website in demo/ (a plain static site that embeds the chat widget).

`make run` starts it on http://localhost:8080/ next to the assistant. Pages embed the widget exactly as
the README shows, with the assistant at http://localhost:5005; `--bot-url` points them at another
address (the tests run the assistant on a free port).
"""

from __future__ import annotations

import argparse
import functools
import http.server
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
SNIPPET_BOT_URL = "http://localhost:5005"
"""The assistant's address as written in the pages' embed snippet."""
SERVED_SUFFIXES = {".html", ".css", ".svg", ".png", ".ico"}
"""Only the website itself is served (not this script)."""


class DemoHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from demo/; in HTML pages the snippet's assistant address is replaced by --bot-url."""

    bot_url = SNIPPET_BOT_URL

    def send_head(self):  # type: ignore[no-untyped-def]
        """Serve HTML pages with the configured assistant address; other files unchanged."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in SERVED_SUFFIXES:
            self.send_error(404)
            return None
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        body = path.read_text(encoding="utf-8").replace(SNIPPET_BOT_URL, self.bot_url).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return _BytesFile(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Quiet: one short line per request on stderr."""
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


class _BytesFile:
    """The minimal file-like object SimpleHTTPRequestHandler copies to the socket."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def read(self, size: int = -1) -> bytes:
        chunk, self._body = (self._body, b"") if size < 0 else (self._body[:size], self._body[size:])
        return chunk

    def close(self) -> None:
        """Nothing to release."""


def main(argv: list[str] | None = None) -> None:
    """Run the demo web server until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bot-url", default=SNIPPET_BOT_URL, help="the assistant's address (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    handler = type("Handler", (DemoHandler,), {"bot_url": args.bot_url.rstrip("/")})
    serve_demo_dir = functools.partial(handler, directory=str(DEMO_DIR))
    server = http.server.ThreadingHTTPServer((args.host, args.port), serve_demo_dir)
    server.quiet = args.quiet  # type: ignore[attr-defined]
    print(f"Demo clinic website on http://{args.host}:{args.port}/ (assistant at {args.bot_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
