"""Conversation actions: greeting, help, contact, small talk, out of scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actions.common import OutcomeAction, assistant, faq_candidates, simple_action, typed_text
from bot.dialogue import Outcome

if TYPE_CHECKING:
    from rasa_sdk import Tracker

ActionGreet = simple_action("action_greet", lambda tracker: assistant().greeting())
ActionHelp = simple_action("action_help", lambda tracker: assistant().help())
ActionHumanContact = simple_action("action_human_contact", lambda tracker: assistant().human_contact())
ActionGoodbye = simple_action("action_goodbye", lambda tracker: assistant().simple("goodbye"))
ActionThanks = simple_action("action_thanks", lambda tracker: assistant().simple("thanks"))
ActionAffirm = simple_action("action_affirm", lambda tracker: assistant().simple("affirm"))
ActionDeny = simple_action("action_deny", lambda tracker: assistant().simple("deny"))
ActionBotChallenge = simple_action("action_bot_challenge", lambda tracker: assistant().simple("bot_challenge"))


class ActionOutOfScope(OutcomeAction):
    """A question outside IL-2: say what the assistant covers, and queue the question (redacted) for review."""

    action_name = "action_out_of_scope"

    def outcome(self, tracker: Tracker) -> Outcome:
        """What the assistant can help with, and the topics."""
        text = typed_text(tracker)
        if text:
            assistant().note_unanswered(text, faq_candidates(tracker))
        return assistant().out_of_scope()
