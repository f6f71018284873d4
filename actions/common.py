"""Shared glue: the assistant instance, reading the tracker, and sending an Outcome."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from rasa_sdk import Action
from rasa_sdk.events import EventType, SlotSet

from bot.answers.store import AnswerStore, make_engine
from bot.dialogue import Assistant, Candidate, Outcome, service_trouble_text
from bot.nlu_generation import RETRIEVAL_INTENT, answer_id_from_intent
from bot.redaction import redact
from bot.settings import get_settings

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)

CURRENT_ANSWER_SLOT = "current_answer_id"
QUESTION_SLOT = "answered_question"
NOTICE_SLOT = "notice_shown"
MAX_KEPT_QUESTION = 500


@lru_cache(maxsize=1)
def assistant() -> Assistant:
    """The assistant, created on first use (no database connection at import time)."""
    settings = get_settings()
    return Assistant(AnswerStore(make_engine(settings.database_url)), settings.contact)


def faq_candidates(tracker: Tracker) -> list[Candidate]:
    """The ranking of FAQ answers for the latest message (Rasa's response selector output)."""
    selectors = tracker.latest_message.get("response_selector") or {}
    # A ResponseSelector configured without `retrieval_intent` (Rasa's stock config) reports under "default".
    selector = selectors.get(RETRIEVAL_INTENT) or selectors.get("default") or {}
    candidates = []
    for item in selector.get("ranking") or []:
        answer_id = answer_id_from_intent(str(item.get("intent_response_key", "")))
        if answer_id:
            candidates.append(Candidate(answer_id=answer_id, confidence=float(item.get("confidence", 0.0))))
    return candidates


def send(dispatcher: CollectingDispatcher, tracker: Tracker, outcome: Outcome) -> list[EventType]:
    """Send the replies (plus the one-time notice) and return the slot updates."""
    for reply in outcome.replies:
        dispatcher.utter_message(
            text=reply.text,
            buttons=[{"title": b.title, "payload": b.payload} for b in reply.buttons],
            json_message=reply.metadata(),
        )
    events: list[EventType] = []
    if outcome.current_answer_id:
        events.append(SlotSet(CURRENT_ANSWER_SLOT, outcome.current_answer_id))
    typed = typed_text(tracker)
    if typed:
        # Redacted: the slot is what a later "not helpful" click sends to the review queue.
        events.append(SlotSet(QUESTION_SLOT, redact(typed)[:MAX_KEPT_QUESTION]))
    try:
        assistant().note_turn(outcome)
    except Exception:  # noqa: BLE001 - counting for the staff report must never cost the patient a reply
        logger.exception("could not count the turn for the staff report")
    if not tracker.get_slot(NOTICE_SLOT):
        notice = assistant().notice()
        dispatcher.utter_message(text=notice.text, json_message=notice.metadata())
        events.append(SlotSet(NOTICE_SLOT, True))
    return events


def typed_text(tracker: Tracker) -> str:
    """What the patient typed this turn; empty for a button's payload (a '/command')."""
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else text


class OutcomeAction(Action, ABC):
    """An action whose whole job is to build an Outcome from the tracker and send it.

    Abstract, so rasa_sdk does not register this base class itself as an action with an empty name.
    """

    action_name = ""

    def name(self) -> str:
        """Rasa action name."""
        return self.action_name

    @abstractmethod
    def outcome(self, tracker: Tracker) -> Outcome:
        """The replies for this turn (implemented by each action)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Send the outcome; on an internal failure send a safe fixed message instead of an error."""
        try:
            return send(dispatcher, tracker, self.outcome(tracker))
        except Exception:  # noqa: BLE001 - a patient must never see a stack trace
            logger.exception("action %s failed", self.action_name)  # no user text in the log
            dispatcher.utter_message(
                text=service_trouble_text(get_settings().contact),
                json_message={"kind": "error", "answer_id": None, "sources": []},
            )
            return []


def simple_action(action_name: str, build: Callable[[Tracker], Outcome]) -> type[OutcomeAction]:
    """A named OutcomeAction class for replies that need nothing but the tracker."""
    return type(
        f"Action_{action_name}",
        (OutcomeAction,),
        {"action_name": action_name, "outcome": lambda self, tracker: build(tracker), "__module__": __name__},
    )
