"""The statistical second net: a small text classifier that catches what the phrases miss.

It sorts a normalised message into emergency, decision, report or general (TF-IDF character and
word n-grams, logistic regression). It is trained on the dev part of the safety benchmark, the
sealed sets already scored and so spent, the old held-out safety file and the NLU training examples,
never on the current sealed set (`safety_sealed_v16.yml`). Its thresholds are chosen at build time by 5-fold
cross-validation on the dev data with whole writers held out, for recall: the net may only add
an emergency or a referral to what the rules decided, never take one away.

Built by `python -m bot safety build` into `build/safety/` under a hash of its inputs; loaded on
first use. If no built net is present the rules still run alone, and a warning says so.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.nlu_generation import read_nlu_examples
from bot.settings import NLU_DIR, PROJECT_ROOT

logger = logging.getLogger(__name__)

NET_DIR = PROJECT_ROOT / "build" / "safety"
DEV_BENCHMARK = PROJECT_ROOT / "tests" / "eval" / "safety_dev.yml"
LEGACY_SAFETY = PROJECT_ROOT / "tests" / "eval" / "heldout_safety.yml"
BENCHMARKS = (
    DEV_BENCHMARK,
    PROJECT_ROOT / "tests" / "eval" / "safety_dev_v2.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_dev_v3.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_dev_v4.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_dev_v5.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v2.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v3.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v4.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v5.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v6.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v7.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v8.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v9.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v10.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v11.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v12.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v13.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v14.yml",
    PROJECT_ROOT / "tests" / "eval" / "safety_sealed_v15.yml",
)
"""The dev parts and the sealed sets scored and so spent (dev data now). The current sealed set
(`tests/eval/safety_sealed_v16.yml`) is never read here; a test checks this list against
`evaluation.safety_sets`."""
NORMALISATION = (
    PROJECT_ROOT / "bot" / "safety" / "text.py",
    PROJECT_ROOT / "bot" / "safety" / "spoken_numbers.py",
    PROJECT_ROOT / "data" / "safety" / "spellings.yml",
)
"""What makes the normalised text the net reads: a net built on another normalisation is stale."""
LABELS = ("emergency", "decision", "report", "general")
NET_INPUT_CHARS = 600
"""The net reads the first 600 characters: enough for any message a patient types in one go, and
it keeps the net's cost bounded on long input (the rules read everything)."""
GENERAL_FALSE_ALARM_BUDGET = 0.003
"""At most this share of general dev questions may score as an emergency. One threshold serves a
sign the rules saw and a message in which they saw none: judged on nine sets, each left out of the
net in turn (about 4,000 messages of writers it never saw), every emergency the net added scored
above it, while a looser one (1%, used until then for a sign the rules saw) added only false alarms."""
NAMED_FALSE_ALARM_BUDGET = 0.001
"""Stricter, for a sign the rules judged only named (asked about in general, supposed, or over): the
net overrules their judgement only when it is surer than about all but one in a thousand general
questions. On the nine sets left out in turn, the looser threshold raised 5 general questions this
way ("can the low blood pressure from IL-2 make people faint? we start in three weeks")."""
GENERAL_REFERRAL_BUDGET = 0.03
MODEL_ALARM_MISS_BUDGET = 0.002
"""The dialogue model's emergency intent alone (the rules and the net saw no emergency) stands only
where the net gives the message at least the score that all but this share of dev emergencies reach
(cross-validated, whole writers held out). The intent model learnt from a few hundred examples and
calls "my sister is having a fit about me going in" an emergency; the net learnt from thousands of
patients' messages, harmless alarm words among them, and scores it low."""
SEED = 2026

_LEGACY_LABELS = {"emergency": "emergency", "redirect": "decision", "no_alarm": "general"}
_INTENT_LABELS = {"emergency": "emergency", "clinical_decision": "decision"}


@dataclass(frozen=True)
class NetVerdict:
    """What the net adds: an emergency, a decision, or a personal report."""

    emergency: bool = False
    emergency_over_named: bool = False
    """Sure enough to raise a sign the rules judged only named."""
    decision: bool = False
    report: bool = False
    backs_model_alarm: bool = True
    """Whether the message scores high enough for the dialogue model's emergency alone to stand."""


