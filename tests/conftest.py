"""Shared fixtures: a test answer base loaded from the real answer files, and the real running assistant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.channels.limits import channel_limits
from bot.dialogue import Assistant
from bot.settings import ANSWERS_DIR, ClinicContact, get_settings
from tests.fixtures.servers import RunningBot, start_bot

TEST_CONTACT = ClinicContact(
    clinic_name="Test Cancer Center",
    clinic_phone="555-0100",
    clinic_hours="weekdays 9 to 5",
    emergency_number="911",
)


@pytest.fixture(autouse=True)
def _settings_read_fresh():
    """Settings are cached per process; each test starts (and leaves) with a clean cache."""
    get_settings.cache_clear()
    channel_limits.cache_clear()  # the channels' rate limits, read from the environment on first use
    yield
    get_settings.cache_clear()
    channel_limits.cache_clear()


@pytest.fixture(scope="session")
def answer_entries():
    return load_answer_files(ANSWERS_DIR)


@pytest.fixture(scope="session")
def session_database(tmp_path_factory, answer_entries) -> str:
    """An SQLite answer base loaded once per session from data/answers."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'answers.sqlite3'}"
    AnswerStore(make_engine(url)).load(answer_entries)
    return url


@pytest.fixture(scope="session")
def store(session_database) -> AnswerStore:
    return AnswerStore(make_engine(session_database))


@pytest.fixture
def fresh_store(tmp_path: Path) -> AnswerStore:
    """An empty store of its own, for tests that write."""
    return AnswerStore(make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))


@pytest.fixture(scope="session")
def assistant(store) -> Assistant:
    return Assistant(store, TEST_CONTACT)


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory, session_database) -> Iterator[RunningBot]:
    """One real assistant per test session: the trained model, the Rasa server and the action server."""
    yield from start_bot(tmp_path_factory.mktemp("servers"), session_database)
