"""Keep open conversations when a new model is promoted into a running Rasa server (`PUT /model`).

Rasa 3.6 builds the new agent from the endpoints file, so with the default in-memory tracker store a
promotion starts every conversation afresh: "tell me more" after a publish would not know what the
patient was reading. Rasa already carries the lock store over to the new agent; here the tracker
store goes with it. Stores outside the process (Redis, SQL) are shared anyway and left alone.

Installed when `bot.rasa_policy` is imported (every model of this project does), like the speed-ups.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
from typing import Any

import rasa.server
from rasa.core.tracker_store import InMemoryTrackerStore
from sanic import Sanic

logger = logging.getLogger(__name__)

RASA_APP_NAME = "rasa_server"
"""The name `rasa.server.create_app` gives its Sanic app (the one with `PUT /model`)."""
_RASA_LOAD_AGENT = rasa.server._load_agent
RELEASE_DELAY_SECONDS = 1.0


def innermost_store(store: Any) -> Any:
    """The tracker store inside Rasa's wrappers (`FailSafeTrackerStore`, `AwaitableTrackerStore`)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def keep_conversations(old_agent: Any, new_agent: Any) -> bool:
    """Give `new_agent` the in-memory conversations of `old_agent`; whether it did."""
    old_store = getattr(old_agent, "tracker_store", None)
    new_store = getattr(new_agent, "tracker_store", None)
    in_memory = (isinstance(innermost_store(s), InMemoryTrackerStore) for s in (old_store, new_store))
    if old_store is None or not all(in_memory):
        return False
    old_store.domain = new_agent.domain  # trackers are read back with the new model's domain
    new_agent.tracker_store = old_store
    if new_agent.processor is not None:
        new_agent.processor.tracker_store = old_store
    return True


async def load_agent_keeping_conversations(*args: Any, **kwargs: Any) -> Any:
    """Rasa's `_load_agent` for `PUT /model`, then the running agent's conversations moved over."""
    new_agent = await _RASA_LOAD_AGENT(*args, **kwargs)
    try:
        old_agent = Sanic.get_app(RASA_APP_NAME).ctx.agent
    except (KeyError, AttributeError):  # not inside `rasa run --enable-api`: nothing to keep
        return new_agent
    if keep_conversations(old_agent, new_agent):
        logger.info("model promoted: open conversations kept")
    # Rasa drops the old agent right after this returns; give its memory back a moment later.
    asyncio.get_running_loop().call_later(RELEASE_DELAY_SECONDS, release_memory)
    return new_agent


def release_memory() -> None:
    """Collect the replaced model and hand freed heap pages back to the system.

    Without it the Rasa process kept most of each replaced model's pages (CPython and glibc keep
    freed memory for reuse), so resident memory grew with every promotion; `malloc_trim` exists
    in glibc only, elsewhere the collection alone runs.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def install() -> None:
    """Use the conversation-keeping loader for `PUT /model` (idempotent)."""
    rasa.server._load_agent = load_agent_keeping_conversations