def training_data(leave_out: frozenset[str] = frozenset()) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, writers): every training example and who wrote it.

    `writers` names the benchmark batch of each benchmark case (b3, s2, ...) and is empty for the
    other examples (the old held-out file, the NLU examples).

    `leave_out` names writers' batches whose cases are left out, to measure the net on a writer it
    never saw (`python -m evaluation safety-writers`).
    """
    texts: list[str] = []
    labels: list[str] = []
    writers: list[str] = []
    for benchmark in BENCHMARKS:
        for raw in yaml.safe_load(benchmark.read_text(encoding="utf-8"))["cases"]:
            writer = str(raw.get("batch") or benchmark.stem)
            if writer in leave_out:
                continue
            texts.append(str(raw["text"]))
            labels.append(str(raw["kind"]))
            writers.append(writer)
    for raw in yaml.safe_load(LEGACY_SAFETY.read_text(encoding="utf-8"))["cases"]:
        label = _LEGACY_LABELS.get(str(raw["expect"]), "general")
        texts.append(str(raw["text"]))
        labels.append(label)
        writers.append("")
    for path in sorted(NLU_DIR.glob("*.yml")):
        for intent, examples in read_nlu_examples(path).items():
            label = _INTENT_LABELS.get(intent, "general")
            texts.extend(examples)
            labels.extend([label] * len(examples))
            writers.extend([""] * len(examples))
    return texts, labels, writers


def fingerprint() -> str:
    """Hash of everything the net is built from (its data and this module)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in [*BENCHMARKS, LEGACY_SAFETY, *NORMALISATION, *sorted(NLU_DIR.glob("*.yml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def net_path(print_: str | None = None) -> Path:
    """Where the net for the current inputs lives."""
    return NET_DIR / f"net-{print_ or fingerprint()}.joblib"


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
        ]
    )
    classifier = LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000, random_state=SEED)
    return Pipeline([("features", features), ("classifier", classifier)])


def _prepared(texts: list[str]) -> list[str]:
    from bot.safety.text import normalise

    return [normalise(t)[:NET_INPUT_CHARS] for t in texts]


def _choose_threshold(scores: list[float], negative: list[bool], budget: float) -> float:
    """The lowest threshold whose false positives on `negative` stay within `budget`."""
    negatives = sorted((s for s, n in zip(scores, negative, strict=True) if n), reverse=True)
    allowed = int(budget * len(negatives))
    floor = negatives[allowed] if len(negatives) > allowed else 0.0
    return min(0.99, max(0.05, floor + 1e-6))


def _recall_floor(scores: list[float], positive: list[bool], budget: float) -> float:
    """The highest threshold that at most `budget` of the `positive` scores fall below."""
    positives = sorted(s for s, p in zip(scores, positive, strict=True) if p)
    if not positives:
        return 0.0
    return positives[min(int(budget * len(positives)), len(positives) - 1)]


def build(path: Path | None = None, leave_out: frozenset[str] = frozenset()) -> Path:
    """Train the net, choose its thresholds by cross-validation on the dev part, and save it."""
    import joblib
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    target = path or net_path()
    texts, labels, writers = training_data(leave_out)
    prepared = _prepared(texts)
    label_array = np.array(labels)
    dev_index = np.array([i for i, w in enumerate(writers) if w])
    other_index = np.array([i for i, w in enumerate(writers) if not w])
    probabilities = np.zeros((len(texts), len(LABELS)))
    # Whole writers' batches are held out, never single messages: the thresholds are for writers the
    # net has not seen, and a writer's other messages in the training folds would make it look surer.
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train_dev, test_dev in folds.split(dev_index, label_array[dev_index], np.array(writers)[dev_index]):
        train = np.concatenate([other_index, dev_index[train_dev]])
        model = _pipeline().fit([prepared[i] for i in train], label_array[train])
        order = [list(model.classes_).index(label) for label in LABELS]
        held = dev_index[test_dev]
        probabilities[held] = model.predict_proba([prepared[i] for i in held])[:, order]
    dev_labels = label_array[dev_index]
    dev_scores = probabilities[dev_index]
    general = [label == "general" for label in dev_labels]
    thresholds = {
        "emergency": _choose_threshold(list(dev_scores[:, 0]), general, GENERAL_FALSE_ALARM_BUDGET),
        "emergency_over_named": _choose_threshold(list(dev_scores[:, 0]), general, NAMED_FALSE_ALARM_BUDGET),
        "decision": _choose_threshold(list(dev_scores[:, 1]), general, GENERAL_REFERRAL_BUDGET),
        "report": _choose_threshold(list(dev_scores[:, 2]), general, GENERAL_REFERRAL_BUDGET),
        "model_alarm": _recall_floor(
            list(dev_scores[:, 0]), [label == "emergency" for label in dev_labels], MODEL_ALARM_MISS_BUDGET
        ),
    }
    model = _pipeline().fit(prepared, label_array)
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"model": model, "thresholds": thresholds, "labels": LABELS}, target)
    return target


