"""The phrase language of the safety data."""

from __future__ import annotations

import pytest

from bot.safety.patterns import Matcher, PatternError, PhraseIndex, inflections

CLASSES = {"pain": ["pain", "hurt*", "ache"], "cannot": ["cant", "unable to"]}


def matches(phrase: str, text: str) -> bool:
    return Matcher.build("t", [phrase], CLASSES).matches(text)


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("chest pain", "my chest pain", True),
        ("chest pain", "chest really pain", False),
        ("chest ~ pain", "chest is really bad pain", True),
        ("chest ~ pain", "chest is really very bad pain", False),
        ("chest ~5 pain", "chest is really very bad pain", True),
        ("chest ~ pain", "chest , then pain", True),
        ("chest ~ pain", "chest . pain", False),
        ("chest $pain", "chest hurting", True),
        ("$cannot breathe", "unable to breathe", True),
        ("breath*", "breathless", True),
        ("breath*", "abreath", False),
        ("heart racing|pounding", "heart pounding", True),
        ("left_arm|jaw numb", "left arm numb", True),
        ("left_arm|jaw numb", "left numb", False),
        ("very [very] dizzy", "very dizzy", True),
        ("very [very] dizzy", "very very dizzy", True),
        ("collapsed !the|a", "dad collapsed", True),
        ("collapsed !the|a", "dad collapsed the boxes", False),
        ("collapsed !the|a", "dad collapsed then", True),
        ("pain", "painting", False),
        ("=say ~1 he", "say he collapses", True),
        ("=say ~1 he", "says he gets dizzy", False),  # "=" keeps the word as written
        ("=say|=lets_=say ~1 he", "lets say he collapses", True),
    ],
)
def test_phrases(phrase: str, text: str, expected: bool) -> None:
    assert matches(phrase, text) is expected


@pytest.mark.parametrize("phrase", ["$nope pain", "~ pain", "pain ~", "[opt] pain", "chest (pain)"])
def test_bad_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(PatternError):
        Matcher.build("t", [phrase], CLASSES)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("kill ~1 himself", "hes thinking of killing himself"),
        ("faint", "she fainted"),
        ("breathe", "he is not breathing"),
        ("cry ~2 stop", "she cried and wont stop"),
        ("cut ~1 herself", "she has been cutting herself"),
        ("die", "i feel like im dying"),
    ],
)
def test_a_plain_word_matches_its_inflections(phrase: str, text: str) -> None:
    assert Matcher.build("x", [phrase], {}).matches(text)
    index = PhraseIndex([Matcher.build("x", [phrase], {})])
    assert Matcher.build("x", [phrase], {}).matches(text, index)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("confuse", "the forms were confusing"),  # a generated form that means something else
        ("fit", "a fitted sheet"),
        ("fitting", "i feel fit"),  # forms are added, never stems
        ("not", "knots"),  # function words are not inflected
    ],
)
def test_inflections_add_forms_not_other_words(phrase: str, text: str) -> None:
    assert not Matcher.build("x", [phrase], {}).matches(text)


def test_inflections_of_a_word() -> None:
    assert set(inflections("stop")) >= {"stop", "stops", "stopped", "stopping"}
    assert set(inflections("breathe")) >= {"breathe", "breathes", "breathed", "breathing"}
    assert set(inflections("cry")) >= {"cries", "cried", "crying"}
    assert inflections("my") == ("my",)
