"""The widget's own files (widget.js, widget.css), served by the assistant itself with caching headers.

Clinics may run offline, so nothing is fetched from a CDN: the files ship in `bot/channels/static/`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
CACHE_SECONDS = 3600
"""Browsers keep the files an hour and then revalidate cheaply with the ETag."""
_CONTENT_TYPES = {".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class StaticAsset:
    """One file's bytes, content type and ETag (a hash of the content)."""

    body: bytes
    content_type: str
    etag: str

    @classmethod
    def load(cls, name: str, directory: Path = STATIC_DIR) -> StaticAsset:
        """Read a file once, at start-up."""
        path = directory / name
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return cls(body=body, content_type=_CONTENT_TYPES[path.suffix], etag=etag)

    def headers(self) -> dict[str, str]:
        """Caching and safety headers; any page may embed the file (the API itself checks origins)."""
        return {
            "Cache-Control": f"public, max-age={CACHE_SECONDS}",
            "ETag": self.etag,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        }

    def is_fresh(self, if_none_match: str | None) -> bool:
        """True when the browser's cached copy is current (answer 304 Not Modified)."""
        if not if_none_match:
            return False
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return self.etag in tags or "*" in tags
