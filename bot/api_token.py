"""The token that guards Rasa's HTTP API (`PUT /model` and the rest): never a default value.

`IL2BOT_API_TOKEN` when set; otherwise a random token generated on first use into `var/api_token`,
readable by its owner only (mode 0600), so `make run` and `bot publish` on the same machine agree.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import PROJECT_ROOT

TOKEN_ENV = "IL2BOT_API_TOKEN"
TOKEN_FILE = Path("var") / "api_token"


def api_token(root: Path = PROJECT_ROOT) -> str:
    """The API token: from the environment, else `root/var/api_token`, created if missing."""
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    path = root / TOKEN_FILE
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    # Created with 0600 from the start: there is no moment when another user could read it.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.chmod(path, 0o600)
    return token
