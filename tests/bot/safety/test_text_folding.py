"""Folding a message character by character: what each kind of character becomes before the check reads it.

Invisible marks vanish inside a word, look-alike and accented letters become plain letters, a degree sign and
a laughing face become words, any other symbol separates words, and another script is counted, not changed.
"""

from __future__ import annotations

import pytest

from bot.safety.text import fold, non_latin_share, normalise, tokens
from bot.safety.triage import InputProblem, Route, triage

KEYCAP = "\ufe0f\u20e3"  # variation selector (Mn) and enclosing keycap (Me): "3" + KEYCAP is the 3️⃣ emoji
UNDERLINE = "\u0332"  # combining low line (Mn), what "underlined text" generators put after each letter
LAUGHING = "\U0001f602"  # face with tears of joy
FIRE = "\U0001f525"


def underlined(text: str) -> str:
    return "".join(c + UNDERLINE if c != " " else c for c in text)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("i cant brea\u2060the", "i cant breathe"),  # word joiner (Cf) inside a word
        ("i cant b\u200creathe", "i cant breathe"),  # zero-width non-joiner (Cf)
        (underlined("chest pain"), "chest pain"),  # a combining mark (Mn) after every letter
        (f"my temp is 3{KEYCAP}9{KEYCAP}.5", "my temp is 39.5"),  # keycap digits stay one number
    ],
)
def test_invisible_characters_inside_a_word_or_number_leave_it_whole(text: str, clean: str) -> None:
    assert normalise(text) == clean


def test_a_temperature_typed_in_keycap_emoji_is_read_as_a_fever() -> None:
    assert triage(f"my temp is 3{KEYCAP}9{KEYCAP}.5").route is Route.EMERGENCY


def test_an_underlined_red_flag_is_still_an_emergency() -> None:
    assert triage(underlined("i cant breathe")).route is Route.EMERGENCY


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("c\u03bfugh up bl\u03bf\u03bfd", "cough up blood"),  # Greek omicron, the same one three times
        ("my lips are blu\u0435", "my lips are blue"),  # Cyrillic ie
        ("i c\u00e4nt br\u00eb\u00e4the", "i cant breathe"),  # accents on Latin letters
        ("s\u00e9izure", "seizure"),
    ],
)
def test_look_alike_and_accented_letters_become_plain_letters(text: str, clean: str) -> None:
    assert normalise(text) == clean


def test_a_red_flag_spelt_with_a_repeated_look_alike_letter_is_still_an_emergency() -> None:
    # The same look-alike letter read a second time, in the same message and in a later one.
    assert triage("c\u03bfugh up bl\u03bf\u03bfd").route is Route.EMERGENCY
    assert triage("i am c\u03bfughing up bl\u03bf\u03bfd").route is Route.EMERGENCY


def test_a_degree_sign_becomes_the_word_deg() -> None:
    assert normalise("my temperature is 38.5\u00b0C") == "my temperature is 38.5 deg c"
    assert normalise("38.5\u00b0") == "38.5 deg"
    assert triage("my temperature is 38.5\u00b0C").route is Route.EMERGENCY


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        (f"chest{FIRE}pain", "chest pain"),  # an emoji with no spelling still separates words
        (f"my chest hurts {FIRE}\U0001f494", "my chest hurts"),
        ("ankles \u2192 swollen", "ankles swollen"),
        ("my temperature is \u0663\u0669", "my temperature is 39"),  # Arabic-Indic digits
        ("my temperature is \u0969\u096f", "my temperature is 39"),  # Devanagari digits
    ],
)
def test_other_symbols_separate_words_and_digits_of_other_scripts_are_read(text: str, clean: str) -> None:
    assert normalise(text) == clean


def test_a_fever_written_in_arabic_indic_digits_is_an_emergency() -> None:
    assert triage("my temperature is \u0663\u0669").route is Route.EMERGENCY


def test_a_laughing_face_is_read_as_laughter() -> None:
    assert normalise(f"the bill {LAUGHING} gave me a heart attack") == "the bill haha gave me a heart attack"
    assert normalise(f"lol {LAUGHING}\U0001f923") == "lol haha haha"


def test_a_laugh_just_before_a_sign_about_money_is_a_figure_of_speech_but_elsewhere_it_is_not() -> None:
    assert triage("the bill came and i had a heart attack").route is Route.EMERGENCY
    assert triage(f"the bill came {LAUGHING} i had a heart attack").route is Route.NONE
    assert triage(f"the bill came {FIRE} i had a heart attack").route is Route.EMERGENCY
    assert triage(f"my chest hurts {LAUGHING}").route is Route.EMERGENCY


def test_a_red_flag_after_markup_and_laughing_emoji_is_still_read() -> None:
    # Each tag folds to one space and each laughing face to " haha ": the whole message fits the scan.
    message = LAUGHING * 300 + "<b>" * 500 + " i cant breathe and my lips are blue"
    assert len(message) <= 2000
    assert normalise(message).endswith("i cant breathe and my lips are blue")
    assert triage(message).route is Route.EMERGENCY


def test_a_message_with_no_words_has_no_tokens() -> None:
    assert tokens("") == []
    assert tokens(normalise(FIRE)) == []
    assert tokens(normalise("my chest hurts!")) == ["my", "chest", "hurts", "!"]


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("abc\u767d", 0.25),
        ("\u767d\u7ec6\u80de wbc", 0.5),
        ("\u767d\u7ec6\u80de", 1.0),
        ("wbc count", 0.0),
        ("39.5", 0.0),
    ],
)
def test_the_share_of_letters_from_another_script_is_counted(text: str, share: float) -> None:
    assert non_latin_share(fold(text)) == pytest.approx(share)


def test_an_english_question_quoting_a_few_words_of_another_script_is_still_english() -> None:
    quoting = "what is \u767d\u7ec6\u80de\u8ba1\u6570\u4f4e in english"  # about a third of its letters
    assert 0.2 < non_latin_share(fold(quoting)) < 0.4
    assert triage(quoting).problem is not InputProblem.NOT_ENGLISH
    assert triage("what does \u767d\u7ec6\u80de mean on my blood test results").problem is None
    chinese = "\u767d\u7ec6\u80de\u8ba1\u6570\u4f4e\u662f\u4ec0\u4e48\u610f\u601d"  # what does low WBC mean
    assert triage(chinese).problem is InputProblem.NOT_ENGLISH
