"""The rule layer: what the reviewed safety data says about one normalised message.

For every tier (emergency, urgent, decision, symptom) it finds the concepts whose phrases occur and
asks `bot.safety.context` how the message stands to each match. Readings are judged against their
thresholds. The result lists what was found; `bot.safety.triage` decides the route.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.safety.context import MessageContext, Standing
from bot.safety.lexicon import Concept, Lexicon
from bot.safety.readings import find_readings

_NAMED_ONLY = frozenset({Standing.GENERAL, Standing.HYPOTHETICAL, Standing.PAST})
_ABOUT_NOW = frozenset({"my_reading_fine"})
"""Decisions about a person's state now ("is that normal?"), which a sign that is over cannot need."""


@dataclass
class Assessment:
    """What the rules found in one message (concept ids, best first within each tier)."""

    emergency: list[str] = field(default_factory=list)
    urgent: list[str] = field(default_factory=list)
    decision: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    """Personal signs that are not emergencies: symptoms, denied red flags, readings within limits."""
    named: list[str] = field(default_factory=list)
    """Signs only named (a general question, a hypothetical, something over)."""
    figurative: bool = False
    """Whether a sign occurs only in a figure of speech ("the bill nearly gave me a heart attack")."""
    personal: bool = False
    """Whether the message speaks of a particular person (I, my, he, mum, ...)."""
    now: bool = False
    """Whether anything is said to be happening now (today, since, still, ...)."""
    about_care: bool = False
    """Whether the message has a care, medicine, symptom or feeling word."""
    over: bool = False
    """Whether it tells of something that is over ("it all came off after"), with nothing going on now."""


def _standings(concept: Concept, ctx: MessageContext, lex: Lexicon) -> set[Standing]:
    """How the message stands to each match of the concept; stops at the first match reported."""
    seen: set[Standing] = set()
    for start, end in concept.matcher.spans(ctx.clean, lex.index):
        seen.add(ctx.standing(ctx.span(start, end)))
        if Standing.REPORTED in seen:
            break
    return seen


def assess(clean: str, lex: Lexicon) -> Assessment:
    """Apply every concept, reading and context cue to a normalised message."""
    ctx = MessageContext(clean, lex)
    found = Assessment(personal=ctx.personal(), now=ctx.now(), about_care=ctx.about_care(), over=ctx.over())
    signs: set[Standing] = set()
    """How the message stands to every sign it names, to tell an event that is over."""
    for concept in lex.tier("emergency"):
        if concept.always_personal is not None and concept.always_personal.matches(clean, lex.index):
            found.emergency.append(concept.id)
            continue
        standings = _standings(concept, ctx, lex)
        signs |= standings
        if Standing.REPORTED in standings:
            found.emergency.append(concept.id)
        elif Standing.DENIED in standings:
            found.report.append(f"denied:{concept.id}")
            if standings & _NAMED_ONLY:
                found.named.append(concept.id)  # asked about and denied: "is confusion normal? not that im confused"
        elif standings - {Standing.FIGURATIVE}:
            found.named.append(concept.id)
        elif standings:
            found.figurative = True
    for reading in find_readings(clean, lex.readings):
        standing = ctx.standing(ctx.span(reading.start, reading.end), number=True)
        signs.add(standing)
        if standing == Standing.FIGURATIVE:
            found.figurative = True
        elif standing in _NAMED_ONLY:
            found.named.append(f"reading_{reading.kind}")
        elif reading.emergency:
            found.emergency.append(f"reading_{reading.kind}")
        else:
            found.report.append(f"reading_{reading.kind}")
    if found.emergency:
        return found  # the emergency reply comes first; nothing below can change the route
    for tier, target in (("urgent", found.urgent), ("symptom", found.report)):
        for concept in lex.tier(tier):
            standings = _standings(concept, ctx, lex)
            signs |= standings
            if Standing.REPORTED in standings:
                target.append(concept.id)
            elif Standing.DENIED in standings and found.personal and not standings & _NAMED_ONLY:
                # "years ago he had no appetite for a month": the "no" is part of a sign that is over
                found.report.append(f"denied:{concept.id}")
            elif standings == {Standing.FIGURATIVE}:
                found.figurative = True  # "sick and tired of waiting in line"
    # "I got a rash after my last cycle, long gone now - is that normal?": asking whether something
    # that is over was normal is a general question; "is that normal?" about anything going on is not.
    over = signs == {Standing.PAST} and ctx.resolved()
    # "My dad had a contrast reaction years ago, it settled quickly. What's the mechanism behind it?"
    # asks for an explanation of something over; the words of a decision in the story ask for none.
    explains = (over or found.over) and ctx.asks_why_only()
    for concept in lex.tier("decision"):
        if concept.always_personal is not None and concept.always_personal.matches(clean, lex.index):
            found.decision.append(concept.id)  # "is benadryl ok for the itching": the itching is the writer's
            continue
        if explains or (over and concept.id in _ABOUT_NOW):
            continue
        if found.figurative and not found.report and concept.id in _ABOUT_NOW:
            continue  # "nearly had a heart attack at the bill, is that normal pricing?" asks of no state
        # A decision stays a decision in the past tense or with an idiom; only a general question is
        # not, unless the decision itself names the person ("how long do you think my father has left").
        # "what should we do if he starts vomiting blood": "should we do if he starts" asks what to
        # do when a sign comes, which the answer base teaches; a decision named after it still counts.
        spans = [
            span
            for span in (ctx.span(a, b) for a, b in concept.matcher.spans(clean, lex.index))
            if not (ctx.starts_inside("what_to_do", span) or ctx.starts_inside("how_to_help", span))
        ]
        placed = [ctx.standing(span) for span in spans]
        if found.over and placed and all(s is Standing.PAST for s in placed) and not ctx.asks_for_someone():
            continue  # "passed out once during my third dose, never since. is that common?" decides nothing now
        if any(s not in (Standing.GENERAL, Standing.DENIED) for s in placed) or any(
            s is Standing.GENERAL and ctx.names_person(span) for s, span in zip(placed, spans, strict=True)
        ):
            found.decision.append(concept.id)
    if found.named and found.report and all(r.startswith("denied:") for r in found.report):
        # "is being confused a normal side effect? asking for research, not bc im confused": a sign
        # asked about in general, and the denial only says why the writer asks. Nothing is reported.
        found.report = []
    if not (found.personal or found.now):
        # "chest pain" or "cant breathe" alone is still a report; an everyday symptom word with
        # nobody and no time in it ("rash?") is not.
        found.report = [r for r in found.report if not r.startswith("symptom")]
    return found
