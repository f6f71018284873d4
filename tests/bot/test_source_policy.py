"""The sources policy: every medical fact rests on an authoritative source, stories are labelled."""

from __future__ import annotations

from bot.answers.entries import Source
from bot.answers.source_policy import load_source_policy
from bot.settings import SOURCE_KINDS_FILE

POLICY = load_source_policy(SOURCE_KINDS_FILE)
LABEL = Source(name="FDA label for Proleukin (openFDA)", url="https://api.fda.gov/drug/label.json?x=1")
BLOG = Source(name="Mark's IL-2 blog", url="https://markanehornibrook.blogspot.com/2021/01/what-to-expect.html")


def test_a_label_alone_is_enough() -> None:
    assert POLICY.problems((LABEL,)) == []


def test_a_patient_story_is_labelled_and_never_alone() -> None:
    problems = POLICY.problems((BLOG,))
    assert any("must start with 'What patients describe:'" in p for p in problems)
    assert any("no authoritative source" in p for p in problems)
    labelled = Source(name="What patients describe: Mark's IL-2 blog", url=BLOG.url)
    assert POLICY.problems((labelled, LABEL)) == []


def test_a_drug_leaflet_supports_but_cannot_carry_a_fact_alone() -> None:
    leaflet = Source(
        name="Drugs.com: Proleukin side effects", url="https://www.drugs.com/sfx/proleukin-side-effects.html"
    )
    assert any("no authoritative source" in p for p in POLICY.problems((leaflet,)))
    assert POLICY.problems((leaflet, LABEL)) == []


def test_an_unknown_publisher_waits_for_a_reviewer() -> None:
    problems = POLICY.problems((Source(name="Some site", url="https://miracle-cures.example/il2"), LABEL))
    assert problems and "data/source_kinds.yml" in problems[0]


def test_a_charitys_patient_forum_is_a_patient_voice() -> None:
    forum = "https://www.melanoma.org/find-support/patient-community/mpip-melanoma-patients-information-page/x"
    assert POLICY.kind_of(Source(name="x", url=forum)).name == "patient_voice"
    assert POLICY.kind_of(Source(name="x", url="https://www.melanoma.org/research")).name == "cancer_charity"
    assert POLICY.kind_of(Source(name="x", url="https://csn.cancer.org/node/1")).name == "patient_voice"
    assert POLICY.kind_of(Source(name="x", url="https://www.cancer.org/cancer/x.html")).name == "cancer_charity"


def test_seed_documents_are_shown_under_their_title_not_a_file_name() -> None:
    by_file = Source(name="Seed document 003_d95b344d77c69c79.txt", file="003_d95b344d77c69c79.txt")
    assert any("must be shown under its title" in p for p in POLICY.problems((by_file, LABEL)))
    titled = Source(name=POLICY.document_titles["003_d95b344d77c69c79.txt"], file="003_d95b344d77c69c79.txt")
    assert POLICY.problems((titled, LABEL)) == []
    assert ".txt" not in titled.name


def test_messages_about_the_assistant_need_only_its_own_documentation() -> None:
    assert POLICY.problems((Source(name="About this assistant", file="README.md"),)) == []


def test_every_real_source_is_of_a_known_kind(answer_entries) -> None:
    for entry in answer_entries:
        assert POLICY.problems(entry.sources) == [], entry.id


def test_a_clinic_page_carries_a_clinic_specific_answer_but_no_medical_fact() -> None:
    clinic = Source(name="Riverside Cancer Center: visiting and parking", url="http://localhost:8080/visiting.html")
    assert POLICY.kind_of(clinic).name == "clinic"
    assert POLICY.problems((clinic,)) == []  # parking and visiting: the clinic's own page is the source
    leaflet = Source(name="Drugs.com: Proleukin", url="https://www.drugs.com/proleukin.html")
    assert any("no authoritative source" in p for p in POLICY.problems((clinic, leaflet)))
