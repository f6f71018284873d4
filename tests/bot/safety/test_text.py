"""Normalisation: tricks that would hide a red flag are undone, ordinary text is never deleted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.text import MAX_SCAN_CHARS, fold, non_latin_share, normalise
from bot.safety.triage import Route, triage


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("ch\u200best pain", "chest pain"),  # zero-width space
        ("ch\u00adest pain", "chest pain"),  # soft hyphen
        ("che\u200dst\ufeff pain", "chest pain"),  # zero-width joiner, byte-order mark
        ("can\u00b4t breathe", "cant breathe"),  # an accent typed as an apostrophe
        ("can`t breathe", "cant breathe"),
        ("can\u2019t breathe", "cant breathe"),
        ("\uff43\uff48\uff45\uff53\uff54 \uff50\uff41\uff49\uff4e", "chest pain"),  # full-width letters
        ("\u0441hest pain", "chest pain"),  # Cyrillic es
        ("chest p\u0430in", "chest pain"),  # Cyrillic a
        ("short-of-breath", "short of breath"),
        ("soooo dizzzzy", "soo dizzy"),
        ("CAN'T BREATHE!!!", "cant breathe ! !"),
        ("fi\u00e8vre", "fievre"),
        ("she does not know where she is", "she doesnt know where she is"),  # the phrases' spelling
        ("I did not faint", "i didnt faint"),
        ("heart wont stop poundingg", "heart wont stop pounding"),  # a key held too long
        ("the king is a kingg", "the king is a kingg"),  # only after -ing
        ("+3kg since sat", "up 3 kg since sat"),
        ("c++ 2", "c 2"),
        ("he'll be fine", "he will be fine"),
        ("i'll be ok", "ill be ok"),
    ],
)
def test_tricks_that_hide_a_red_flag_are_undone(text: str, clean: str) -> None:
    assert normalise(text) == clean


def test_markup_tags_are_removed_but_ordinary_text_never_is() -> None:
    assert normalise("<b>my dad</b> passed out") == "my dad passed out"
    assert normalise("<3 my chest hurts >") == "3 my chest hurts"
    assert normalise("temp < 38 and pulse > 120") == "temp 38 and pulse 120"
    assert normalise("<script>alert(1)</script>") == "alert 1"


def test_other_scripts_are_kept_for_the_language_check() -> None:
    assert non_latin_share(fold("白细胞介素2是什么")) > 0.9
    assert non_latin_share(fold("José Núñez")) == 0.0


def test_only_the_scanned_length_is_read() -> None:
    assert len(normalise("a " * (3 * MAX_SCAN_CHARS))) <= MAX_SCAN_CHARS


@pytest.mark.parametrize("trick", ["ch\u200best", "\u0441hest", "\uff43\uff48\uff45\uff53\uff54", "ch\u00adest"])
def test_a_hidden_red_flag_is_still_an_emergency(trick: str) -> None:
    assert triage(f"my {trick} hurts so bad").route is Route.EMERGENCY


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_triaged_without_error(text: str) -> None:
    verdict = triage(text)
    assert verdict.route in Route
    assert normalise(normalise(text)) == normalise(text)


def test_combining_and_enclosing_marks_are_invisible() -> None:
    assert normalise("che\u0301st pain") == "chest pain"  # combining acute (Mn)
    assert normalise("chest\u20dd pain") == "chest pain"  # combining enclosing circle (Me)
    assert normalise("deg\u00b0") == "deg deg"
