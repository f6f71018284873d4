"""Words spelled by sound (data/safety/spellings.yml) are read as the word the phrases use."""

from __future__ import annotations

import re

import pytest

from bot.safety.lexicon import lexicon
from bot.safety.text import normalise, spellings
from bot.safety.triage import Route, triage


def test_every_spelling_maps_one_plain_word_to_another() -> None:
    for typed, meant in spellings().items():
        assert re.fullmatch(r"[a-z0-9]+", typed) and re.fullmatch(r"[a-z]+", meant), (typed, meant)
        assert typed != meant


def test_no_respelled_word_is_itself_a_word_of_the_safety_phrases() -> None:
    # A spelling that a phrase uses as it stands would change what that phrase matches.
    vocabulary = set(" ".join(w for words in lexicon().classes.values() for w in words).split())
    assert not set(spellings()) & vocabulary


def test_respelling_happens_before_matching() -> None:
    assert normalise("MY DADS HART IS FLUTTRING") == "my dads heart is fluttering"


@pytest.mark.parametrize(
    "text",
    [
        "MY DADS HART IS FLUTTRING AND SKIPING ALL OVER THE PLACE HE SAYS IT FEELS WRONG",
        "chest feels reely tite like sumone is sat on it",
        "worst hedake of my hole life just came on out of nowere",
        "big purple broozes popping up all over my legs and i havent banged anything",
        "my girlfriend is dubbled over with belly pane it came on all at once",
        "seeing dubble all of a suddan",
        "havnt had a proper wee all day just a few drops",
    ],
)
def test_an_emergency_spelled_by_sound_raises_the_alarm(text: str) -> None:
    assert triage(text).route is Route.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "wud it be ok for my husbend to stop now, hes had enuff",
        "my mum is 74 and has diabeetis, is she aloud to have it",
        "we want to move my wife to a diffrent hospittal halfway thru, can we",
    ],
)
def test_a_decision_spelled_by_sound_is_referred(text: str) -> None:
    assert triage(text).route is Route.CLINICAL_DECISION
