"""What the assistant says in each situation, as plain data the Rasa actions send on.

Every sentence comes from the answer base (`data/answers`), so content changes need a reload,
not a code change or a retrain. Clinic details fill the placeholders of every answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.activity import ActivityLog, turn_category
from bot.answers.entries import SYSTEM_TOPIC, Source
from bot.answers.store import AnswerStore, StoredAnswer
from bot.safety.triage import InputProblem
from bot.settings import ClinicContact

ANSWER_CONFIDENCE = 0.12
"""Below this, or too close to the runner-up, we ask which topic was meant instead of guessing.

The answer ranking is the linear classifier's probabilities over about 105 answers
(`bot/linear_nlu.py`), so 0.12 is already a clear lead; the margin keeps near ties for the
"did you mean" buttons. Chosen on the coverage set's dev part (never its test part): every pair from
0.08 to 0.15 and margins up to 0.03 gave the most right replies over answer and out-of-scope
questions together (230 of 239); this pair is the middle of that plateau. See EVALUATION.md."""
CLEAR_MARGIN = 0.03
SUGGEST_CONFIDENCE = 0.08
"""Candidates below this are not worth offering as 'did you mean' buttons."""
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Button:
    """A quick-reply button; the payload is one of the commands `bot.safety.triage` allows."""

    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One bot message."""

    kind: str
    text: str
    buttons: tuple[Button, ...] = ()
    answer_id: str | None = None
    sources: tuple[Source, ...] = ()

    def metadata(self) -> dict[str, object]:
        """Machine-readable facts about the message, for the widget and tests."""
        return {
            "kind": self.kind,
            "answer_id": self.answer_id,
            "sources": [s.as_dict() for s in self.sources],
        }


@dataclass
class Outcome:
    """The replies for one turn and the answer the conversation is now about (None keeps it)."""

    replies: list[Reply] = field(default_factory=list)
    current_answer_id: str | None = None


@dataclass(frozen=True)
class Candidate:
    """An FAQ answer the model considers, with its confidence."""

    answer_id: str
    confidence: float


def clear_answer(candidates: list[Candidate]) -> Candidate | None:
    """The best candidate when it is confident enough and clearly ahead of the runner-up."""
    ranked = sorted(candidates, key=lambda c: c.confidence, reverse=True)
    if not ranked or ranked[0].confidence < ANSWER_CONFIDENCE:
        return None
    runner_up = ranked[1].confidence if len(ranked) > 1 else 0.0
    return ranked[0] if ranked[0].confidence - runner_up >= CLEAR_MARGIN else None


def choose_answer_button(answer_id: str, title: str) -> Button:
    """Button that shows one answer."""
    return Button(title=title, payload=f'/choose_answer{{"answer_id":"{answer_id}"}}')


def choose_topic_button(topic: str, title: str) -> Button:
    """Button that lists a topic's answers."""
    return Button(title=title, payload=f'/choose_topic{{"topic":"{topic}"}}')


HUMAN_BUTTON = Button(title="Talk to a person", payload="/human_contact")


def service_trouble_text(contact: ClinicContact) -> str:
    """What a patient reads when something failed on our side.

    Fixed here, not in the answer base, because it must work when the database does not.
    """
    return (
        "Sorry, something went wrong on our side. Please try again in a moment. "
        f"If this is an emergency, call {contact.emergency_number} now. "
        f"To talk to a person, call {contact.clinic_phone}."
    )


def emergency_fallback_text(contact: ClinicContact) -> str:
    """The emergency reply when the answer base cannot be reached (the `system.emergency` answer's words).

    Fixed here for the same reason as `service_trouble_text`: an emergency must get its reply even
    when the action server or the database is down. `tests/bot/test_dialogue.py` keeps it in step
    with the curated answer.
    """
    return (
        f"This could be an emergency. Call {contact.emergency_number} or your local emergency number now, "
        "or go to the nearest emergency room. If you are in the hospital, press the call button or tell a nurse "
        f"right away. Then call {contact.clinic_name} at {contact.clinic_phone}."
    )


def format_sources(sources: tuple[Source, ...]) -> str:
    """'Source: name (address)' line shown under an answer."""
    parts = [f"{s.name} ({s.url})" if s.url else s.name for s in sources]
    label = "Source" if len(parts) == 1 else "Sources"
    return f"{label}: " + "; ".join(parts)


