"""Signs only named: a friend's question passed on, people in general, a question why, a story that is over."""

from __future__ import annotations

import pytest

from bot.safety.assess import assess
from bot.safety.context import Standing
from bot.safety.lexicon import lexicon
from bot.safety.patterns import inflections
from bot.safety.text import normalise
from bot.safety.triage import Route, triage
from tests.bot.safety.test_context import standing_of

ALARMS = (Route.EMERGENCY, Route.URGENT, Route.CLINICAL_DECISION, Route.SYMPTOM_CHECK)


def test_a_general_question_passed_on_is_general_but_a_question_about_the_person_is_not() -> None:
    assert (
        standing_of("my friend asked me whether IL-2 can cause seizures, does it ever?", "seizure") is Standing.GENERAL
    )
    assert standing_of("the nurse asked if he had a seizure and he did", "seizure") is Standing.REPORTED
    assert standing_of("the nurse asked if I had trouble breathing and I said no", "breathing") is Standing.DENIED


def test_a_hypothetical_about_people_in_general_is_general_and_about_the_person_hypothetical() -> None:
    people = "if someone reacts to CT contrast months after IL-2, what does that reaction usually look like?"
    assert triage(people).route not in ALARMS
    assert standing_of("if my dad started vomiting blood what would we do", "gi_bleeding") is Standing.HYPOTHETICAL


@pytest.mark.parametrize(
    "text",
    [
        "I had horrible rigors in ICU on cycle one back in March. All fine now, but what actually causes the shaking?",
        "my dad had a contrast reaction a couple of years ago after IL-2, it settled quickly. what's the mechanism?",
        "when mum had it last spring her creatinine shot up then went back to normal - why do the kidneys take a hit?",
        "when i finish treatment in 2022 my skin peel like snake, it is over now, what cause it",
        "mum had peeling skin after her last cycle in January, long healed now. is that typical for most people",
        "dads skin peeled like a snake after his course in the summer, it's all healed up now, is that usual",
    ],
)
def test_a_question_why_about_something_over_is_no_alarm(text: str) -> None:
    assert triage(text).route in (Route.EDUCATION, Route.NONE)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        # The same stories with a question for the person in them stay decisions.
        (
            "my creatinine shot up last spring then went back to normal. why, and should i still have cycle 3?",
            Route.CLINICAL_DECISION,
        ),
        ("why is my creatinine 2.1 this week", Route.CLINICAL_DECISION),
        ("all fine now but what is causing my chest pain right now", Route.EMERGENCY),
    ],
)
def test_a_question_why_that_asks_for_the_person_is_not_education(text: str, route: Route) -> None:
    assert triage(text).route is route


def test_an_example_sentence_belongs_to_the_question_before_it() -> None:
    assert triage("can IL-2 affect mood? like depression or feeling really low").route not in ALARMS
    assert triage("can IL-2 affect mood? like i feel really low and hopeless right now").route in ALARMS


def test_fine_for_now_is_not_something_going_on() -> None:
    found = assess(normalise("I had a history of depression (I'm ok at the moment), does IL-2 affect mood?"), lexicon())
    assert not found.urgent
    assert assess(normalise("I'm feeling low at the moment"), lexicon()).now


def test_something_that_gave_you_a_heart_attack_nearly_is_a_figure_of_speech() -> None:
    assert triage("the hospital car park nearly gave me a heart attack, 18 pounds for the day!").route is Route.NONE
    assert triage("i nearly had a heart attack this morning").route is Route.EMERGENCY
    # A bill, a team or a form "gives" the writer only a fright; the treatment giving someone one is no figure.
    assert triage("the bill gave me a heart attack").route is Route.NONE
    assert triage("i think the drip gave him a heart attack").route is Route.EMERGENCY


def test_a_figure_of_speech_about_a_symptom_word_gets_no_referral_from_the_net() -> None:
    assert triage("i was sick and tired of waiting in line at pharmacy, can they deliver?").route is Route.NONE
    assert triage("sick and tired of this diarrhoea, can i take imodium").route is Route.CLINICAL_DECISION


def test_a_story_that_is_over_gets_no_referral_from_the_net() -> None:
    over = (
        "During my husband's stay he got quite confused on day 4 but it cleared up and he's been himself since. Usual?"
    )
    assert triage(over).route is Route.EDUCATION
    assert triage("he got quite confused on day 4 and he is still not himself today").route is Route.EMERGENCY


