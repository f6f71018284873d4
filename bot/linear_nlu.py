"""One linear classifier for intents and FAQ answers, in place of DIET and the ResponseSelector.

Why: on this data (about 3,000 short examples, 106 answers, sparse word and character n-gram
features) a regularised logistic regression is as accurate as the two neural networks, trains in
seconds instead of half an hour, and predicts in well under a millisecond without TensorFlow
(see EVALUATION.md and BENCHMARKS.md for the measured comparison).

One model over every label: the intents, with `faq` split into its answers (`faq/<answer id>`).
The intent confidence of `faq` is the sum of its answers' probabilities, and the answer ranking is
those probabilities renormalised over the answers, which is what the ResponseSelector reports.
The output has the same shape as Rasa's classifiers, so the FallbackClassifier, the rules and the
actions work unchanged. Training is deterministic (fixed solver, no sampling).
"""

from __future__ import annotations

import pickle
import zlib
from typing import Any, Dict, List

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Rasa validates these annotations at run time (Python 3.10): typing's generics, real imports.

MODEL_FILE = "linear_nlu.pkl"
RANKING_LENGTH = 10
RESPONSE_SELECTOR = "response_selector"
"""Rasa's message key for retrieval answers (rasa.nlu.selectors.response_selector)."""


def sentence_features(message: Message) -> scipy.sparse.csr_matrix | None:
    """The message's sentence-level sparse features (every featurizer's, side by side)."""
    _, sentence = message.get_sparse_features(TEXT)
    return None if sentence is None else scipy.sparse.csr_matrix(sentence.features)


def sentence_entries(message: Message) -> tuple[np.ndarray, np.ndarray] | None:
    """(columns, counts) of the non-zero sentence features, columns as in `sentence_features`.

    Rasa lays the featurizers' sentence features side by side in the order they were added to the
    message; so do we, so the columns match the ones the model was trained on.
    """
    columns, counts, offset = [], [], 0
    for features in message.features:
        if features.attribute == TEXT and features.type == FEATURE_TYPE_SENTENCE and features.is_sparse():
            matrix = features.features.tocoo()
            columns.append(matrix.col + offset)
            counts.append(matrix.data)
            offset += matrix.shape[1]
    if not columns:
        return None
    unique, inverse = np.unique(np.concatenate(columns), return_inverse=True)
    return unique, np.bincount(inverse, weights=np.concatenate(counts).astype(np.float64))


