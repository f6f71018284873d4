"""Checks a reviewer relies on: each concept finds its examples and reports none of its counter-examples.

Counter-examples are judged with who-and-when taken into account ("a stroke of luck", "what
temperature counts as a fever?"), on the same normalised text the safety check reads.
"""

from __future__ import annotations

from bot.safety.assess import assess
from bot.safety.lexicon import Lexicon
from bot.safety.text import normalise


def example_problems(lex: Lexicon) -> list[str]:
    """Every example a concept gets wrong (empty when all are right)."""
    problems = []
    for concept in lex.concepts:
        matchers = [m for m in (concept.matcher, concept.always_personal) if m is not None]
        for example in concept.must_match:
            if not any(m.matches(normalise(example)) for m in matchers):
                problems.append(f"{concept.id}: does not match its example {example!r}")
        for example in concept.must_not_match:
            found = assess(normalise(example), lex)
            if concept.id in (*found.emergency, *found.urgent, *found.decision, *found.report):
                problems.append(f"{concept.id}: reports {example!r}, which it must not")
    return problems
