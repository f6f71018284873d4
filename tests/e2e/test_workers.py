"""Several Rasa processes (IL2BOT_RASA_WORKERS=2): every conversation keeps its state across them."""

from __future__ import annotations

import uuid

import pytest
import redis

from bot.settings import get_settings
from tests.fixtures.servers import RunningBot, start_bot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def two_worker_bot(tmp_path_factory, session_database, monkeypatch_module) -> RunningBot:
    try:
        redis.Redis.from_url(get_settings().redis_url).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379 (the several-workers mode needs it)")
    monkeypatch_module.setenv("IL2BOT_RASA_WORKERS", "2")
    yield from start_bot(tmp_path_factory.mktemp("workers"), session_database)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _kinds(messages: list[dict]) -> list[str]:
    return [m["custom"]["kind"] for m in messages if isinstance(m.get("custom"), dict)]


def test_conversations_keep_their_state_whichever_worker_answers(two_worker_bot: RunningBot) -> None:
    for _ in range(4):
        sender = uuid.uuid4().hex
        kinds = []
        for text in ("what is il2", "tell me more", "does it cause fever", "tell me more", "thanks", "bye"):
            kinds += _kinds(two_worker_bot.send(text, sender))
        # The notice comes once per conversation; with per-process memory a second worker would repeat it,
        # and "tell me more" would find no current answer there.
        assert kinds.count("notice") == 1, kinds
        assert kinds.count("detail") == 2, kinds
