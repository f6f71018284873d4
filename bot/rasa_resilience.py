"""When the action server cannot answer, the Rasa server answers the patient itself, within seconds.

Every reply of this assistant comes from a custom action. Rasa 3.6 waits up to 300 s for the action
server (`DEFAULT_REQUEST_TIMEOUT`), and when the call fails it logs the error, drops the action's
events and sends nothing: a patient who wrote "I can't breathe" while the action server restarts
would see the typing dots for five minutes and then no reply at all.

Here a call to the action server is given `IL2BOT_ACTION_TIMEOUT` seconds (5 by default; a turn
takes a few milliseconds there). When the call fails (at once, for a server that is down) or times
out, the turn gets a fixed reply made
in this process, which needs neither the action server nor the database: for `action_emergency` the
emergency reply itself (the triage policy, which decides it, runs here), for every other action the
service-trouble reply with the emergency number and the clinic's phone. The log line names the
action and the kind of error, never what the patient wrote.

Rasa's ticket lock (one turn at a time per conversation) can wait forever once a replica dies
holding a conversation's lock: the dead holder's ticket expires after the lock lifetime, but the
waiter's own ticket, issued a moment later, expires a moment later too, and the waiter polls once a
second, so it usually finds both gone and then waits for a ticket number that no longer exists. Here
a waiter whose own ticket has expired takes the lock as soon as no earlier ticket is still alive.

Installed with the speed-ups when `bot.rasa_policy` is imported (every model of this project does).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.lock import TicketLock
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from bot.dialogue import emergency_fallback_text, service_trouble_text
from bot.settings import get_settings

logger = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT = 5.0
"""Seconds an action call may take before the patient gets the fixed reply. An action server that is
down costs nothing like this: its connection is refused (or nginx, in front of it, answers 502) at
once, and the fixed reply goes out within the turn. The limit is for one that hangs; it is not
shorter because under heavy load (100 conversations at once on 2 cores) a call waits its turn in the
busy Rasa process for over a second, and a patient is better served by the answer a moment later."""
EMERGENCY_ACTION = "action_emergency"

_RASA_RUN = RemoteAction.run
_RASA_IS_LOCKED = TicketLock.is_locked


def action_timeout(env: dict[str, str] | None = None) -> float:
    """The action call's time limit: IL2BOT_ACTION_TIMEOUT seconds (a positive number), else 5."""
    raw = (env if env is not None else os.environ).get("IL2BOT_ACTION_TIMEOUT", "")
    if not raw:
        return DEFAULT_ACTION_TIMEOUT
    value = float(raw)
    if value <= 0:
        raise ValueError(f"IL2BOT_ACTION_TIMEOUT must be a positive number of seconds, not {raw!r}")
    return value


def fallback_events(action_name: str) -> list[Event]:
    """The fixed reply for a turn whose action could not run, in the format our actions send."""
    contact = get_settings().contact
    if action_name == EMERGENCY_ACTION:
        text, kind = emergency_fallback_text(contact), "emergency"
    else:
        text, kind = service_trouble_text(contact), "error"
    return [BotUttered(text=text, data={"custom": {"kind": kind, "answer_id": None, "sources": []}})]


async def run_remote_action(self: RemoteAction, *args: Any, **kwargs: Any) -> list[Event]:
    """Rasa's `RemoteAction.run` within the time limit, with the fixed reply when it fails."""
    try:
        return await asyncio.wait_for(_RASA_RUN(self, *args, **kwargs), timeout=action_timeout())
    except ActionExecutionRejection:
        raise  # a deliberate refusal by the action: Rasa lets another policy choose, as before
    except (asyncio.TimeoutError, aiohttp.ClientError, RasaException, OSError) as error:
        logger.error("action server unavailable for %s (%s): sent the fixed reply", self.name(), type(error).__name__)
        return fallback_events(self.name())


def is_locked(self: TicketLock, ticket_number: int) -> bool:
    """Rasa's check, except that a ticket which expired while waiting is served once no earlier one is alive."""
    if not _RASA_IS_LOCKED(self, ticket_number):
        return False
    if self._ticket_for_ticket_number(ticket_number) is not None:
        return True  # still queued behind a live ticket: wait, as Rasa does
    return any(ticket.number < ticket_number for ticket in self.tickets)


def install() -> None:
    """Put the bounded call and the lock fix in place of Rasa's (idempotent)."""
    action_timeout()  # a bad IL2BOT_ACTION_TIMEOUT stops the server at start, not a patient's turn
    RemoteAction.run = run_remote_action  # type: ignore[method-assign]
    TicketLock.is_locked = is_locked  # type: ignore[method-assign]


def installed() -> bool:
    """Whether both are in place."""
    return RemoteAction.run is run_remote_action and TicketLock.is_locked is is_locked
