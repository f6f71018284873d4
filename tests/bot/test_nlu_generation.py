"""The generated FAQ training data comes from the answer files and must not be stale."""

from __future__ import annotations

import yaml

from bot.nlu_generation import answer_id_from_intent, faq_intent, render_faq_nlu
from bot.settings import GENERATED_FAQ_NLU


def test_generated_faq_file_is_up_to_date(answer_entries) -> None:
    assert GENERATED_FAQ_NLU.read_text(encoding="utf-8") == render_faq_nlu(answer_entries), (
        "data/nlu/faq.yml is stale: run `python -m bot nlu generate`"
    )


def test_every_faq_answer_has_its_examples_and_a_response(answer_entries) -> None:
    document = yaml.safe_load(render_faq_nlu(answer_entries))
    intents = {item["intent"]: item["examples"] for item in document["nlu"]}
    for entry in answer_entries:
        if entry.topic == "system":
            assert faq_intent(entry.id) not in intents
            continue
        assert len(intents[faq_intent(entry.id)].splitlines()) == len(entry.examples)
        assert f"utter_{faq_intent(entry.id)}" in document["responses"]


def test_intent_names_round_trip() -> None:
    assert answer_id_from_intent(faq_intent("side_effects.nausea")) == "side_effects.nausea"
    assert answer_id_from_intent("greet") is None
