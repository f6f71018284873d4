"""The project's own spaCy pipeline: lookup lemmas and the IL-2 entity ruler."""

from __future__ import annotations

import pytest

from bot.nlp_pipeline import build_pipeline, save_pipeline
from bot.vocabulary import normalise


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


@pytest.mark.parametrize("spelling", ["IL-2", "il2", "IL 2", "aldesleuken", "prolukin", "Proleukin", "HD IL-2"])
def test_drug_names_and_misspellings_are_recognised(nlp, spelling: str) -> None:
    doc = nlp(f"is {spelling} a pill")
    assert [(e.label_, e.ent_id_) for e in doc.ents] == [("DRUG", "il2")]


def test_other_vocabulary(nlp) -> None:
    doc = nlp("what about the low dose one for kidney cancer with nausea")
    assert {(e.label_, e.ent_id_) for e in doc.ents} == {
        ("REGIMEN", "low_dose"),
        ("CANCER", "kidney_cancer"),
        ("SIDE_EFFECT", "nausea"),
    }


def test_lookup_lemmatizer_works(nlp) -> None:
    assert [t.lemma_ for t in nlp("side effects were worse")][:3] == ["side", "effect", "be"]


def test_saved_pipeline_is_rebuilt_only_when_needed(tmp_path) -> None:
    target = tmp_path / "pipeline"
    assert save_pipeline(target) is True
    assert save_pipeline(target) is False
    assert (target / "config.cfg").is_file()


def test_normalise_maps_entity_values_to_term_ids() -> None:
    assert normalise("Low-Dose").id == "low_dose"
    assert normalise("nothing known") is None


def test_lay_words_share_a_lemma_with_the_usual_word(nlp) -> None:
    lemmas = [t.lemma_ for t in nlp("will il2 make me barf or puke, so drained, my meds, the hotel")]
    assert lemmas.count("vomit") == 2
    assert {"tire", "medicine", "lodging"} <= set(lemmas)
    assert nlp("lodging")[0].lemma_ == "lodging"