@pytest.mark.parametrize(
    ("word", "dropped"), [("talk", "talkin"), ("make", "makin"), ("close", "closin"), ("bleed", "bleedin")]
)
def test_the_dropped_g_of_an_ing_form_matches(word: str, dropped: str) -> None:
    assert dropped in inflections(word)


@pytest.mark.parametrize("word", ["thing", "bring", "sing", "ring"])
def test_a_short_word_ending_in_ing_loses_no_g(word: str) -> None:
    assert not {f for f in inflections(word) if f + "g" == word}


@pytest.mark.parametrize(
    "text",
    [
        "hes not makin sense, talkin to ppl who arent there",
        "cnat get air in",
        "seeing 2 of everything suddenly",
    ],
)
def test_dropped_letters_and_digits_still_raise_the_alarm(text: str) -> None:
    assert triage(text).route is Route.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "the batteries in my bp cuff died lol, does the clinic lend out monitors?",
        "insurance approval came through!! my blood pressure can come down now haha. what happens next usually?",
        "Dad nearly had a heart attack at the price of the hospital coffee. Are we allowed to bring our own food?",
    ],
)
def test_a_condition_word_and_a_modal_somewhere_make_no_eligibility_question(text: str) -> None:
    assert triage(text).route not in ALARMS


@pytest.mark.parametrize(
    "text",
    [
        "with my heart condition can they still give me il2",
        "am i allowed to have il2 with my diabetes",
        "ok w lisinopril?",
        "how many units shud i inject tonite",
    ],
)
def test_eligibility_and_medicine_questions_stay_decisions(text: str) -> None:
    assert triage(text).route is Route.CLINICAL_DECISION


@pytest.mark.parametrize(
    "text",
    [
        "my mum keeps asking me what the signs of a stroke are so we know, can you list them?",
        "sorry to be a pain, where do I park for the infusion centre?",
        "my wife passed out laughing at the hospital gown lol, do they have bigger sizes?",
        "after my last cycle (years ago now) i had terrible shakes. why do the rigors happen?",
    ],
)
def test_questions_passed_on_figures_of_speech_and_old_stories_raise_no_alarm(text: str) -> None:
    assert triage(text).route not in ALARMS


def test_still_in_a_question_about_what_a_person_may_have_is_no_now() -> None:
    asked = "dad had a fit in the ICU last cycle but none since, can he still have cycle 3?"
    assert triage(asked).route is Route.CLINICAL_DECISION
    assert triage("dad had a fit in the ICU last cycle and he is still shaking").route is Route.EMERGENCY


def test_a_duration_alone_says_nothing_is_happening_now() -> None:
    assert triage("i went running for 35 minutes").route is not Route.EMERGENCY
    assert assess(normalise("she collapsed 10 minutes ago"), lexicon()).now
    assert not assess(normalise("we waited 3 hours in the clinic"), lexicon()).now


@pytest.mark.parametrize(
    "text",
    [
        "Sorry to be a pain, my partner has nearly blacked out twice getting up from bed, says everything goes white",
        "the finger thing says 88% for my mum",
        "resident has only passed drops of urine all shift, pad bone dry, whats there is very dark",
    ],
)
def test_politeness_device_nicknames_and_care_home_words_do_not_hide_an_emergency(text: str) -> None:
    assert triage(text).route is Route.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "babcia wants to stop halfway through, should we let her?",
        "we want another baby next year, is it safe for my husband to try after he finishes?",
    ],
)
def test_decisions_about_a_relative_with_no_pronoun_first_are_referred(text: str) -> None:
    assert triage(text).route is Route.CLINICAL_DECISION


@pytest.mark.parametrize(
    "text",
    [
        "hubby passed out copies of the leaflet to the whole family lol, is there a version for kids?",
        "I'm sick to death of daytime tv on the ward already, is there wifi?",
        "the exchange rate crashed so the hotel is really hurting my wallet, any financial help out there?",
        "Can IL-2 cause a fast heartbeat, and why? Just curious, I'm a nursing student.",
        "what are the warning signs of a reaction to contrast dye after IL-2?",
    ],
)
def test_more_everyday_words_raise_no_alarm(text: str) -> None:
    assert triage(text).route not in ALARMS


