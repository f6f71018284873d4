"""The BM25 baseline and the cross-validation folds used by `make eval`."""

from __future__ import annotations

from evaluation.baseline import Bm25Baseline, choose_min_score, label_replies
from evaluation.compare import folds
from evaluation.cross_validation import predicted_label, summarise

TEXTS = ["what is il2", "does il2 cause fever", "my chest hurts badly", "can i take tylenol", "tell me a joke"]
LABELS = ["faq/about.what_is_il2", "faq/side_effects.fever", "emergency", "clinical_decision", "out_of_scope"]


def test_labels_become_the_replies_a_patient_would_get() -> None:
    assert label_replies("faq/side_effects.fever") == [("answer", "side_effects.fever")]
    assert label_replies("emergency") == [("emergency", None)]
    assert label_replies("clinical_decision") == [("redirect", None)]
    assert label_replies("greet") == [("fallback", None)]


def test_an_exact_example_is_retrieved_and_a_weak_match_declined() -> None:
    baseline = Bm25Baseline(TEXTS, LABELS)
    assert baseline.replies("does il2 cause fever") == [("answer", "side_effects.fever")]
    baseline.min_score = baseline.best("does il2 cause fever")[1] + 1
    assert baseline.replies("does il2 cause fever") == [("out_of_scope", None)]


def test_the_threshold_chosen_on_dev_separates_answers_from_declines() -> None:
    baseline = Bm25Baseline(TEXTS, LABELS)
    dev = [
        ("does il2 cause a fever", "answer", "side_effects.fever"),
        ("what is the capital of peru", "out_of_scope", None),
    ]
    threshold = choose_min_score(baseline, dev)
    baseline.min_score = threshold
    assert baseline.replies(dev[0][0]) == [("answer", "side_effects.fever")]
    assert baseline.replies(dev[1][0])[0][0] in ("out_of_scope", "fallback")


def test_folds_are_disjoint_stratified_and_cover_everything() -> None:
    examples = [(f"text {i}", f"label{i % 3}") for i in range(30)]
    split = folds(examples, count=5)
    flat = sorted(i for fold in split for i in fold)
    assert flat == list(range(30))
    for fold in split:
        assert sorted({examples[i][1] for i in fold}) == ["label0", "label1", "label2"]
    assert split == folds(examples, count=5)


def test_cross_validation_labels_and_summary() -> None:
    parse = {"intent": {"name": "faq"}, "response_selector": {"faq": {"response": {"intent_response_key": "faq/a.b"}}}}
    assert predicted_label(parse) == "faq/a.b"
    assert predicted_label({"intent": {"name": "greet"}}) == "greet"
    summary = summarise(["faq/a.b", "faq/a.b", "greet", "faq/c.d"], ["faq/a.b", "faq/c.d", "greet", "greet"])
    assert summary["label_accuracy"] == 0.5
    assert summary["intent_accuracy"] == 0.75
    assert summary["faq_answer_accuracy"] == round(1 / 3, 4)
    assert summary["most_confused"] == [{"true": "a.b", "predicted": "c.d", "count": 1}]
