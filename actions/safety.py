"""Actions for the safety routes: emergency, clinical referral, bad input, unsure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actions.common import OutcomeAction, assistant, faq_candidates, typed_text
from bot.dialogue import Outcome
from bot.safety.triage import InputProblem, triage

if TYPE_CHECKING:
    from rasa_sdk import Tracker


class ActionEmergency(OutcomeAction):
    """Red-flag symptoms: tell the person to get emergency help now."""

    action_name = "action_emergency"

    def outcome(self, tracker: Tracker) -> Outcome:
        """The emergency reply."""
        return assistant().emergency()


class ActionUrgent(OutcomeAction):
    """A sign to report the same day: call the care team today."""

    action_name = "action_urgent"

    def outcome(self, tracker: Tracker) -> Outcome:
        """The urgent reply, then general education where clear."""
        return assistant().urgent(faq_candidates(tracker))


class ActionSymptomCheck(OutcomeAction):
    """A personal symptom or reading the safety rules could not place: the care team judges it."""

    action_name = "action_symptom_check"

    def outcome(self, tracker: Tracker) -> Outcome:
        """The "I cannot judge this for you" reply, with the care team's phone and the emergency number."""
        return assistant().symptom_check(faq_candidates(tracker))


class ActionClinicalReferral(OutcomeAction):
    """A personal clinical decision: general education where clear, then the care team."""

    action_name = "action_clinical_referral"

    def outcome(self, tracker: Tracker) -> Outcome:
        """Referral, never a yes/no or a dose."""
        return assistant().clinical_referral(faq_candidates(tracker))


class ActionBadInput(OutcomeAction):
    """Empty, too long, emoji-only, other-language or command-like messages."""

    action_name = "action_bad_input"

    def outcome(self, tracker: Tracker) -> Outcome:
        """A polite explanation of what the assistant can read."""
        problem = triage(tracker.latest_message.get("text")).problem
        return assistant().bad_input(problem or InputProblem.NO_WORDS)


class ActionFallback(OutcomeAction):
    """The model is unsure: offer likely answers or topics, and keep the question (redacted)."""

    action_name = "action_fallback"

    def outcome(self, tracker: Tracker) -> Outcome:
        """'Did you mean' buttons when there are plausible answers, else the topic menu."""
        candidates = faq_candidates(tracker)
        text = typed_text(tracker)
        if text:
            assistant().note_unanswered(text, candidates)
        return assistant().did_you_mean(sorted(candidates, key=lambda c: c.confidence, reverse=True))
