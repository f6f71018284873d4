"""Actions that answer FAQ questions and follow-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actions.common import CURRENT_ANSWER_SLOT, QUESTION_SLOT, OutcomeAction, assistant, faq_candidates
from bot.dialogue import Outcome
from bot.vocabulary import normalise

if TYPE_CHECKING:
    from rasa_sdk import Tracker


class ActionAnswerFaq(OutcomeAction):
    """Answer the question, or ask which of the top answers was meant."""

    action_name = "action_answer_faq"

    def outcome(self, tracker: Tracker) -> Outcome:
        """Best FAQ answer when the model is clear about it."""
        return assistant().answer_question(faq_candidates(tracker))


class ActionChooseAnswer(OutcomeAction):
    """A 'did you mean' or topic button picked one answer."""

    action_name = "action_choose_answer"

    def outcome(self, tracker: Tracker) -> Outcome:
        """The chosen answer; an unknown id gets a polite reply."""
        answer_id = next(tracker.get_latest_entity_values("answer_id"), None)
        return assistant().show_answer(str(answer_id or ""))


class ActionChooseTopic(OutcomeAction):
    """A topic button: list that topic's answers."""

    action_name = "action_choose_topic"

    def outcome(self, tracker: Tracker) -> Outcome:
        """Answer buttons of the chosen topic, or all topics."""
        topic = next(tracker.get_latest_entity_values("topic"), None)
        return assistant().topic_menu(str(topic) if topic else None)


class ActionTellMeMore(OutcomeAction):
    """'Tell me more': the detail of the current answer."""

    action_name = "action_tell_me_more"

    def outcome(self, tracker: Tracker) -> Outcome:
        """Detail of the answer the conversation is about."""
        return assistant().tell_me_more(tracker.get_slot(CURRENT_ANSWER_SLOT))


class ActionFollowUp(OutcomeAction):
    """'What about the low dose one?': the related answer for the term named."""

    action_name = "action_follow_up"

    def outcome(self, tracker: Tracker) -> Outcome:
        """Related answer via the current answer's follow-ups, else the model's best guess."""
        terms = [normalise(str(e.get("value", ""))) for e in tracker.latest_message.get("entities") or []]
        term_ids = [t.id for t in terms if t is not None]
        return assistant().follow_up(tracker.get_slot(CURRENT_ANSWER_SLOT), term_ids, faq_candidates(tracker))


class ActionFeedback(OutcomeAction):
    """A thumbs up or down under an answer (the widget's buttons, or the payload on any channel)."""

    action_name = "action_feedback"

    def outcome(self, tracker: Tracker) -> Outcome:
        """Thanks; for "not helpful" also the question that got the answer, to the review queue."""
        answer_id = str(next(tracker.get_latest_entity_values("answer_id"), "") or "")
        helpful = str(next(tracker.get_latest_entity_values("helpful"), "") or "") == "yes"
        same_answer = answer_id == tracker.get_slot(CURRENT_ANSWER_SLOT)
        question = tracker.get_slot(QUESTION_SLOT) if same_answer else None
        return assistant().feedback(answer_id, helpful, question)
