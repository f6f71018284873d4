"""Who and when: whether a matched sign is reported now for a person, or only named.

"My chest hurts" reports chest pain; "does IL-2 cause chest pain?", "what if I get chest pain at
home?", "I had chest pain last year, it went away" and "no chest pain, just tired" name it. The cues
are data (`data/safety/context.yml`); this module only measures where they stand relative to a
match: in the same sentence, the same clause, just before it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import Enum

from bot.safety.lexicon import Lexicon
from bot.safety.text import tokens

_SENTENCE_ENDS = frozenset(".!?;")
_CLAUSE_ENDS = _SENTENCE_ENDS | {",", "but", "though", "although", "however"}
_OPTION_WORDS = frozenset({"is", "it", "its", "or", "maybe", "either"})
"""Words that ask which of the numbers offered is the threshold: "is it 38 or 38.5?"."""
_OWNERS = frozenset({"mine", "hers", "theirs", "ours"})
"""Whose a reading is, where no person word says so: "what counts as a fever, mine is 39.1"."""
NEGATION_REACH = 3
"""A negation word governs a sign up to this many words after it ("no real chest pain")."""
HYPOTHETICAL_REACH = 10
_CONTINUATIONS = frozenset({"like", "eg", "ie"})
"""A sentence that starts so gives examples for the one before ("can il2 affect mood? like feeling low")."""
_WH_WORDS = frozenset(
    {"what", "whats", "which", "why", "how", "when", "who", "does", "do", "can", "could", "is", "are"}
)


class Standing(str, Enum):
    """How a message stands to a sign it names."""

    REPORTED = "reported"
    DENIED = "denied"
    HYPOTHETICAL = "hypothetical"
    GENERAL = "general"
    PAST = "past"
    FIGURATIVE = "figurative"


@dataclass(frozen=True)
class Span:
    """Token positions [start, end) of a match."""

    start: int
    end: int


def _within(inner: Span, outers: list[Span]) -> bool:
    """Whether `inner` lies inside one of `outers`."""
    return any(o.start <= inner.start and inner.end <= o.end for o in outers)


class MessageContext:
    """A normalised message with its sentences and the positions of every context cue."""

    def __init__(self, clean: str, lex: Lexicon) -> None:
        """Tokenise once and find every cue once."""
        self.clean = clean
        self.words = tokens(clean)
        self._sentence = self._segment(_SENTENCE_ENDS)
        self._clause = self._segment(_CLAUSE_ENDS)
        self._starts = [0]
        for word in self.words[:-1]:
            self._starts.append(self._starts[-1] + len(word) + 1)
        self._cues = {name: [self.span(a, b) for a, b in m.spans(clean, lex.index)] for name, m in lex.cues.items()}
        # "say i started ..." supposes only at the start of a sentence; "she rang to say he's burning up" reports.
        opening = [s for s in self._cues.pop("supposition_start", []) if self._opens_sentence(s.start)]
        self._cues["hypothetical"] += opening  # its only reader takes the nearest frame, so order does not matter

    def _segment(self, ends: frozenset[str] | set[str]) -> list[int]:
        ids, current = [], 0
        for i, word in enumerate(self.words):
            if word in ends and not (i + 1 < len(self.words) and self.words[i + 1] in _CONTINUATIONS):
                current += 1
            ids.append(current)
        return ids

    def _opens_sentence(self, position: int) -> bool:
        """Whether the token at `position` is the first word of its sentence."""
        return position == 0 or self.words[position - 1] in _SENTENCE_ENDS

    def span(self, start_char: int, end_char: int) -> Span:
        """Token positions of a character span of the normalised text."""
        start = bisect_right(self._starts, start_char) - 1
        end = bisect_left(self._starts, end_char)
        return Span(max(start, 0), max(min(end, len(self.words)), start + 1))

    def _in_sentence(self, cue: str, at: Span) -> list[Span]:
        sentence = self._sentence[at.start] if self.words else 0
        return [s for s in self._cues[cue] if s.start < len(self.words) and self._sentence[s.start] == sentence]

    def has(self, cue: str, at: Span) -> bool:
        """Whether a cue occurs in the sentence of `at`."""
        return bool(self._in_sentence(cue, at))

    def _before_in_clause(self, cue: str, at: Span, reach: int) -> list[Span]:
        """The matches of a cue that end at most `reach` words before `at`, in its clause."""
        clause = self._clause[at.start] if self.words else 0
        return [
            s
            for s in self._in_sentence(cue, at)
            if s.end <= at.start and at.start - s.end <= reach and self._clause[s.start] == clause
        ]

    def _just_before(self, cue: str, at: Span, reach: int) -> bool:
        return bool(self._before_in_clause(cue, at, reach))

    def standing(self, at: Span, *, number: bool = False) -> Standing:
        """How the sentence around `at` stands to the sign matched there.

        A `number` (a reading) is personal by itself: only a hypothetical or a past frame makes it general.
        """
        now = self._now(at)
        if self._figurative(at):
            return Standing.FIGURATIVE
        if self._just_before("negation", at, NEGATION_REACH) and not self._apology_only(at):
            return Standing.DENIED
        asked = [s for s in self._in_sentence("reported_question", at) if s.end <= at.start]
        if asked:  # "the nurse asked if I had trouble breathing": its "if" is no hypothetical
            # "my friend asked me whether il2 can cause seizures" passes on a general question.
            if any(
                s.start >= asked[0].start
                for cue in ("general_subject", "asked_general", "explanation")
                for s in self._in_sentence(cue, at)
            ):
                return Standing.GENERAL
            denied = any(s.start >= at.end for s in self._in_sentence("denial_after", at))
            return Standing.DENIED if denied else Standing.REPORTED
        if not now and self._hearsay(at):
            return Standing.GENERAL
        if self.has("hypothetical_sentence", at) and not now:
            # "would vomiting blood be a reason to call 999, hypothetically"
            return Standing.GENERAL if not self._names_someone(at) else Standing.HYPOTHETICAL
        frame = self._frame_before("hypothetical", at, HYPOTHETICAL_REACH)
        if frame is not None and self.starts_inside("discourse", Span(frame, frame + 1)):
            frame = None  # the "if" of "sorry if this makes no sense" frames no hypothesis
        # "if my dad started vomiting blood": a "now" word inside the if-clause is part of the hypothesis.
        if frame is not None and not any(s.start < frame or s.start >= at.end for s in self._now_spans(at)):
            # "if someone reacts to the contrast, what does it look like?" is about people in general.
            nobody = not self.has("person_report", at) and self._general(at, now)
            return Standing.GENERAL if nobody else Standing.HYPOTHETICAL
        if not number and self._general(at, now):
            return Standing.REPORTED if self._own_case_after(at) else Standing.GENERAL
        if number and (self._asks_threshold_for(at) or self._threshold_options(at)):
            return Standing.GENERAL  # "what temp counts as a fever, 38 or 38.5?" asks for a threshold
        if number and not now and self._of_people_in_general(at):
            return Standing.GENERAL  # "why does everyone say u gain like 10 pounds of water on it"
        resolved = any(s.start >= at.end for s in self._in_sentence("resolved", at))
        if (self.has("past", at) or resolved) and not now:  # "all fine now" is no "now"
            return Standing.PAST
        return Standing.REPORTED

    def _apology_only(self, at: Span) -> bool:
        """Whether every negation just before the sign belongs to the writer's words about the message.

        "sorry if this makes no sense im so muddled": the "no" apologises, it denies nothing.
        """
        apologies = self._in_sentence("discourse", at)
        return all(_within(s, apologies) for s in self._before_in_clause("negation", at, NEGATION_REACH))

    def _own_case_after(self, at: Span) -> bool:
        """Whether a later sentence takes a sign asked about in general up as the writer's own.

        "chest pain can happen, should i worry? mine started an hour ago": the question is general,
        the chest pain is reported.
        """
        return any(s.start >= at.end for s in self._cues["own_case"])

    def _asks_threshold_for(self, at: Span) -> bool:
        """Whether the number's sentence asks about a threshold before it, and nobody is named in between.

        "is a heart rate over 120 common?" asks about a threshold; "what counts as a fever, mine is 39.1"
        reports a reading after the question.
        """
        asked = [s.start for s in self._in_sentence("threshold_question", at) if s.start < at.start]
        if not asked:
            return False
        return not self._names_whose(Span(min(asked), at.end))  # a reading's span runs from its word to its number

    def _of_people_in_general(self, at: Span) -> bool:
        """Whether the number's sentence tells it of people in general before it, and names nobody."""
        told = any(s.start < at.start for s in self._in_sentence("people_in_general", at))
        return told and not self._names_someone(at)

    def _names_whose(self, at: Span) -> bool:
        """Whether the span names whose a reading is: a person ("my dad", "his") or an owner ("mine")."""
        return self.names_person(at) or bool(_OWNERS & set(self.words[at.start : at.end]))

    def _threshold_options(self, at: Span) -> bool:
        """Whether a bare number sentence follows a question about a threshold.

        "What's the temperature cut-off for calling the team? 38.0? 38.5?": the numbers are options
        for the threshold, each in a sentence of its own. A sentence with words ("mine is 38.9") is a reading.
        """
        sentence = self._sentence[at.start]
        asked = [n for n in (self._sentence[s.start] for s in self._cues["threshold_question"]) if n < sentence]
        if not asked:
            return False
        later = range(max(asked) + 1, sentence + 1)
        positions = [i for i in range(len(self.words)) if self._sentence[i] in later]
        if self._names_whose(Span(positions[0], positions[-1] + 1)):
            return False  # "mine is 38.9" answers the question with a reading
        words = [self.words[i] for i in positions if self.words[i] not in _SENTENCE_ENDS]
        # at most one word (a unit, "or") per number sentence between the question and this number,
        # besides the words that ask which option it is ("is it 38 or 38.5?")
        return sum(w.isalpha() and w not in _OPTION_WORDS for w in words) <= len(later)

    def _still_now(self, spans: list[Span]) -> list[Span]:
        """The "now" spans that are not part of "all fine now" and the like."""
        ended = self._cues["not_now"]
        return [s for s in spans if not _within(s, ended)]

    def _now_spans(self, at: Span) -> list[Span]:
        """The "now" words in the sentence, not counting those of "all fine now" and the like."""
        return self._still_now(self._in_sentence("now", at))

    def _now(self, at: Span) -> bool:
        return bool(self._now_spans(at))

    def _frame_before(self, cue: str, at: Span, reach: int) -> int | None:
        """Where the nearest `cue` just before `at` in its clause starts (token position), or None."""
        starts = [s.start for s in self._before_in_clause(cue, at, reach)]
        return max(starts) if starts else None

    def _figurative(self, at: Span) -> bool:
        """Whether the sign is part of a figure of speech.

        An idiom that contains the sign itself ("a real pain", "drowning in paperwork", "having a fit
        about"), or "nearly" or a laugh just before it about money or paperwork ("the parking nearly
        gave me a heart attack"). A laugh elsewhere never cancels a sign ("my chest hurts lol").
        """
        if any(s.start <= at.start < s.end or at.start <= s.start < at.end for s in self._in_sentence("idiom", at)):
            return True
        return self._just_before("figure_marker", at, NEGATION_REACH + 1) and self.has("figure_topic", at)

    def _hearsay(self, at: Span) -> bool:
        """Whether the sign is someone else's story passed on to ask a question in general.

        "the guy in the next bed had a seizure on day 3, is that something IL-2 does?": a person
        outside the writer's care, named before the sign in its sentence, in a message that asks a
        question. A bystander in trouble now ("a man in the waiting room is not breathing") is not
        passed on: the caller checks for a "now" first, and a message with no question asks nothing.
        """
        told = any(s.start <= at.start for s in self._in_sentence("hearsay", at))
        return told and self.asks_anything()

    def asks_anything(self) -> bool:
        """Whether the message asks anything: a question mark, or a clause that starts with a question word."""
        if "?" in self.words:
            return True
        return any(
            word in _WH_WORDS and (i == 0 or self.words[i - 1] in _CLAUSE_ENDS) for i, word in enumerate(self.words)
        )

    def _general(self, at: Span, now: bool) -> bool:
        if self.has("general_subject", at) and not (now and self._names_someone(at)) and not self._told_of(at):
            return True
        # "what temp counts as a fever?", "why do rigors happen?", "all fine now, but what causes the
        # shaking?": a wh-question or a question why, with nobody in it.
        first = self._sentence.index(self._sentence[at.start]) if self.words else 0
        start = next((i for i in range(first, len(self.words)) if self.words[i] not in _SENTENCE_ENDS), first)
        asks = self.words[start] in _WH_WORDS or self.has("explanation", at)
        return asks and not self._names_someone(at)

    def _told_of(self, at: Span) -> bool:
        """Whether the sign's own clause tells of a person, with the general question in another clause.

        "my husband has chest pain, is it a side effect?" tells of him, then asks in general: the
        chest pain is reported. "does IL-2 cause chest pain in people like my husband" is one clause
        and stays general; a story that is over is still told as over (past cues come later).
        """
        clause = self._clause[at.start]
        in_clause = [s for s in self._in_sentence("general_subject", at) if self._clause[s.start] == clause]
        not_told = self._in_sentence("hearsay", at) + self._in_sentence("discourse", at)
        told = any(
            self._clause[p.start] == clause and p.end <= at.start and not _within(p, not_told)
            for p in self._in_sentence("person_report", at)
        )
        return told and not in_clause

    def _names_someone(self, at: Span) -> bool:
        """Whether the sentence names a particular person, not counting those of a story passed on.

        In "do people hallucinate on IL-2 or was the woman on my mums ward just unlucky" the "my
        mums" places the woman; nobody in the writer's care is named.
        """
        passed_on = self._in_sentence("hearsay", at)
        return any(not _within(p, passed_on) for p in self._in_sentence("person_report", at))

    def now(self) -> bool:
        """Whether the message says anything is happening now (today, since, still, ...)."""
        return any(self._cues["now"])

    def resolved(self) -> bool:
        """Whether the message says something is over or better ("long gone now", "back to normal")."""
        return any(self._cues["resolved"])

    def starts_inside(self, cue: str, at: Span) -> bool:
        """Whether `at` starts inside a match of the cue."""
        return any(s.start <= at.start < s.end for s in self._cues[cue])

    def names_person(self, at: Span) -> bool:
        """Whether a particular person is named inside the span ("my father", "she")."""
        return any(at.start <= s.start and s.end <= at.end for s in self._cues["person_report"])

    def over(self) -> bool:
        """Whether the message tells of something that is over: a cue that it ended and no "now" at all."""
        return self.resolved() and not self._still_now(self._cues["now"])

    def asks_for_someone(self) -> bool:
        """Whether the message asks what a particular person should do or may have ("can i", "should he")."""
        return any(self._cues["personal_ask"])

    def asks_why_only(self) -> bool:
        """Whether the message asks why or how something happens and asks nothing for a person."""
        return any(self._cues["explanation"]) and not self.asks_for_someone()

    def about_care(self) -> bool:
        """Whether the message has a care, medicine, symptom or feeling word (the cue `care_topic`)."""
        return any(self._cues["care_topic"])

    def personal(self) -> bool:
        """Whether the message speaks of a particular person at all (I, my, he, mum, ...)."""
        return any(self._cues["person_report"])
