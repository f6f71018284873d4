"""The linear classifier that replaces DIET and the ResponseSelector: what it outputs and keeps."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.linear_nlu import LinearNLUClassifier, sentence_entries, sentence_features

VOCABULARY = ["fever", "nausea", "dose", "hello", "weather", "chest", "pain", "what", "is", "il2"]
EXAMPLES = [
    ("what is il2", "faq", "faq/about.what_is_il2"),
    ("il2 what is", "faq", "faq/about.what_is_il2"),
    ("fever what", "faq", "faq/side_effects.fever"),
    ("fever fever is", "faq", "faq/side_effects.fever"),
    ("nausea what is", "faq", "faq/side_effects.nausea"),
    ("nausea nausea", "faq", "faq/side_effects.nausea"),
    ("hello", "greet", None),
    ("hello hello is", "greet", None),
    ("weather", "out_of_scope", None),
    ("weather is what", "out_of_scope", None),
]


def _featurise(text: str) -> Message:
    """A message with two featurizers' sentence features, as Rasa's CountVectorsFeaturizers add them."""
    message = Message(data={TEXT: text})
    words = text.split()
    counts = np.array([[words.count(w) for w in VOCABULARY]], dtype=float)
    chars = np.array([[sum(len(w) for w in words), len(words)]], dtype=float)
    for origin, matrix in (("words", counts), ("chars", chars)):
        message.add_features(Features(scipy.sparse.coo_matrix(matrix), "sentence", TEXT, origin))
    return message


def _training_data() -> TrainingData:
    messages = []
    for text, intent, key in EXAMPLES:
        message = _featurise(text)
        message.set(INTENT, intent)
        if key:
            message.set(INTENT_RESPONSE_KEY, key)
        messages.append(message)
    return TrainingData(messages, responses={"utter_faq/side_effects.fever": [{"text": "pointer"}]})


def _create(tmp_path, name: str = "linear") -> tuple[LinearNLUClassifier, LocalModelStorage, Resource]:
    storage, resource = LocalModelStorage(tmp_path), Resource(name)
    config = LinearNLUClassifier.get_default_config()
    context = ExecutionContext(GraphSchema({}), "test")
    return LinearNLUClassifier.create(config, storage, resource, context), storage, resource


@pytest.fixture
def trained(tmp_path) -> tuple[LinearNLUClassifier, LocalModelStorage, Resource]:
    classifier, storage, resource = _create(tmp_path)
    classifier.train(_training_data())
    return classifier, storage, resource


def test_sentence_entries_match_the_sparse_features_rasa_combines() -> None:
    message = _featurise("fever fever what is weather")
    columns, counts = sentence_entries(message)
    dense = np.zeros(sentence_features(message).shape[1])
    dense[columns] = counts
    assert np.array_equal(dense, sentence_features(message).toarray().ravel())


def test_an_faq_question_gets_intent_faq_and_an_answer_ranking(trained) -> None:
    classifier, _, _ = trained
    (message,) = classifier.process([_featurise("fever what is")])
    intent = message.get(INTENT)
    ranking = message.get("response_selector")["faq"]["ranking"]
    assert intent["name"] == "faq"
    assert ranking[0]["intent_response_key"] == "faq/side_effects.fever"
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    # Renormalised over the answers, like the ResponseSelector's ranking.
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert message.get("response_selector")["faq"]["response"]["responses"] == [{"text": "pointer"}]


def test_faq_intent_confidence_is_the_sum_of_its_answers(trained) -> None:
    classifier, _, _ = trained
    probabilities = classifier.probabilities(_featurise("nausea is"))
    (message,) = classifier.process([_featurise("nausea is")])
    faq = next(i for i in message.get("intent_ranking") if i["name"] == "faq")
    assert faq["confidence"] == pytest.approx(sum(p for k, p in probabilities.items() if k.startswith("faq/")))


def test_small_talk_is_an_intent_without_answer_ranking(trained) -> None:
    classifier, _, _ = trained
    (message,) = classifier.process([_featurise("hello hello")])
    assert message.get(INTENT)["name"] == "greet"


def test_a_persisted_model_predicts_the_same(trained) -> None:
    classifier, storage, resource = trained
    loaded = LinearNLUClassifier.load(
        LinearNLUClassifier.get_default_config(), storage, resource, ExecutionContext(GraphSchema({}), "test")
    )
    message = _featurise("what is fever")
    assert loaded.probabilities(message) == classifier.probabilities(message)


def test_training_twice_gives_the_same_model(tmp_path, trained) -> None:
    first, _, _ = trained
    (tmp_path / "again").mkdir()
    second, _, _ = _create(tmp_path / "again")
    second.train(_training_data())
    message = _featurise("il2 fever nausea")
    assert first.probabilities(message) == second.probabilities(message)


def test_without_a_model_or_features_the_message_has_no_intent_as_with_rasas_classifiers(tmp_path) -> None:
    classifier, _, _ = _create(tmp_path)
    (message,) = classifier.process([_featurise("what is il2")])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []
    assert classifier.probabilities(Message(data={TEXT: "no features"})) is None


def test_a_message_without_any_known_feature_gets_no_intent(trained) -> None:
    classifier, _, _ = trained
    (message,) = classifier.process([_featurise("")])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