class Assistant:
    """Composes replies from the answer store and the clinic's contact details."""

    def __init__(self, store: AnswerStore, contact: ClinicContact, activity: ActivityLog | None = None) -> None:
        self._store = store
        self._contact = contact
        self._activity = activity or ActivityLog(store.engine)

    # --- FAQ answers -------------------------------------------------------------------------

    def answer_question(self, candidates: list[Candidate]) -> Outcome:
        """Answer the best candidate when it is clear; otherwise ask which topic was meant."""
        clear = clear_answer(candidates)
        if clear is not None:
            return self.show_answer(clear.answer_id)
        return self.did_you_mean(sorted(candidates, key=lambda c: c.confidence, reverse=True))

    def show_answer(self, answer_id: str) -> Outcome:
        """One answer with its source; an unknown id gets a polite 'not found' and the topic menu."""
        answer = self._store.get(answer_id)
        if answer is None or answer.topic == SYSTEM_TOPIC:
            return self._intro_then_topics("system.unknown_choice", "fallback")
        return Outcome(replies=[self._answer_reply(answer, answer.answer, "answer")], current_answer_id=answer.id)

    def did_you_mean(self, ranked: list[Candidate]) -> Outcome:
        """Offer the top few plausible answers as buttons, or the topic menu when none is plausible."""
        buttons = []
        for candidate in ranked:
            answer = self._store.get(candidate.answer_id)
            if answer is not None and candidate.confidence >= SUGGEST_CONFIDENCE:
                buttons.append(choose_answer_button(answer.id, answer.title))
            if len(buttons) == MAX_SUGGESTIONS:
                break
        if len(buttons) < 2:
            return self.unsure()
        reply = self._system_reply("system.did_you_mean", "disambiguation", (*buttons, HUMAN_BUTTON))
        return Outcome(replies=[reply])

    def tell_me_more(self, current_answer_id: str | None) -> Outcome:
        """The longer detail of the answer the conversation is about."""
        answer = self._store.get(current_answer_id) if current_answer_id else None
        if answer is None or answer.topic == SYSTEM_TOPIC:  # as `show_answer`: system answers only by the rules
            return self.unsure()
        if not answer.detail:
            reply = self._system_reply("system.no_more_detail", "no_more_detail", (HUMAN_BUTTON,))
            return Outcome(replies=[reply])
        return Outcome(replies=[self._answer_reply(answer, answer.detail, "detail")], current_answer_id=answer.id)

    def follow_up(self, current_answer_id: str | None, term_ids: list[str], candidates: list[Candidate]) -> Outcome:
        """'What about the low dose one?': the related answer the current one names for that term."""
        current = self._store.get(current_answer_id) if current_answer_id else None
        if current is not None:
            for term_id in term_ids:
                target = current.follow_ups.get(term_id)
                if target:
                    return self.show_answer(target)
        return self.answer_question(candidates)

    def topic_menu(self, topic: str | None = None) -> Outcome:
        """Buttons for all topics, or for the answers of one topic."""
        if topic:
            answers = self._store.in_topic(topic) if topic != SYSTEM_TOPIC else []
            if answers:
                buttons = tuple(choose_answer_button(a.id, a.title) for a in answers)
                return Outcome(replies=[self._system_reply("system.topic_answers", "topic_menu", buttons)])
        buttons = tuple(choose_topic_button(k, t) for k, t in self._store.topics(exclude=[SYSTEM_TOPIC]))
        return Outcome(replies=[self._system_reply("system.topic_menu", "topic_menu", (*buttons, HUMAN_BUTTON))])

    # --- Safety and conversation -------------------------------------------------------------

    def emergency(self) -> Outcome:
        """The emergency reply: call the emergency number now (safety rule 2)."""
        return Outcome(replies=[self._system_reply("system.emergency", "emergency")])

    def clinical_referral(self, candidates: list[Candidate]) -> Outcome:
        """A personal decision: general education when a clear answer exists, then the referral."""
        return Outcome(replies=[*self._education(candidates), self._referral("system.clinical_referral")])

    def symptom_check(self, candidates: list[Candidate]) -> Outcome:
        """A personal symptom or reading nothing more specific matched: "I can't judge this for you"."""
        return Outcome(replies=[*self._education(candidates), self._referral("system.symptom_check")])

    def urgent(self, candidates: list[Candidate]) -> Outcome:
        """A sign to report the same day: general education where clear, then "call your care team today"."""
        urgent = self._system_reply("system.urgent", "urgent", (HUMAN_BUTTON,))
        return Outcome(replies=[*self._education(candidates), urgent])

    def human_contact(self) -> Outcome:
        """How to reach a person at the clinic."""
        return Outcome(replies=[self._system_reply("system.human_contact", "human")])

    def out_of_scope(self) -> Outcome:
        """What the assistant can help with, after a question outside IL-2."""
        return self._intro_then_topics("system.out_of_scope", "out_of_scope")

    def unsure(self) -> Outcome:
        """Say so plainly and offer topics and a person (never guess)."""
        return self._intro_then_topics("system.unsure", "fallback")

    def bad_input(self, problem: InputProblem) -> Outcome:
        """A polite reply to a message that cannot be read as a question."""
        return Outcome(replies=[self._system_reply(f"system.input_{problem.value}", "bad_input")])

    def greeting(self) -> Outcome:
        """Hello, what the assistant is for, and the topic buttons."""
        return self._intro_then_topics("system.greeting", "greeting")

    def help(self) -> Outcome:
        """What the assistant can do, and the topic buttons."""
        return self._intro_then_topics("system.help", "help")

    def simple(self, key: str) -> Outcome:
        """A one-message system reply such as `thanks`, `goodbye` or `bot_challenge`."""
        return Outcome(replies=[self._system_reply(f"system.{key}", key)])

    def notice(self) -> Reply:
        """The once-per-conversation 'education, not medical advice' notice."""
        return self._system_reply("system.notice", "notice")

    def feedback(self, answer_id: str, helpful: bool, question: str | None) -> Outcome:
        """A thumbs up or down under an answer; "not helpful" also queues the question (redacted) for review.

        `question` is the patient's redacted question that got this answer, when it is known.
        """
        answer = self._store.get(answer_id)
        if answer is not None and answer.topic != SYSTEM_TOPIC:
            self._activity.record_feedback(answer.id, helpful)
            if not helpful and question:
                self._activity.record_review_item(question, reason="not_helpful", best_guess=answer.id)
        if helpful:
            return Outcome(replies=[self._system_reply("system.feedback_thanks", "feedback")])
        return Outcome(replies=[self._system_reply("system.feedback_sorry", "feedback", (HUMAN_BUTTON,))])

    def note_unanswered(self, text: str, candidates: list[Candidate]) -> None:
        """Queue a question we could not answer directly for maintainers (redacted before it is stored)."""
        best = max(candidates, key=lambda c: c.confidence, default=None)
        self._activity.record_review_item(
            text,
            reason="unanswered",
            best_guess=best.answer_id if best else None,
            confidence=best.confidence if best else None,
        )

    def note_turn(self, outcome: Outcome) -> None:
        """Count what this patient message got, for the staff report (kind and answer id only)."""
        self._activity.record_turn(*turn_category([(r.kind, r.answer_id) for r in outcome.replies]))

    # --- helpers -----------------------------------------------------------------------------

    def _education(self, candidates: list[Candidate]) -> list[Reply]:
        """The clearly matching FAQ answer as general education (never instead of a referral).

        "Clear" is what the assistant would answer directly: the same bar as `answer_question`.
        """
        best = clear_answer(candidates)
        if best is None:
            return []
        answer = self._store.get(best.answer_id)
        if answer is None or answer.topic == SYSTEM_TOPIC:
            return []
        return [self._answer_reply(answer, answer.answer, "education")]

    def _referral(self, answer_id: str) -> Reply:
        return self._system_reply(answer_id, "redirect", (HUMAN_BUTTON,))

    def _intro_then_topics(self, answer_id: str, kind: str) -> Outcome:
        outcome = self.topic_menu()
        outcome.replies.insert(0, self._system_reply(answer_id, kind))
        return outcome

    def _answer_reply(self, answer: StoredAnswer, body: str, kind: str) -> Reply:
        # Answers name the clinic's own emergency number and phone, never a hard-coded one.
        body = body.format(**self._contact.as_placeholders())
        # One newline, not a blank line: Rasa's REST channel would split a blank line into two messages.
        text = f"{body}\n{format_sources(answer.sources)}"
        return Reply(kind=kind, text=text, answer_id=answer.id, sources=answer.sources)

    def _system_reply(self, answer_id: str, kind: str, buttons: tuple[Button, ...] = ()) -> Reply:
        answer = self._store.get(answer_id)
        if answer is None:
            raise LookupError(f"system answer {answer_id} is missing: run `bot answers load`")
        text = answer.answer.format(**self._contact.as_placeholders())
        return Reply(kind=kind, text=text, buttons=buttons, answer_id=answer.id, sources=answer.sources)
