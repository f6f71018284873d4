"""The IL-2 vocabulary: what the entity ruler recognises, with the normalised id of each term.

One table serves the spaCy pipeline (entity ruler patterns) and the dialogue (normalising an
entity such as "low-dose" to the follow-up key `low_dose`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A concept with its entity label, normalised id and the phrases patients use for it."""

    label: str
    id: str
    phrases: tuple[str, ...]


TERMS: tuple[Term, ...] = (
    Term(
        "DRUG",
        "il2",
        (
            "il-2",
            "il2",
            "il 2",
            "il - 2",
            "interleukin-2",
            "interleukin 2",
            "interleukin2",
            "interleukin",
            "interlukin",
            "interleuken",
            "aldesleukin",
            "aldesleuken",
            "aldeslukin",
            "aldesleukine",
            "proleukin",
            "prolukin",
            "proluekin",
            "proleuken",
            "proleukine",
            "hd il-2",
            "hd il2",
        ),
    ),
    Term("DRUG", "steroid", ("steroid", "steroids", "prednisone", "cortisone", "dexamethasone", "hydrocortisone")),
    Term(
        "DRUG",
        "checkpoint_inhibitor",
        (
            "keytruda",
            "pembrolizumab",
            "opdivo",
            "nivolumab",
            "yervoy",
            "ipilimumab",
            "ipi",
            "checkpoint inhibitor",
            "checkpoint inhibitors",
            "pd-1",
            "pd1",
        ),
    ),
    Term("DRUG", "til_therapy", ("amtagvi", "lifileucel", "til therapy", "til")),
    Term("DRUG", "interferon", ("interferon",)),
    Term(
        "DRUG", "painkiller", ("ibuprofen", "advil", "motrin", "nsaid", "nsaids", "aspirin", "tylenol", "paracetamol")
    ),
    Term("REGIMEN", "high_dose", ("high dose", "high-dose", "hd", "inpatient", "in hospital", "bolus")),
    Term(
        "REGIMEN",
        "low_dose",
        (
            "low dose",
            "low-dose",
            "lower dose",
            "lower-dose",
            "outpatient",
            "at home",
            "subcutaneous",
            "under the skin",
            "injection",
            "injections",
            "shots",
        ),
    ),
    Term("CANCER", "melanoma", ("melanoma", "skin cancer", "metastatic melanoma")),
    Term(
        "CANCER",
        "kidney_cancer",
        (
            "kidney cancer",
            "renal cell carcinoma",
            "renal cell cancer",
            "rcc",
            "renal cancer",
            "kidney tumor",
        ),
    ),
    Term("CANCER", "neuroblastoma", ("neuroblastoma",)),
    Term("CANCER", "lymphoma", ("lymphoma",)),
    Term(
        "SIDE_EFFECT",
        "nausea",
        ("nausea", "nauseous", "throw up", "throwing up", "vomit", "vomiting", "puke", "sick to my stomach"),
    ),
    Term("SIDE_EFFECT", "fever_chills", ("fever", "chills", "rigors", "shaking", "shivering")),
    Term("SIDE_EFFECT", "fatigue", ("fatigue", "tired", "tiredness", "exhausted", "exhaustion")),
    Term("SIDE_EFFECT", "capillary_leak", ("capillary leak", "capillary leak syndrome", "vascular leak", "cls")),
    Term("SIDE_EFFECT", "swelling", ("swelling", "swollen", "weight gain", "water weight", "fluid retention", "puffy")),
    Term("SIDE_EFFECT", "low_blood_pressure", ("low blood pressure", "hypotension", "low bp")),
    Term("SIDE_EFFECT", "fast_heart", ("fast heart", "racing heart", "tachycardia", "heart racing", "palpitations")),
    Term(
        "SIDE_EFFECT", "confusion", ("confusion", "confused", "foggy", "brain fog", "hallucinations", "hallucinating")
    ),
    Term("SIDE_EFFECT", "skin", ("rash", "itching", "itchy", "peeling", "dry skin", "flushing", "vitiligo")),
    Term("SIDE_EFFECT", "diarrhea", ("diarrhea", "diarrhoea", "loose stools", "the runs")),
    Term("SIDE_EFFECT", "breathing", ("shortness of breath", "trouble breathing", "breathless", "can't breathe")),
    Term("SIDE_EFFECT", "thyroid", ("thyroid", "hypothyroidism", "underactive thyroid")),
    Term("SIDE_EFFECT", "depression", ("depression", "depressed", "anxiety", "insomnia", "irritability")),
    Term("BODY_PART", "heart", ("heart",)),
    Term("BODY_PART", "lungs", ("lung", "lungs")),
    Term("BODY_PART", "kidneys", ("kidney", "kidneys")),
    Term("BODY_PART", "liver", ("liver",)),
    Term("BODY_PART", "skin", ("skin",)),
    Term("BODY_PART", "chest", ("chest",)),
    Term("BODY_PART", "brain", ("brain",)),
)

