"""Who and when: a sign reported now, or only named (general, hypothetical, over, denied, a figure of speech)."""

from __future__ import annotations

import pytest

from bot.safety.assess import assess
from bot.safety.context import MessageContext, Standing
from bot.safety.lexicon import lexicon
from bot.safety.text import normalise
from bot.safety.triage import Route, triage


def standings_of_all(text: str, concept_id: str) -> list[Standing]:
    lex = lexicon()
    clean = normalise(text)
    ctx = MessageContext(clean, lex)
    (concept,) = [c for c in lex.concepts if c.id == concept_id]
    return [ctx.standing(ctx.span(*span)) for span in concept.matcher.spans(clean, lex.index)]  # as the check matches


def standing_of(text: str, concept_id: str) -> Standing:
    """How the message stands to the concept's first match."""
    return standings_of_all(text, concept_id)[0]


@pytest.mark.parametrize(
    ("text", "standing"),
    [
        ("my chest hurts", Standing.REPORTED),
        ("is it normal that my chest hurts this much", Standing.REPORTED),
        ("does il2 cause chest pain", Standing.GENERAL),
        ("is chest pain common with il2", Standing.GENERAL),
        ("what if i get chest pain at home", Standing.HYPOTHETICAL),
        ("what if i get chest pain right now", Standing.REPORTED),
        ("no chest pain, just tired", Standing.DENIED),
        ("i dont have any chest pain", Standing.DENIED),
        ("no fever but my chest hurts", Standing.REPORTED),
        ("i had chest pain last year during cycle 1", Standing.PAST),
        ("i had chest pain last year and now its back", Standing.REPORTED),
        ("chest pain back in 2022, all fine now, just curious", Standing.PAST),
        ("the parking bill nearly gave me a heart attack", Standing.FIGURATIVE),
        ("i nearly had a heart attack this morning", Standing.REPORTED),
        ("i nearly had a heart attack chasing the cows lol", Standing.FIGURATIVE),
        # a question in general after a clause that tells of a person: the sign is reported
        ("my husband has chest pain, is it a side effect?", Standing.REPORTED),
        ("does il2 cause chest pain in people like my husband", Standing.GENERAL),
        # someone else's story passed on to ask in general
        ("the guy in the next bed had chest pain on day 3, is that something il2 does?", Standing.GENERAL),
        ("a lady in my group said she had chest pain on il2, is that common?", Standing.GENERAL),
        ("a friend of mine got chest pain on il2. why does that happen?", Standing.GENERAL),
        ("the man in the next bed has chest pain right now, what do we do?", Standing.REPORTED),
        ("a lady in my group had chest pain on il2", Standing.REPORTED),  # a story that asks nothing
    ],
)
def test_standing(text: str, standing: Standing) -> None:
    assert standing_of(text, "chest_pain") is standing


def test_reported_speech_with_a_denial_is_a_denial() -> None:
    text = "the nurse asked if i had trouble breathing and i said no"
    assert standing_of(text, "breathing") is Standing.DENIED
    assert standing_of("the nurse asked if i had trouble breathing and i said yes", "breathing") is Standing.REPORTED


def test_a_reading_is_personal_even_in_a_question() -> None:
    found = assess(normalise("temp is 101.5 is that normal after il2"), lexicon())
    assert found.emergency == ["reading_temperature"]
    hypothetical = assess(normalise("if my temp goes over 101 should i call"), lexicon())
    assert hypothetical.emergency == [] and "reading_temperature" in hypothetical.named


def test_always_personal_signs_ignore_grammar() -> None:
    assert assess(normalise("should i just kill myself"), lexicon()).emergency == ["self_harm"]
    assert assess(normalise("is he not breathing or am i imagining it"), lexicon()).emergency == ["breathing"]


@pytest.mark.parametrize(
    "text",
    [
        "my chest hurts lol",
        "haha i know this sounds silly but my chest hurts",
        "i was fine earlier, all good now except my chest hurts",
        "im sick and tired of this, my chest hurts",
        "i feel like im drowning in my own chest pain",
    ],
)
def test_a_laugh_an_idiom_or_all_fine_now_elsewhere_never_cancels_a_sign(text: str) -> None:
    assert standing_of(text, "chest_pain") is Standing.REPORTED


