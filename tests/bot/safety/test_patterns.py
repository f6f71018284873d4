"""The phrase language of the safety data."""

from __future__ import annotations

import pytest

from bot.safety.patterns import Matcher, PatternError

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
    ],
)
def test_phrases(phrase: str, text: str, expected: bool) -> None:
    assert matches(phrase, text) is expected


@pytest.mark.parametrize("phrase", ["$nope pain", "~ pain", "pain ~", "[opt] pain", "chest (pain)"])
def test_bad_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(PatternError):
        Matcher.build("t", [phrase], CLASSES)