def label_of(message: Message, retrieval_intent: str) -> str | None:
    """Training label: the intent, or `faq/<answer id>` for an FAQ example."""
    intent = message.get(INTENT)
    if not intent:
        return None
    if intent == retrieval_intent:
        return message.get(INTENT_RESPONSE_KEY) or None
    return str(intent)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearNLUClassifier(GraphComponent, IntentClassifier):
    """Intent and FAQ answer from one logistic regression over the sparse features."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """C (inverse regularisation) and the tolerance were chosen on the coverage set's dev part.

        SAGA reaches the same ranking as L-BFGS here five times sooner (14 s against 70 s on two
        cores); its sample order comes from the fixed seed, so a retrain gives the same model.
        """
        return {"C": 20.0, "tol": 1e-3, "max_iter": 1000, "random_seed": 2026, "retrieval_intent": "faq"}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        """A classifier that has not been trained or loaded yet."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._labels: List[str] = []
        self._idf: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        self._bias: np.ndarray | None = None
        self._responses: Dict[str, Any] = {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearNLUClassifier:
        """Rasa's constructor hook."""
        return cls(config, model_storage, resource)

    # --- training ----------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        """Fit TF-IDF weights and the logistic regression, then persist them."""
        from sklearn.linear_model import LogisticRegression

        retrieval_intent = str(self._config["retrieval_intent"])
        rows, labels = [], []
        for message in training_data.intent_examples:
            features, label = sentence_features(message), label_of(message, retrieval_intent)
            if features is not None and label is not None:
                rows.append(features)
                labels.append(label)
        if len(set(labels)) < 2:
            return self._resource  # nothing to tell apart: process() then leaves messages alone
        counts = scipy.sparse.vstack(rows).tocsr()
        self._idf = self._fit_idf(counts)
        model = LogisticRegression(
            C=float(self._config["C"]),
            solver="saga",
            tol=float(self._config["tol"]),
            max_iter=int(self._config["max_iter"]),
            random_state=int(self._config["random_seed"]),
        )
        model.fit(self._tfidf(counts), labels)
        self._labels = [str(label) for label in model.classes_]
        self._weights = np.asarray(model.coef_.T, dtype=np.float64)
        self._bias = np.asarray(model.intercept_, dtype=np.float64)
        self._responses = dict(training_data.responses)
        self._persist()
        return self._resource

    @staticmethod
    def _fit_idf(counts: scipy.sparse.csr_matrix) -> np.ndarray:
        """Smoothed inverse document frequency, as scikit-learn's TfidfTransformer computes it."""
        documents = counts.shape[0]
        frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        return np.log((1 + documents) / (1 + frequency)) + 1.0

    def _tfidf(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        """Sublinear term frequency times idf, each row scaled to unit length."""
        assert self._idf is not None
        weighted = counts.astype(np.float64).tocsr(copy=True)
        weighted.data = 1.0 + np.log(np.maximum(weighted.data, 1e-12))
        weighted = weighted.multiply(self._idf).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return scipy.sparse.diags(1.0 / norms) @ weighted

    def _persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            state = {
                "labels": self._labels,
                "idf": self._idf,
                "weights": self._weights,
                "bias": self._bias,
                "responses": self._responses,
            }
            (directory / MODEL_FILE).write_bytes(pickle.dumps(state))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearNLUClassifier:
        """The persisted classifier; an untrained one when nothing was persisted."""
        classifier = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                state = pickle.loads((directory / MODEL_FILE).read_bytes())  # noqa: S301 - our own model file
        except (ValueError, FileNotFoundError):
            return classifier
        classifier._labels = state["labels"]
        classifier._idf, classifier._weights, classifier._bias = state["idf"], state["weights"], state["bias"]
        classifier._responses = state["responses"]
        return classifier

    # --- prediction --------------------------------------------------------------------------

    def probabilities(self, message: Message) -> Dict[str, float] | None:
        """Label -> probability for one featurised message (None when untrained or unfeaturised).

        The same arithmetic as training (`_tfidf`) on the message's few non-zero features, without
        building sparse matrices: a tenth of the time, which matters on every message.
        """
        if self._weights is None or self._bias is None or self._idf is None:
            return None
        found = sentence_entries(message)
        if found is None or found[0].size == 0:  # nothing the featurizers know: no basis for a guess
            return None
        columns, counts = found
        weighted = (1.0 + np.log(np.maximum(counts, 1e-12))) * self._idf[columns]
        norm = float(np.sqrt(weighted @ weighted)) or 1.0
        scores = (weighted / norm) @ self._weights[columns] + self._bias
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self._labels, scores.tolist(), strict=True))

    def process(self, messages: List[Message]) -> List[Message]:
        """Set the intent, its ranking and the FAQ answer ranking on each message."""
        for message in messages:
            probabilities = self.probabilities(message)
            if probabilities is not None:
                self._set_outputs(message, probabilities)
            else:  # e.g. an empty message: no intent, as Rasa's own classifiers report it
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, True)
                message.set(INTENT_RANKING_KEY, [], True)
        return messages

    def _set_outputs(self, message: Message, probabilities: Dict[str, float]) -> None:
        retrieval_intent = str(self._config["retrieval_intent"])
        prefix = f"{retrieval_intent}/"
        answers = {label: p for label, p in probabilities.items() if label.startswith(prefix)}
        intents = {label: p for label, p in probabilities.items() if not label.startswith(prefix)}
        if answers:
            intents[retrieval_intent] = sum(answers.values())
        ranking = sorted(intents.items(), key=lambda item: item[1], reverse=True)
        message.set(INTENT, {INTENT_NAME_KEY: ranking[0][0], PREDICTED_CONFIDENCE_KEY: ranking[0][1]}, True)
        message.set(
            INTENT_RANKING_KEY,
            [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in ranking[:RANKING_LENGTH]],
            True,
        )
        if answers:
            self._set_answer_ranking(message, answers, retrieval_intent)

    def _set_answer_ranking(self, message: Message, answers: Dict[str, float], retrieval_intent: str) -> None:
        total = sum(answers.values()) or 1.0
        ranked = sorted(answers.items(), key=lambda item: item[1], reverse=True)[:RANKING_LENGTH]
        ranking = [
            {"id": zlib.crc32(key.encode("utf-8")), PREDICTED_CONFIDENCE_KEY: p / total, INTENT_RESPONSE_KEY: key}
            for key, p in ranked
        ]
        top_key = ranked[0][0]
        utter_action = f"utter_{top_key}"
        responses = self._responses.get(utter_action) or [{TEXT: top_key}]
        prediction = {
            "response": {
                "id": ranking[0]["id"],
                "responses": responses,
                "response_templates": responses,
                PREDICTED_CONFIDENCE_KEY: ranking[0][PREDICTED_CONFIDENCE_KEY],
                INTENT_RESPONSE_KEY: top_key,
                "utter_action": utter_action,
                "template_name": utter_action,
            },
            "ranking": ranking,
        }
        selector = {"all_retrieval_intents": [retrieval_intent], retrieval_intent: prediction}
        message.set(RESPONSE_SELECTOR, selector, add_to_output=True)
