"""Edges of normalising a message: each kind of character folded afresh, and what sits next to markup,
hyphens and slashes.

The fold table remembers what each character became, once per process. Each test here starts with it
empty, so every character is read through the folding rules themselves and not taken from what an
earlier test (or an earlier run in the same process) left in the table.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.safety import text
from bot.safety.text import fold, normalise, tokens
from bot.safety.triage import Route, triage

ZERO_WIDTH_SPACE = "\u200b"  # format character (Cf)
UNDERLINE = "\u0332"  # combining low line (Mn)
KEYCAP = "\u20e3"  # combining enclosing keycap (Me)
LAUGHING = "\U0001f602"
FIRE = "\U0001f525"
OMICRON = "\u03bf"  # Greek small omicron, looks like "o"


@pytest.fixture(autouse=True)
def _fold_table_empty() -> Iterator[None]:
    text._FOLD.clear()
    text._latin_lookalike.cache_clear()
    yield
    text._FOLD.clear()
    text._latin_lookalike.cache_clear()


def underlined(message: str) -> str:
    return "".join(c + UNDERLINE if c != " " else c for c in message)


# Invisible characters -------------------------------------------------------------------------------


def test_a_zero_width_space_inside_a_red_flag_vanishes_and_leaves_the_word_whole() -> None:
    message = f"i cant brea{ZERO_WIDTH_SPACE}the"
    assert normalise(message) == "i cant breathe"
    assert triage(message).route is Route.EMERGENCY


def test_a_combining_underline_under_every_letter_vanishes() -> None:
    message = underlined("chest pain")
    assert normalise(message) == "chest pain"
    assert triage(underlined("my chest hurts")).route is Route.EMERGENCY


def test_an_enclosing_keycap_on_each_digit_vanishes_and_the_number_stays_one_number() -> None:
    message = f"my temp is 3{KEYCAP}9{KEYCAP}.5"
    assert normalise(message) == "my temp is 39.5"
    assert triage(message).route is Route.EMERGENCY


# Letters ----------------------------------------------------------------------------------------------


def test_a_look_alike_letter_from_another_script_is_read_as_the_latin_letter_every_time() -> None:
    # The same Greek letter three times in one message: the second and third come from the table.
    message = f"c{OMICRON}ugh up bl{OMICRON}{OMICRON}d"
    assert fold(message) == "cough up blood"
    assert normalise(message) == "cough up blood"
    assert triage(f"i am c{OMICRON}ughing up bl{OMICRON}{OMICRON}d").route is Route.EMERGENCY


def test_accents_typed_by_a_long_press_on_latin_letters_are_dropped() -> None:
    # "a" with a diaeresis and "e" with an acute accent are no look-alikes: their Latin name says what they are.
    message = "i c\u00e4nt br\u00e9athe"
    assert normalise(message) == "i cant breathe"
    assert triage(message).route is Route.EMERGENCY
    assert normalise("fi\u00e8vre 39") == "fievre 39"


def test_letters_of_another_script_stay_as_they_are() -> None:
    assert fold("\u767d\u7ec6\u80de") == "\u767d\u7ec6\u80de"  # white blood cell, in Chinese


# Symbols ----------------------------------------------------------------------------------------------


def test_a_degree_sign_is_read_as_the_word_deg_and_nothing_else() -> None:
    assert normalise("my temperature is 38.5\u00b0C") == "my temperature is 38.5 deg c"
    assert tokens(normalise("38.5\u00b0")) == ["38.5", "deg"]


def test_an_emoji_with_no_spelling_separates_words_and_adds_none() -> None:
    assert normalise(f"chest{FIRE}pain") == "chest pain"
    assert normalise(f"my chest hurts {FIRE}") == "my chest hurts"
    assert triage(f"my chest{FIRE}hurts").route is Route.EMERGENCY


def test_a_laughing_face_reads_as_laughter_and_only_a_laughing_face_does() -> None:
    assert normalise(f"the bill {LAUGHING} gave me a heart attack") == "the bill haha gave me a heart attack"
    assert normalise(f"the bill {FIRE} gave me a heart attack") == "the bill gave me a heart attack"


def test_digits_of_another_script_are_read_as_digits() -> None:
    message = "my temperature is \u0663\u0669.\u0665"  # Arabic-Indic 39.5
    assert normalise(message) == "my temperature is 39.5"
    assert triage(message).route is Route.EMERGENCY


# Markup, hyphens, slashes and clock marks -------------------------------------------------------------


def test_a_weight_gain_inside_markup_is_still_a_gain() -> None:
    # The tag becomes a space, so the "+" still starts the number and reads as "up".
    message = "<p>+3kg since saturday</p>"
    assert normalise(message) == "up 3 kg since saturday"
    assert triage(message).route is Route.EMERGENCY


def test_words_next_to_markup_keep_their_own_spelling_rules() -> None:
    assert normalise("<p>he'll be fine</p>") == "he will be fine"
    assert normalise("<p>my sats are 88 per cent</p>") == "my sats are 88 %"
    assert normalise("im on chemo and <b>bleedingg</b> from my gums") == "im on chemo and bleeding from my gums"


def test_a_held_key_is_undone_on_a_word_after_a_hyphen() -> None:
    assert normalise("my heart is racing-poundingg") == "my heart is racing pounding"
    assert normalise("wheezy/gaspingg for breath") == "wheezy gasping for breath"
    assert triage("cant stop shaking-fittingg").route is Route.EMERGENCY


def test_a_slash_between_a_word_and_a_spelt_out_contraction_only_separates_them() -> None:
    assert normalise("my wife/she'll drive me in") == "my wife she will drive me in"


def test_a_slash_after_a_dotted_clock_mark_only_separates_the_words() -> None:
    assert normalise("took paracetamol at 6 a.m/midday") == "took paracetamol at 6 am midday"


def test_a_dotted_clock_mark_becomes_am_or_pm() -> None:
    assert normalise("woke at 5 a.m. with chest pain") == "woke at 5 am with chest pain"
    assert normalise("took it at 7 p. m.") == "took it at 7 pm"