@pytest.mark.parametrize(
    "text",
    [
        "The prior-auth process is giving me a headache. Who usually handles insurance approval?",
        "My portfolio collapsed this week, so budgets are on my mind. How much does a course of IL-2 cost?",
        "had my kidney numbers go off during IL-2 in 2021, been normal ever since. why does it hit the kidneys",
        "If I were to come over short of breath at home, hypothetically speaking, who should I ring?",
        "I'm dying for a proper cup of tea on those long days, are visitors allowed to bring a flask onto the ward?",
    ],
)
def test_late_relatives_idioms_and_stories_over_since_raise_no_alarm(text: str) -> None:
    assert triage(text).route not in ALARMS


@pytest.mark.parametrize(
    "text",
    [
        "I've come out in little white patches on my hands, is that anything to fret about in my case",
        "Can cycle 2 be pushed back 10 days? We've got a half marathon booked and non-refundable flights.",
        "Mum wants to pack it in after this week, is it alright for her to stop halfway",
        "would a spoonful of Benylin be alright for this tickly cough of mine",
        "benadryl for the itch? yes or no",
        "ok to run an easy 5k on day 4 after discharge?",
        "Creatinine went 0.9 -> 1.8 over the cycle per my patient portal. What does that mean for me?",
    ],
)
def test_more_personal_decisions_are_referred(text: str) -> None:
    assert triage(text).route is Route.CLINICAL_DECISION


def test_every_time_i_stand_up_i_nearly_black_out_is_no_figure_of_speech() -> None:
    assert triage("every time i stand up i nerly black out and the room goes round").route is Route.EMERGENCY
    assert triage("friend im staying with has asked me 3 times in 5 mins where she is").route is Route.EMERGENCY


def test_a_late_relative_is_a_story_that_is_over() -> None:
    # The rules read it as over; the net may still raise a named sign (it errs towards an alarm).
    text = "My late wife had IL-2 and came up in a terrible itchy rash all over her back."
    assert standing_of(text, "allergic") is Standing.PAST


@pytest.mark.parametrize(
    "text",
    [
        "the lorry conked out on the A1 so we'll be late for his admission, who do I ring?",
        "our goat fainted at the county show, typical! what time is visiting on the ward?",
        "the old garage roof finally collapsed in the wind, anyway where do I park for oncology",
        "the dog had a seizure last week but the vet says she's fine now, can pets visit the ward?",
        "the bank charges are giving me a heart attack, is there any financial help for patients?",
        "this red tape is suffocating, who helps with the disability benefit forms?",
        "Were a patient to develop chest pain at home, what should they do?",
        "mum had a nosebleed on the ward that stopped quickly, is that a known thing with IL-2?",
    ],
)
def test_things_animals_frights_and_conditions_raise_no_alarm(text: str) -> None:
    assert triage(text).route is not Route.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "i think she'd collapsed in the bathroom, she's on the floor",  # "she'd" normalises to "shed"
        "we were on the bus and he collapsed",
        "he got off the bus collapsed on the pavement and isnt answering me",  # a vehicle dies, it never collapses
        "my lips were starting to go blue and I can't get my breath",  # "were ... to go" is no condition here
        "nose has been bleeding an hour and nothing stops it",
        "the cat knocked over the lamp and my wife collapsed trying to catch it",
        "the kids are giving me a headache and my chest feels crushed, pain going into my arm",
    ],
)
def test_a_person_beside_a_thing_an_animal_or_a_fright_keeps_the_emergency(text: str) -> None:
    assert triage(text).route is Route.EMERGENCY


def test_no_word_of_a_figure_of_speech_is_a_contraction_as_normalised() -> None:
    # "she'd collapsed" normalises to "shed collapsed": a garden "shed" in the things that collapse
    # would have made it a figure of speech.
    pronouns = ("i", "you", "he", "she", "it", "we", "they", "who", "that", "there")
    contractions = {normalise(f"{p}'{end}") for p in pronouns for end in ("d", "ll", "s", "re", "ve", "m")}
    classes = lexicon().classes
    for name in ("thing", "vehicle", "animal", "idiom_trigger", "admin_thing"):
        assert not contractions & set(classes[name]), name


def test_say_supposes_only_where_it_opens_a_sentence() -> None:
    assert triage("say my husband started vomiting blood in the night, do we ring 999 or the ward?").route in (
        Route.EDUCATION,
        Route.NONE,
    )
    assert triage("my sister just rang to say he's vomiting blood").route is Route.EMERGENCY
    assert triage("hes hardly peed all day. says he feels faint when he stands up").route is Route.EMERGENCY