def test_an_idiom_that_contains_the_sign_is_a_figure_of_speech() -> None:
    assert assess(normalise("im drowning in paperwork"), lexicon()).emergency == []
    assert assess(normalise("my boss is having a fit about it"), lexicon()).emergency == []
    assert assess(normalise("i feel like im drowning, cant get air"), lexicon()).emergency == ["breathing"]


def test_cues_stay_in_their_own_sentence() -> None:
    assert standings_of_all("hello. does il2 cause chest pain? my chest hurts.", "chest_pain") == [
        Standing.GENERAL,
        Standing.REPORTED,
    ]


def test_a_general_question_with_a_report_now_is_a_report() -> None:
    assert standing_of("does il2 cause chest pain because my chest hurts right now", "chest_pain") is (
        Standing.REPORTED
    )


def test_a_question_word_opens_a_general_question_in_any_sentence() -> None:
    assert standing_of("ok. who gets chest pain", "chest_pain") is Standing.GENERAL
    assert standing_of("ok. chest pain", "chest_pain") is Standing.REPORTED


def test_reported_speech_right_next_to_the_sign() -> None:
    assert standing_of("the nurse asked about chest pain and i said no", "chest_pain") is Standing.DENIED
    assert standing_of("the doctor asked if i have chest pain nope", "chest_pain") is Standing.DENIED


def test_negation_reaches_exactly_three_words() -> None:
    assert standing_of("no real big new chest pain", "chest_pain") is Standing.DENIED
    assert standing_of("no real big new strange chest pain", "chest_pain") is Standing.REPORTED


def test_a_sign_that_is_over_is_past_but_a_new_one_now_is_not() -> None:
    assert standing_of("chest pain gone now", "chest_pain") is Standing.PAST
    assert standing_of("my chest hurt, fine now", "chest_pain") is Standing.PAST
    assert standings_of_all("i had chest pain last year, all good now, but right now my chest hurts", "chest_pain")[
        -1
    ] is (Standing.REPORTED)


def test_an_idiom_around_the_sign() -> None:
    assert standing_of("the bus journey is a real pain", "symptom") is Standing.FIGURATIVE
    assert assess(normalise("the bus journey is a real pain"), lexicon()).report == []


def test_asking_whether_something_that_is_over_was_normal_is_a_general_question() -> None:
    over = "I got a weird itchy rash all over after my last cycle (it's long gone now) - is that a normal IL-2 thing?"
    assert triage(over).route is Route.EDUCATION
    assert triage("I got a weird itchy rash after my last cycle and it is still there, is that normal?").route in (
        Route.URGENT,
        Route.CLINICAL_DECISION,
        Route.SYMPTOM_CHECK,
    )


def test_a_now_word_inside_the_if_clause_belongs_to_the_hypothesis() -> None:
    asked = "hypothetically if my dad started vomiting blood at home, is that an ER thing? he's totally fine right now"
    assert triage(asked).route is not Route.EMERGENCY
    assert triage("not sure if this matters but my chest started hurting an hour ago").route is Route.EMERGENCY


def test_something_read_about_is_named_not_reported() -> None:
    assert (
        triage("Can IL-2 affect the heart? I read something online about irregular heartbeats").route is Route.EDUCATION
    )
    assert triage("i read online about racing hearts and now my heart is racing").route is Route.EMERGENCY


