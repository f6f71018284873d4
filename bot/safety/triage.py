"""The safety check run on every message before any model: emergency, urgent, referral, bad input.

Safety rules 1 and 2 must not depend on the dialogue model, so this is decided here, in this order:

1. the rule layer (`bot.safety.assess`, reviewed data in `data/safety/`) finds a red flag or a
   dangerous reading reported for a person -> EMERGENCY;
2. the statistical net (`bot.safety.net`, a small classifier trained on the dev benchmark) is
   confident enough, at a threshold chosen for recall -> EMERGENCY (it can add emergencies, never
   remove one);
3. input that cannot be read as a question -> BAD_INPUT (only now, so a long or odd message is
   refused only after the emergency check read all of it);
4. an urgent sign -> URGENT ("call your care team today");
5. a personal clinical decision -> CLINICAL_DECISION;
6. a personal symptom or reading that nothing above matched -> SYMPTOM_CHECK ("I can't judge this
   for you", never "not sure I understood"), also when the net finds a personal report or decision;
7. signs only named (a general question, a hypothetical, something over), and nothing else ->
   EDUCATION: the answer base answers, even where the dialogue model took the
   message for an emergency or a decision (its intents know no grammar: "what if I can't breathe
   at home after?", "back in 2022 he was seeing things for a night, he's totally fine now");
8. otherwise NONE: the model answers; its emergency intent stands only where the net backs it
   (`Triage.model_alarm`).

`bot.rasa_policy.TriagePolicy` acts on the route with the highest priority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.safety.assess import assess
from bot.safety.lexicon import lexicon
from bot.safety.net import net_verdict
from bot.safety.text import MAX_SCAN_CHARS, fold, non_latin_share, normalise_folded

MAX_MESSAGE_CHARS = 1000
"""Longer messages are refused politely (after the emergency check): no question needs more."""


class Route(str, Enum):
    """What the safety check decided about a message."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CLINICAL_DECISION = "clinical_decision"
    SYMPTOM_CHECK = "symptom_check"
    BAD_INPUT = "bad_input"
    EDUCATION = "education"
    NONE = "none"