def ensure_built() -> tuple[Path, bool]:
    """(path, built now): build the net for the current inputs unless it exists."""
    path = net_path()
    if path.is_file():
        return path, False
    for old in NET_DIR.glob("net-*.joblib"):
        old.unlink()
    return build(path), True


class CompiledNet:
    """The trained pipeline's arithmetic without scikit-learn's per-call overhead.

    TF-IDF (sublinear term frequency, l2 per vectorizer) and multinomial logistic regression are a
    few dictionary look-ups and one small dot product; scikit-learn spends milliseconds checking
    its input on every call. A test checks both give the same probabilities.
    """

    _WORD = re.compile(r"(?u)\b\w\w+\b")
    _SPACES = re.compile(r"\s\s+")

    def __init__(self, pipeline: Any) -> None:
        """Take the vocabularies, idf weights and coefficients out of a fitted pipeline."""
        import numpy as np

        classifier = pipeline.named_steps["classifier"]
        self.classes = [str(c) for c in classifier.classes_]
        self._coef = np.ascontiguousarray(classifier.coef_.T)
        self._intercept = classifier.intercept_.copy()
        self._parts = []
        offset = 0
        for _, vectorizer in pipeline.named_steps["features"].transformer_list:
            vocabulary = vectorizer.vocabulary_
            self._parts.append((vectorizer.analyzer, vectorizer.ngram_range, vocabulary, vectorizer.idf_, offset))
            offset += len(vocabulary)

    def _grams(self, analyzer: str, ngram_range: tuple[int, int], text: str) -> list[str]:
        low, high = ngram_range
        if analyzer == "char_wb":  # as sklearn's _char_wb_ngrams
            grams: list[str] = []
            for word in self._SPACES.sub(" ", text).split():
                padded = f" {word} "
                for n in range(low, high + 1):
                    grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
                    if len(padded) <= n:  # a word no longer than n counts once, as sklearn does
                        break
            return grams
        words = self._WORD.findall(text)
        return [" ".join(words[i : i + n]) for n in range(low, high + 1) for i in range(len(words) - n + 1)]

    def probabilities(self, text: str) -> dict[str, float]:
        """Class probabilities of one (already normalised, lowercase) text."""
        import numpy as np

        scores = self._intercept.copy()
        for analyzer, ngram_range, vocabulary, idf, offset in self._parts:
            counts: dict[int, int] = {}
            for gram, times in Counter(self._grams(analyzer, ngram_range, text)).items():  # each gram looked up once
                index = vocabulary.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + times
            if not counts:
                continue
            indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * idf[indices]
            weights /= np.sqrt(weights @ weights)
            scores += weights @ self._coef[offset + indices]
        scores = np.exp(scores - scores.max())
        return dict(zip(self.classes, (scores / scores.sum()).tolist(), strict=True))


def _read(path: Path) -> dict[str, Any]:
    import joblib

    loaded = dict(joblib.load(path))
    loaded["compiled"] = CompiledNet(loaded["model"])
    return loaded


_MODEL_NET: dict[str, Any] = {}
"""The net the loaded Rasa model carries (`use_net`), which wins over build/safety."""


def use_net(path: Path) -> None:
    """Judge with the net in `path` from now on: the one a model was trained with, loaded with it.

    Each model carries the net built from its own training data (bot/rasa_policy.py), so the publish
    gate, a promotion and a rollback all judge with the net that belongs to the model in use.
    """
    _MODEL_NET.clear()
    _MODEL_NET.update(_read(path))


@lru_cache(maxsize=1)
def _built() -> dict[str, Any] | None:
    current = net_path()
    candidates = [current] if current.is_file() else sorted(NET_DIR.glob("net-*.joblib"), reverse=True)
    if not candidates:
        logger.warning("no safety net built (python -m bot safety build): the rules run alone")
        return None
    return _read(candidates[0])


def _loaded() -> dict[str, Any] | None:
    """The model's own net when a model brought one, else the one built for the current files."""
    return _MODEL_NET or _built()


def net_verdict(clean: str) -> NetVerdict:
    """The net's verdict on a normalised message (nothing when no net is built)."""
    loaded = _loaded()
    if loaded is None or not clean:
        return NetVerdict()
    thresholds = loaded["thresholds"]
    scores = loaded["compiled"].probabilities(clean[:NET_INPUT_CHARS])
    return NetVerdict(
        emergency=scores["emergency"] >= thresholds["emergency"],
        emergency_over_named=scores["emergency"] >= thresholds["emergency_over_named"],
        decision=scores["decision"] >= thresholds["decision"],
        report=scores["report"] >= thresholds["report"],
        # A net packed before this floor existed backs every alarm, as the policy did then.
        backs_model_alarm=scores["emergency"] >= thresholds.get("model_alarm", 0.0),
    )