def test_a_number_in_a_question_about_thresholds_is_no_reading() -> None:
    assert triage("for our support group: what temp counts as a fever after IL-2, 38 or 38.5?").route is Route.EDUCATION
    assert triage("my temp is 38.5 what counts as a fever").route is Route.EMERGENCY
    # "is it 38 or 38.5?" offers the options asked about; "mine is 39.1" after the question is a reading
    assert triage("what temperature counts as a fever after IL-2? is it 38 or 38.5?").route is Route.EDUCATION
    assert triage("what counts as a fever, mine is 39.1").route is Route.EMERGENCY
    # "is a heart rate over 120 ..." asks about a threshold; "is showing a pulse of 36" reads a device
    assert triage("is a heart rate over 120 common during the drip?").route is Route.EDUCATION
    assert triage("the oximeter is showing a pulse of 36 for my mum").route is Route.EMERGENCY
    assert triage("his heart rate is over 130, is that common").route is Route.EMERGENCY


def test_a_decision_that_names_the_person_is_personal_even_in_a_general_frame() -> None:
    assert triage("How long do you think my father has left if the IL-2 doesnt work?").route is Route.CLINICAL_DECISION
    assert triage("how long does mama have if the IL-2 dont work").route is Route.CLINICAL_DECISION
    assert triage("how long do people usually stay in hospital").route is Route.NONE


@pytest.mark.parametrize(
    ("text", "route"),
    [
        # bare numbers after a question about a threshold are options, not readings
        ("What's the temperature cut-off for calling the team? 38.0? 38.5?", Route.EDUCATION),
        ("What temp counts as a fever? mine is 38.9", Route.EMERGENCY),
        ("temp 38.9?", Route.EMERGENCY),
        # a denial that only says why someone asks in general reports nothing
        ("is being confused a normal il2 side effect? asking for research not bc im confused", Route.EDUCATION),
        ("no fever, just really tired", Route.SYMPTOM_CHECK),
        # the decision's own words make it personal ("the itching" is the writer's)
        ("is benadryl ok for the itching at night", Route.CLINICAL_DECISION),
        # the self-harm words are the writer's own even where an idiom cue ("tired of") occurs
        ("I am tired of this life and thinking of how to end it", Route.EMERGENCY),
        ("im tired of living out of a suitcase, how long is the stay?", Route.NONE),
        ("is melatonin alright to take at night", Route.CLINICAL_DECISION),
        # asking what to do when a sign comes is education; a decision asked after it is not
        ("what should we do if he starts vomiting blood at home?", Route.EDUCATION),
        ("what should i do if i miss a dose", Route.CLINICAL_DECISION),
        ("what should we do if he gets a fever, should we give him tylenol?", Route.CLINICAL_DECISION),
        ("do you reckon he'll be strong enough for the second round", Route.CLINICAL_DECISION),
        ("my heart stopped when the phone rang, when do they call with results?", Route.NONE),
        ("heart going like the clappers and wont settle", Route.EMERGENCY),
        ("+3kg since sat", Route.EMERGENCY),
        # a sign asked about in general, then taken up as the writer's own
        ("chest pain can happen, should i worry? mine started an hour ago", Route.EMERGENCY),
        ("is confusion a side effect? he has it now", Route.EMERGENCY),
        ("does il2 cause chest pain? my dad had it in 2019", Route.EDUCATION),
        ("our nurse friend says confusion can happen, how long does it last?", Route.EDUCATION),
        ("he cant lift his right arm and his words are coming out wrong", Route.EMERGENCY),
        ("went grey and slid off the chair", Route.EMERGENCY),
        # an apology is no denial and no hypothesis
        ("sorry if this makes no sense im so muddled", Route.EMERGENCY),
        ("would vomiting blood after il2 be a reason to call 999, hypothetically", Route.EDUCATION),
        ("im his wife and i dont know where to start, any tips?", Route.NONE),
        ("0700 yesterday 82.1 kg. 0700 today 85.0 kg.", Route.EMERGENCY),
        ("I weigh 80kg. Can I take 100 mg of tylenol?", Route.CLINICAL_DECISION),
        ("passed out once on the ward in 2021 during my third dose, never since. is that common", Route.EDUCATION),
    ],
)
def test_routes_of_questions_stories_and_own_words(text: str, route: Route) -> None:
    assert triage(text).route is route


def test_a_sign_asked_about_in_general_is_no_emergency() -> None:
    assert triage("should we be worried about stroke with il2 in general?").route is not Route.EMERGENCY
