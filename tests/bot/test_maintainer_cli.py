"""The maintainers' commands as a maintainer types them, on a copy of the answer files and a database of their own."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from bot import maintainer_cli
from bot.activity import ActivityLog
from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.api_token import api_token
from bot.cli import main
from bot.settings import ANSWERS_DIR, NLU_DIR, get_settings
from evaluation.publish_bench import drop_out_of_scope_parking


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """data/answers and data/nlu copied; the commands and the database pointed at the copies."""
    answers = tmp_path / "data" / "answers"
    shutil.copytree(ANSWERS_DIR, answers)
    shutil.copytree(NLU_DIR, tmp_path / "data" / "nlu")
    monkeypatch.setattr(maintainer_cli, "ANSWERS_DIR", answers)
    monkeypatch.setattr(maintainer_cli, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(maintainer_cli, "DRAFTS_DIR", tmp_path / "var" / "drafts")
    monkeypatch.setenv("IL2BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'answers.sqlite3'}")
    get_settings.cache_clear()
    AnswerStore(make_engine(get_settings().database_url)).load(load_answer_files(answers), by="setup")
    yield tmp_path
    get_settings.cache_clear()


def _log() -> ActivityLog:
    return ActivityLog(make_engine(get_settings().database_url))


def test_review_groups_then_accept_adds_the_questions_as_examples(project: Path, capsys) -> None:
    log = _log()
    for text in ("what should i eat during il2 pls", "wat should i eat during il-2", "is there wifi in the ward"):
        log.record_review_item(text, reason="unanswered")
    assert main(["review"]) == 0
    shown = capsys.readouterr().out
    assert "Group 1: 2 question(s)" in shown and "3 open question(s) in 2 group(s)" in shown

    assert main(["review", "accept", "1", "living.eating", "--by", "Ana"]) == 0
    eating = next(e for e in load_answer_files(project / "data" / "answers") if e.id == "living.eating")
    assert "what should i eat during il2 pls" in eating.examples
    assert [i.text for i in log.open_items()] == ["is there wifi in the ward"]
    assert main(["review", "accept", "1", "living.eating"]) == 1  # closed: nothing left to accept


def test_review_new_starts_an_import_file_and_dismiss_closes_a_group(project: Path, capsys) -> None:
    log = _log()
    for text in ("is there wifi in the ward", "wifi password for il2 ward"):
        log.record_review_item(text, reason="unanswered")
    log.record_review_item("my cat is sad", reason="unanswered")
    main(["review"])
    assert main(["review", "new", "1"]) == 0
    draft = (project / "var" / "drafts" / "review-1.yml").read_text()
    assert '"is there wifi in the ward"' in draft and "TODO" in draft
    assert main(["faq", "import", str(project / "var" / "drafts" / "review-1.yml")]) == 1  # TODOs left: refused
    assert main(["review", "dismiss", "3"]) == 0
    assert log.open_items() == []


def test_faq_import_then_history_names_who_wrote_it(project: Path, capsys) -> None:
    drop_out_of_scope_parking(project / "data" / "nlu")
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "clinic_parking.yml"
    assert main(["faq", "import", str(example), "--by", "Ana"]) == 0
    assert (project / "data" / "answers" / "clinic.yml").exists()
    assert main(["faq", "show", "clinic.parking"]) == 0
    assert "not loaded" in capsys.readouterr().out
    store = AnswerStore(make_engine(get_settings().database_url))
    store.load(load_answer_files(project / "data" / "answers"), by="publisher")
    assert main(["faq", "history", "clinic.parking"]) == 0
    assert "by Ana" in capsys.readouterr().out
    assert main(["faq", "list"]) == 0
    assert "clinic.parking" in capsys.readouterr().out


def test_purge_and_report(project: Path, capsys) -> None:
    _log().record_review_item("where do i park", reason="unanswered")
    assert main(["purge", "--older-than", "0"]) == 0
    assert "Removed 1 review item(s)" in capsys.readouterr().out
    assert main(["purge", "--older-than", "-1"]) == 1
    out = project / "staff.html"
    assert main(["report", "--out", str(out)]) == 0
    assert out.read_text().lower().startswith("<!doctype html>")


def test_the_api_token_is_random_private_and_stable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("IL2BOT_API_TOKEN", raising=False)
    first = api_token(tmp_path)
    assert len(first) >= 32 and api_token(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "var" / "api_token").stat().st_mode) == 0o600
    assert api_token(tmp_path / "other") != first  # generated, never a default value
    monkeypatch.setenv("IL2BOT_API_TOKEN", "from-the-environment")
    assert api_token(tmp_path) == "from-the-environment"
