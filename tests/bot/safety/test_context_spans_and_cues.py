"""Who and when, at the edges: sentence openings, frames, passed-on questions, readings and thresholds.

Each test pins how `bot.safety.context` places a sign or a reading in a realistic patient message,
through `MessageContext.standing` (as `bot.safety.assess` calls it) and, where it matters for the
route, through the rule layer `bot.safety.assess.assess` (the rules alone, so the statistical net
of `bot.safety.triage` can neither hide nor stand in for them, and no net is loaded).
"""

from __future__ import annotations

import dataclasses

import pytest

from bot.safety.assess import Assessment, assess
from bot.safety.context import MessageContext, Standing
from bot.safety.lexicon import lexicon
from bot.safety.readings import find_readings
from bot.safety.text import normalise


def standings(text: str, concept_id: str) -> list[Standing]:
    """How the message stands to every match of the concept, as the rule layer matches it."""
    lex = lexicon()
    clean = normalise(text)
    ctx = MessageContext(clean, lex)
    (concept,) = [c for c in lex.concepts if c.id == concept_id]
    return [ctx.standing(ctx.span(a, b)) for a, b in concept.matcher.spans(clean, lex.index)]


def rules(text: str) -> Assessment:
    """What the rule layer finds in the message."""
    return assess(normalise(text), lexicon())


def reading_standings(text: str) -> list[tuple[str, Standing]]:
    """How the message stands to every reading in it (a number is judged with `number=True`)."""
    lex = lexicon()
    clean = normalise(text)
    ctx = MessageContext(clean, lex)
    return [(r.kind, ctx.standing(ctx.span(r.start, r.end), number=True)) for r in find_readings(clean, lex.readings)]


# --- a supposition ("say he ...") counts only where it opens a sentence ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "say he collapses",  # the very first word, with no full stop at the end of the message
        "lets say he collapses",
        "ok thanks. say he collapses at home, then what",  # the first word after a full stop
    ],
)
def test_a_supposition_that_opens_a_sentence_is_hypothetical(text: str) -> None:
    assert standings(text, "fainting_low_bp") == [Standing.HYPOTHETICAL]
    assert rules(text).emergency == []
    assert "fainting_low_bp" in rules(text).named


def test_a_supposition_after_a_full_stop_and_a_thank_you_is_hypothetical() -> None:
    text = "thanks for that. say i start coughing up blood at night, who do i ring?"
    assert set(standings(text, "gi_bleeding")) == {Standing.HYPOTHETICAL}


def test_say_inside_a_sentence_passes_on_a_report() -> None:
    """ "rang to say he's vomiting blood" tells of something happening: no supposition."""
    text = "my sister just rang to say he's vomiting blood"
    assert standings(text, "gi_bleeding") == [Standing.REPORTED]
    assert "gi_bleeding" in rules(text).emergency


def test_the_supposition_cue_is_optional_data() -> None:
    """Safety data without a `supposition_start` cue still gives a working context (no cue, no frame)."""
    lex = lexicon()
    cues = {name: m for name, m in lex.cues.items() if name != "supposition_start"}
    reduced = dataclasses.replace(lex, cues=cues)
    clean = normalise("my chest hurts")
    ctx = MessageContext(clean, reduced)
    (concept,) = [c for c in lex.concepts if c.id == "chest_pain"]
    spans = concept.matcher.spans(clean, lex.index)
    assert [ctx.standing(ctx.span(a, b)) for a, b in spans] == [Standing.REPORTED]


# --- "hypothetically": general unless someone is named ----------------------------------------------


def test_hypothetically_with_nobody_named_is_a_general_question() -> None:
    text = "would vomiting blood after il2 be a reason to call 999, hypothetically"
    assert standings(text, "gi_bleeding") == [Standing.GENERAL]


def test_hypothetically_about_a_named_person_is_a_hypothesis() -> None:
    text = "hypothetically if he passed out at home would that be 999 or ring the ward"
    assert standings(text, "fainting_low_bp") == [Standing.HYPOTHETICAL]


# --- the "if" of an apology, and an "if" frame ----------------------------------------------------