LAY_WORDS: dict[str, tuple[str, ...]] = {
    "vomit": ("barf", "barfing", "puke", "puking", "puked", "hurl", "hurling", "vomiting", "vomited"),
    "nausea": ("queasy", "nauseous", "nauseated", "nauseas"),
    "tire": ("drained", "exhausted", "exhaustion", "wiped", "fatigued", "fatigue", "knackered", "weary", "worn"),
    "medicine": ("meds", "medication", "medications", "medicines", "pills", "tablets", "drugs", "prescriptions"),
    "pressure": ("bp", "hypotension"),
    "home": ("discharged", "discharge", "discharging"),
    "hallucination": ("hallucinate", "hallucinating", "hallucinations", "delusions", "delirium"),
    "confuse": ("foggy", "fog", "muddled", "fuzzy", "confusion", "disoriented"),
    "chill": ("rigors", "rigours", "rigor", "shakes", "shivers", "shivering", "shaking", "chills"),
    "diarrhea": ("diarrhoea", "runs", "stools", "stool"),
    "swelling": ("puffy", "bloated", "swollen", "swell", "swelled", "puffiness", "edema", "oedema"),
    "fever": ("temp", "temperature", "febrile", "fevers"),
    "cost": ("pricey", "expensive", "costly", "price", "afford", "bill", "bills", "costs"),
    "insurance": ("insurer", "medicare", "medicaid", "insured"),
    "visit": ("visiting", "visitors", "visitor", "visits"),
    "cure": ("cured", "cures", "curing"),
    "mood": ("moody", "depressed", "depression", "sad", "weepy"),
    "nervous": ("scared", "afraid", "fear", "frightened", "terrified", "anxious", "worried", "worry", "anxiety"),
    "heartbeat": ("pulse", "palpitations", "heartrate"),
    "breathe": ("breathless", "breathing", "breath"),
    "itch": ("itchy", "itching", "itches"),
    "peel": ("peeling", "flaky", "flaking", "shedding"),
    "pregnant": ("pregnancy", "conceive", "conceiving", "preggers"),
    "vaccine": ("vaccines", "vaccination", "vaccinations", "jab", "jabs", "immunization", "immunisation", "booster"),
    "age": ("older", "elderly", "younger", "aged"),
    "doctor": ("oncologist", "doc", "docs", "physician", "doctors"),
    "hospital": ("inpatient", "admitted", "admission", "ward", "hospitalized", "hospitalised"),
    "effect": ("affects", "affect", "effects", "sideeffects", "side-effects"),
    "infection": ("sepsis", "septic", "infected", "infections", "germs", "bug", "bugs"),
    "warning": ("warnings", "blackbox"),
    "weigh": ("weighing", "weighed", "weighs", "scale", "scales"),
    "urine": ("pee", "peeing", "wee", "urinate", "urinating", "urination"),
    "lodging": ("lodge", "accommodation", "accommodations", "hotel", "hotels", "motel", "housing"),
}
"""Lay words mapped to one canonical lemma, so "barf" and "vomit" look alike to the classifiers.

Installed into the spaCy pipeline's lookup lemmatizer table; the classifiers read lemmas.
"""

ENTITY_LABELS: tuple[str, ...] = tuple(sorted({term.label for term in TERMS}))

FOLLOW_UP_KEYS: frozenset[str] = frozenset({"high_dose", "low_dose", "melanoma", "kidney_cancer"})
"""Term ids an answer may name in `follow_ups` ("what about the low dose one?")."""

_BY_PHRASE: dict[str, Term] = {phrase: term for term in TERMS for phrase in term.phrases}


def normalise(phrase: str) -> Term | None:
    """The term a recognised phrase stands for, or None (case and spacing do not matter)."""
    return _BY_PHRASE.get(" ".join(phrase.lower().split()))


def lemma_overrides() -> dict[str, str]:
    """Word -> canonical lemma for the lookup lemmatizer (see LAY_WORDS)."""
    overrides = {word: lemma for lemma, words in LAY_WORDS.items() for word in words}
    # The canonical word must map to itself too (the stock table may send "lodging" to "lodge").
    overrides.update({lemma: lemma for lemma in LAY_WORDS})
    return overrides


def ruler_patterns() -> list[dict[str, str]]:
    """Patterns for spaCy's EntityRuler: phrase patterns matched on lowercase text, with ids."""
    return [{"label": term.label, "pattern": phrase, "id": term.id} for term in TERMS for phrase in term.phrases]
