"""Build the project's own spaCy pipeline: no pretrained English model fits spaCy 3.4 offline.

Blank English + lookup lemmatizer (tables from `spacy-lookups-data`, plus our lay-word lemmas) +
an entity ruler with the IL-2 vocabulary. Rasa's SpacyNLP loads the saved folder by path (see config.yml).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import spacy
from spacy.language import Language

from bot.vocabulary import lemma_overrides, ruler_patterns

PIPELINE_NAME = "il2_en"


def build_pipeline() -> Language:
    """A fresh pipeline: tokenizer, lookup lemmatizer and IL-2 entity ruler."""
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "IL-2 patient-education pipeline: lookup lemmas + IL-2 entity ruler"
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # Initialise before adding patterns: the ruler runs its phrases through the lemmatizer,
    # which needs the lookup table from spacy-lookups-data.
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    for word, lemma in lemma_overrides().items():
        table[word] = lemma
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    return nlp


def pipeline_fingerprint() -> str:
    """Hash of what goes into the pipeline, so a build is redone only when the vocabulary changes."""
    payload = json.dumps(
        {"spacy": spacy.__version__, "patterns": ruler_patterns(), "lemmas": lemma_overrides()}, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def save_pipeline(target: Path) -> bool:
    """Build and save the pipeline to `target` unless an identical one is there; True if built."""
    stamp = target / "fingerprint.txt"
    fingerprint = pipeline_fingerprint()
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == fingerprint:
        return False
    nlp = build_pipeline()
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return True