class InputProblem(str, Enum):
    """Why a message cannot be answered as a question."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"
    NOT_ENGLISH = "not_english"
    COMMAND = "command"


@dataclass(frozen=True)
class Triage:
    """The verdict on one message; `reason` names the rule that fired (never the user's words)."""

    route: Route
    reason: str = ""
    problem: InputProblem | None = None
    model_alarm: Route = Route.EMERGENCY
    """Where the dialogue model's emergency intent leads when the route is NONE: the emergency when
    the net backs it; otherwise the safe default for a message about a person (SYMPTOM_CHECK), and
    the answer base for a figure of speech or a message about nobody (EDUCATION)."""


_ALLOWED_COMMANDS = re.compile(
    r'^/(?:greet|help|human_contact|tell_me_more|choose_answer\{"answer_id": ?"[a-z0-9_.]{1,120}"\}'
    r'|choose_topic\{"topic": ?"[a-z0-9_]{1,64}"\}'
    r'|feedback\{"answer_id": ?"[a-z0-9_.]{1,120}", ?"helpful": ?"(?:yes|no)"\})$'
)
"""Payloads of the assistant's own buttons; anything else typed with a leading '/' is refused."""

_FOREIGN_FUNCTION_WORDS = frozenset(
    # Words that are not also English words ("die", "son", "as", "il" are left out on purpose).
    """el la los las que del y es por para una como qué cuáles está puedo tengo estoy
    les est pas qui avec une des du et je suis mon pour dans sur
    der das und ist nicht ich mein meine ein eine mit für auf bin
    os não com um uma meu minha é eu
    lo gli che di non sono mio mia""".split()
)
_QUESTION_STARTS = frozenset(
    """what whats which why how when where who whom whose does do did can could is are was were will would
    should shall may might any anyone""".split()
)
_ENGLISH_FUNCTION_WORDS = frozenset(
    """a about after am an and are as at be been but by can cant could did do does dont for from had has have he her
    him his how i if im in is it its ive just me my no not of on or our she should so that the their them they this
    to was we were what when where which who why will with would you your""".split()
)


def triage(text: str | None) -> Triage:
    """Decide what the safety check does with one message (see module docstring)."""
    raw = text or ""
    if is_button_payload(raw):
        return Triage(Route.NONE)  # one of the assistant's own buttons: no patient words to judge
    folded = fold(raw)
    clean = normalise_folded(folded)
    lex = lexicon()
    found = assess(clean, lex)
    if found.emergency:
        return Triage(Route.EMERGENCY, reason=found.emergency[0])
    # The net raises what the rules saw as a symptom or reading, and a message about a particular
    # person in which they saw no sign at all ("my brother told me he won't be a burden much longer"):
    # lay words for an emergency outnumber any list. A sign the rules judged only named (asked about in
    # general, supposed, over) needs the net to be surer, because it overrules a judgement. A message
    # about nobody with no sign in it, a figure of speech, an urgent sign or a story that is over ("I
    # gained 20 pounds of water two years ago, it all came off after") is never raised.
    net = net_verdict(clean)
    # A sign the leaflets call a same-day call (yellow eyes) keeps its urgent tier: the net learnt
    # emergencies, not the urgent tier, and would raise every urgent sign it has seen near one.
    if found.report:
        raised = net.emergency and not found.urgent
    elif found.named:
        raised = net.emergency_over_named and not found.urgent
    else:
        raised = (
            net.emergency
            and found.personal
            and not (found.figurative or found.urgent or found.over)
            and (found.about_care or found.now)  # "we drove in and the parking was fine" is not about health
        )
    if raised:
        return Triage(Route.EMERGENCY, reason="net")
    problem = input_problem(raw, clean, folded, has_reading=bool(found.report))
    if problem is not None:
        return Triage(Route.BAD_INPUT, reason=problem.value, problem=problem)
    if found.urgent:
        return Triage(Route.URGENT, reason=found.urgent[0])
    if found.decision:
        return Triage(Route.CLINICAL_DECISION, reason=found.decision[0])
    if found.report:
        return Triage(Route.SYMPTOM_CHECK, reason=found.report[0])
    if found.over:
        # "he got confused on day 4 but it cleared up once the drip stopped, is that usual?" tells of
        # something over: no report, no decision now.
        return Triage(Route.EDUCATION, reason="over")
    # The dialogue model may still raise an alarm where the rules saw nothing or only a figure of
    # speech (an idiom can be misread: "sorry to be a pain, his face is sliding down on one side"),
    # but its emergency alone stands only when the net backs it.
    if net.backs_model_alarm:
        unbacked = Route.EMERGENCY
    elif found.personal and not found.figurative:
        unbacked = Route.SYMPTOM_CHECK  # a person's state that nothing judged: the care team, never silence
    else:
        unbacked = Route.EDUCATION
    if found.figurative:
        # "sick and tired of waiting" is a figure of speech: the net's report or decision is no reason to refer.
        return Triage(Route.NONE, reason="figurative", model_alarm=unbacked)
    # The net alone makes a decision of a message about a person or about now ("is ok to take imodium
    # for the diarrhoea? 3 times today") only when it is about health or care at all: "help me name
    # my hamster" is out of scope. Rule matches stay decisions without care words, because on a
    # clinic's site "ok to fly home tomorrow?" is about treatment.
    if net.decision and (found.personal or found.now) and found.about_care:
        return Triage(Route.CLINICAL_DECISION, reason="net")
    if net.report and (found.personal or not _asks(clean)):
        # "mouth feels a bit sore and everything tastes like metal" names nobody but tells, not asks.
        return Triage(Route.SYMPTOM_CHECK, reason="net")
    if found.named:
        return Triage(Route.EDUCATION, reason="named")
    return Triage(Route.NONE, model_alarm=unbacked)


def _asks(clean: str) -> bool:
    """Whether a normalised message asks something: a question mark or a question word first."""
    words = clean.split(" ")
    return "?" in words or words[0] in _QUESTION_STARTS


def is_button_payload(text: str) -> bool:
    """Whether `text` is one of the assistant's own button payloads (`/choose_answer{...}`, `/help`, ...)."""
    return bool(_ALLOWED_COMMANDS.match(text.strip()))


def input_problem(raw: str, clean: str, folded: str, *, has_reading: bool = False) -> InputProblem | None:
    """Why a message cannot be read as a question, or None (a bare reading such as "101.5" is readable)."""
    if not raw.strip():
        return InputProblem.EMPTY
    if len(raw) > MAX_MESSAGE_CHARS:
        return InputProblem.TOO_LONG
    stripped = raw.strip()
    if stripped.startswith("/"):
        return None if is_button_payload(stripped) else InputProblem.COMMAND
    if has_reading:
        return None
    if not any(c.isalpha() for c in folded):
        return InputProblem.NO_WORDS
    if non_latin_share(folded) > 0.4:
        return InputProblem.NOT_ENGLISH
    words = re.findall(r"[a-z\u00c0-\u024f]+", raw.lower())
    foreign = sum(1 for w in words if w in _FOREIGN_FUNCTION_WORDS)
    english = sum(1 for w in clean.split() if w in _ENGLISH_FUNCTION_WORDS)
    if foreign >= 2 and foreign > 2 * english:
        return InputProblem.NOT_ENGLISH
    return None


__all__ = ["MAX_MESSAGE_CHARS", "MAX_SCAN_CHARS", "InputProblem", "Route", "Triage", "input_problem", "triage"]
