"""The coverage evaluation judges what a patient gets straight away, and its bars are the issue's."""

from __future__ import annotations

from evaluation.coverage_eval import missed_targets, reading_grades, summarise
from evaluation.coverage_sets import CoverageCase


def _case(text: str, answer_id: str | None) -> CoverageCase:
    return CoverageCase(text=text, expect="answer" if answer_id else "out_of_scope", answer_id=answer_id, batch="t")


def test_only_the_right_answer_straight_away_counts() -> None:
    results = [
        (_case("a", "support.low_mood"), [("answer", "support.low_mood")]),
        (_case("b", "support.low_mood"), [("education", "support.low_mood"), ("redirect", None)]),
        (_case("c", "support.low_mood"), [("disambiguation", "system.did_you_mean")]),
        (_case("d", "support.low_mood"), [("emergency", "system.emergency")]),
        (_case("e", None), [("out_of_scope", "system.out_of_scope")]),
        (_case("f", None), [("answer", "about.names")]),
    ]
    summary = summarise(results)
    assert summary["right_answer"] == {"hits": 2, "total": 4, "rate": 0.5}
    assert summary["out_of_scope_recall"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert summary["answers"]["support.low_mood"]["hits"] == 2
    assert [m["text"] for m in summary["misses"]] == ["c", "d", "f"]
    assert len(missed_targets(summary)) == 2


def test_the_bars_are_92_percent_answers_and_90_percent_declines() -> None:
    def summary(answers: tuple[int, int], declines: tuple[int, int]) -> dict:
        rate = lambda hits, total: {"hits": hits, "total": total, "rate": hits / total}  # noqa: E731
        return {"right_answer": rate(*answers), "out_of_scope_recall": rate(*declines)}

    assert missed_targets(summary((92, 100), (90, 100))) == []
    assert len(missed_targets(summary((91, 100), (90, 100)))) == 1
    assert len(missed_targets(summary((92, 100), (89, 100)))) == 1


def test_reading_grades_are_measured_on_the_answers_a_patient_reads() -> None:
    grades = reading_grades({"support.feeling_alone", "about.names"})
    assert set(grades) == {"support.feeling_alone", "about.names"}
    assert all(0 < grade <= 8 for grade in grades.values())