def test_an_apology_neither_denies_nor_supposes() -> None:
    """In "sorry if this makes no sense im so muddled" the "no" denies nothing and the "if" frames nothing."""
    text = "sorry if this makes no sense im so muddled"
    assert standings(text, "confusion") == [Standing.REPORTED]
    assert "confusion" in rules(text).emergency


def test_an_if_clause_with_nobody_and_no_question_is_a_hypothesis() -> None:
    """A condition with nobody in it and no question in general stays a hypothesis, not a general question."""
    assert standings("if chest pain comes on at night", "chest_pain") == [Standing.HYPOTHETICAL]


def test_a_now_before_the_if_makes_it_a_report() -> None:
    """ "should we go to a&e now if his chest hurts this much": the "now" stands outside the if-clause."""
    text = "should we go to a&e now if his chest hurts this much"
    assert standings(text, "chest_pain") == [Standing.REPORTED]
    assert "chest_pain" in rules(text).emergency


# --- a question passed on -------------------------------------------------------------------------


def test_a_friend_wondering_about_a_sign_asks_in_general() -> None:
    """ "wondered whether" both passes a question on and asks it in general: nothing is reported."""
    assert standings("my friend wondered whether chest pain is likely", "chest_pain") == [Standing.GENERAL]


# --- a general question followed by the writer's own case -----------------------------------------


def test_own_case_right_after_a_general_question_is_reported() -> None:
    """Typed without a question mark: "does il2 cause chest pain mine started an hour ago"."""
    text = "does il2 cause chest pain mine started an hour ago"
    assert standings(text, "chest_pain") == [Standing.REPORTED]
    assert "chest_pain" in rules(text).emergency


# --- readings: people in general, thresholds -------------------------------------------------------


def test_a_weight_gain_told_of_everyone_is_general() -> None:
    text = "why does everyone say you gain 10 pounds of fluid on il2"
    assert reading_standings(text) == [("weight_gain", Standing.GENERAL)]
    assert rules(text).emergency == []
    assert "reading_weight_gain" in rules(text).named


def test_a_threshold_question_asked_for_someone_named_later_stays_general() -> None:
    """The person named after the number ("asking for my dad") does not make the threshold a reading."""
    text = "is a heart rate over 120 common on il2? asking for my dad"
    assert reading_standings(text) == [("pulse", Standing.GENERAL)]


def test_a_reading_with_words_after_a_threshold_question_is_reported() -> None:
    """ "temp 39.6 tonight" after "what counts as a fever?" is a reading, not an option for the threshold."""
    text = "what temperature counts as a fever? temp 39.6 tonight"
    assert reading_standings(text) == [("temperature", Standing.REPORTED)]
    assert "reading_temperature" in rules(text).emergency


def test_a_like_that_ends_the_message_belongs_to_the_sentence_before() -> None:
    """A sentence opened by "like" gives examples for the one before, also when "like" is the last word.

    So "38.5 degrees? like" is one sentence with words besides the number: a reading, not one more
    option offered for the threshold (the cautious reading of a number).
    """
    text = "What temperature counts as a fever for calling the ward? 38.5 degrees? like"
    assert reading_standings(text) == [("temperature", Standing.REPORTED)]
    assert "reading_temperature" in rules(text).emergency


# --- a general question in the sign's own clause ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept_id"),
    [
        ("im on high dose il2, could it make me have a seizure?", "seizure"),
        ("my dad is on il2, will it make him vomit blood?", "gi_bleeding"),
    ],
)
def test_asking_what_the_drug_can_do_after_saying_who_takes_it_is_general(text: str, concept_id: str) -> None:
    """The clause of the sign asks what the drug can cause; the clause before only says who is on it.

    The question's words run across the comma ("il2, could it make"), and the match that starts in the
    sign's own clause ("could it make") is what keeps it general: every match of a cue counts, also one
    that starts inside another.
    """
    assert standings(text, concept_id) == [Standing.GENERAL]
    assert rules(text).emergency == []
    assert concept_id in rules(text).named


def test_a_person_told_of_before_a_general_question_is_still_reported() -> None:
    """The contrast: here the sign's own clause tells of him, and the general question comes after."""
    assert standings("my husband has chest pain, is it a side effect?", "chest_pain") == [Standing.REPORTED]
