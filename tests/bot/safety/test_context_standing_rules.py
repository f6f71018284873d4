"""Standing rules of `bot.safety.context`: thresholds asked about, people in general, stories passed on.

These pin how a number or a sign is placed when a message mixes a general question with a person:
a threshold asked about is no reading, a reading that names its owner is one, a story passed on is
general only when the message asks something, and the writer's words about the message frame nothing.
"""

from __future__ import annotations

import pytest

from bot.safety.assess import assess
from bot.safety.context import MessageContext, Standing
from bot.safety.lexicon import lexicon
from bot.safety.text import normalise
from bot.safety.triage import Route, triage


def _assess(text: str):
    return assess(normalise(text), lexicon())


def _context(text: str) -> MessageContext:
    return MessageContext(normalise(text), lexicon())


def _standing(text: str, concept_id: str) -> Standing:
    """How the message stands to the concept's first match."""
    lex = lexicon()
    clean = normalise(text)
    ctx = MessageContext(clean, lex)
    (concept,) = [c for c in lex.concepts if c.id == concept_id]
    start, end = next(iter(concept.matcher.spans(clean, lex.index)))
    return ctx.standing(ctx.span(start, end))


# --- numbers told of people in general ---------------------------------------------------------


def test_weight_gain_people_are_told_to_expect_is_no_reading() -> None:
    """A weight gain that "everyone says" you get is told of people in general: education, no alarm."""
    text = "why does everyone say u gain like 10 pounds of water on it"
    found = _assess(text)
    assert found.emergency == []
    assert found.named == ["reading_weight_gain"]
    assert triage(text).route is Route.EDUCATION


# --- numbers offered as options for a threshold ---------------------------------------------------


def test_options_with_units_for_a_fever_threshold_are_not_readings() -> None:
    """ "38 C? 38.5 C?" after "what temp counts as a fever?" offers thresholds: a unit per option is allowed."""
    found = _assess("What temp counts as a fever? 38 C? 38.5 C?")
    assert found.emergency == []
    assert found.named == ["reading_temperature", "reading_temperature"]


def test_threshold_options_followed_by_the_writers_own_reading() -> None:
    """Options "38.0? 38.5?" stay thresholds even when the writer's own (lower) reading follows.

    The last option is not the writer's because "mine" stands in the next sentence; the writer's 37.6 is
    a reading, below the emergency line, so it goes to the care team.
    """
    found = _assess("What temperature counts as a fever on IL-2? 38.0? 38.5? Mine is 37.6 right now.")
    assert found.emergency == []
    assert found.named == ["reading_temperature", "reading_temperature"]
    assert "reading_temperature" in found.report
    assert triage("What temperature counts as a fever on IL-2? 38.0? 38.5? Mine is 37.6 right now.").route is (
        Route.SYMPTOM_CHECK
    )


@pytest.mark.parametrize(
    "text",
    [
        # the person word stands just before the number, at the end of the sentence
        "What counts as a fever on IL-2. Is it 38 or 38.5? He's 38.6",
        # ... or is the very last word of the sentence
        "What counts as a fever with IL-2? Is it 38 or 38.5? It's 38.6 for me",
        # a person named between the options and the reading
        "what temp counts as a fever? 38? my dad is 38.9",
    ],
)
def test_reading_of_a_named_person_after_threshold_options_is_an_emergency(text: str) -> None:
    """After a threshold question and its options, a number that names whose it is is a reading (38.5+)."""
    found = _assess(text)
    assert found.emergency == ["reading_temperature"]
    assert triage(text).route is Route.EMERGENCY


def test_a_sentence_of_words_after_a_threshold_question_is_a_reading() -> None:
    """ "Temp was 38.9 this morning" after "what counts as a fever?" is no bare option: it reports a fever."""
    found = _assess("What counts as a fever? Temp was 38.9 this morning")
    assert found.emergency == ["reading_temperature"]


# --- whether a message asks anything ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("how common is chest pain on il2", True),  # a question word opens the message
        ("why does il2 cause chest pain", True),
        ("a lady in my group had chest pain on il2, is that common", True),  # ... or a clause
        ("a friend of mine got chest pain on il2. why does that happen", True),  # ... or a sentence
        ("a lady in my group had chest pain on il2, normal?", True),  # a question mark
        ("the man in the next bed had chest pain and he is on il2 too", False),  # "is" inside a clause
        ("so is this the il2 then", False),  # "is" second, after a word that ends no clause
        ("a lady in my group had chest pain on il2", False),
    ],
)
def test_asks_anything(text: str, asks: bool) -> None:
    assert _context(text).asks_anything() is asks


@pytest.mark.parametrize(
    ("text", "standing"),
    [
        ("a friend of mine got chest pain on il2. why does that happen", Standing.GENERAL),
        ("a lady in my group had chest pain on il2, is that common", Standing.GENERAL),
        ("a lady in my group had chest pain on il2, normal?", Standing.GENERAL),
        # a story that asks nothing stays a report: the bystander may need help
        ("the man in the next bed had chest pain and he is on il2 too", Standing.REPORTED),
    ],
)
def test_story_passed_on_is_general_only_in_a_question(text: str, standing: Standing) -> None:
    assert _standing(text, "chest_pain") is standing


# --- a person told of before the sign, or the question in another clause ------------------------


@pytest.mark.parametrize(
    "text",
    [
        # the person is in a later clause and asks nothing for themselves
        "chest pain, how common is that with il2, my nurse never said",
        # the person is in an earlier clause that is not the sign's
        "my nurse mentioned it, chest pain, is that a common side effect of il2?",
    ],
)
def test_sign_asked_about_in_general_with_a_person_in_another_clause(text: str) -> None:
    assert _standing(text, "chest_pain") is Standing.GENERAL
    assert _assess(text).emergency == []


def test_my_sign_then_a_general_question_is_reported() -> None:
    """ "my chest pain, is that a side effect?": the sign right after "my" is the writer's own."""
    assert _standing("my chest pain, is that a side effect of il2?", "chest_pain") is Standing.REPORTED
    assert _assess("my chest pain, is that a side effect of il2?").emergency == ["chest_pain"]


def test_person_placing_a_story_is_not_someone_in_care() -> None:
    """ "the woman on my mums ward": "my mums" only places the woman, so the question stays general."""
    text = "do people hallucinate on il2 or was the woman on my mums ward just unlucky"
    assert _standing(text, "confusion") is Standing.GENERAL
    assert _assess(text).emergency == []


# --- the writer's words about the message ----------------------------------------------------------


def test_apology_if_frames_no_hypothesis() -> None:
    """The "if" of "sorry if this makes no sense" supposes nothing: the chest pain is reported."""
    text = "sorry if this makes no sense im so muddled and my chest really hurts"
    assert _standing(text, "chest_pain") is Standing.REPORTED
    assert "chest_pain" in _assess(text).emergency


def test_if_right_after_i_think_is_still_a_hypothesis() -> None:
    """ "i think if he starts vomiting blood" supposes: the "if" follows the writer's words, it is not in them."""
    text = "i think if he starts vomiting blood we should call 999"
    assert _standing(text, "gi_bleeding") is Standing.HYPOTHETICAL
    assert _assess(text).emergency == []


# --- a decision that names the person -------------------------------------------------------------


def test_general_question_then_whether_she_is_eligible_is_a_decision() -> None:
    """ "is she eligible for il2?" names the person at the start of the decision: the care team decides."""
    text = "how often are people turned down, is she eligible for il2?"
    assert "eligibility" in _assess(text).decision
    assert triage(text).route is Route.CLINICAL_DECISION
