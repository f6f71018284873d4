"""The maintainers' loop end to end: import a new FAQ, publish it into a running assistant while a patient
keeps chatting, then a candidate that fails the gate, which must leave the live model in place.

The assistant runs from a copy of the project (`Workspace.copy_of`), so the repository's answer files
are never touched. Trained candidates are cached by content hash in `build/test-models/`.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import requests
from ruamel.yaml import YAML

from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.authoring import ImportError_, apply_import, plan_import, read_import
from bot.evaluation import reply_kinds
from bot.local_servers import AssistantServers
from bot.model_cache import rejected_path, training_fingerprint
from bot.publish import PublishError, Workspace, live_model, publish, rollback
from bot.settings import PROJECT_ROOT
from evaluation.publish_bench import Chatter, RunningCopy, assistant_on_a_copy
from tests.fixtures import servers as fixture_servers

MODEL_CACHE = PROJECT_ROOT / "build" / "test-models"
NEW_FAQ = PROJECT_ROOT / "docs" / "examples" / "clinic_parking.yml"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Iterator[RunningCopy]:
    env = {**os.environ, **fixture_servers.TEST_CLINIC}
    with assistant_on_a_copy(tmp_path_factory.mktemp("publish"), fixture_servers.test_model(), env) as copy:
        yield copy


def _reuse_cached_model(workspace: Workspace) -> None:
    name = f"il2-{training_fingerprint(workspace.root)}.tar.gz"
    if (MODEL_CACHE / name).is_file() and not (workspace.models_dir / name).exists():
        shutil.copy(MODEL_CACHE / name, workspace.models_dir / name)


def _cache_models(workspace: Workspace) -> None:
    MODEL_CACHE.mkdir(parents=True, exist_ok=True)
    for model in list(workspace.models_dir.glob("*.tar.gz")) + list(workspace.models_dir.glob("rejected/*.tar.gz")):
        if not (MODEL_CACHE / model.name).exists():
            shutil.copy(model, MODEL_CACHE / model.name)


def _ask(servers: AssistantServers, text: str, sender: str) -> list[tuple[str, str | None]]:
    response = requests.post(servers.webhook, json={"sender": sender, "message": text}, timeout=60)
    assert response.status_code == 200
    return reply_kinds(response.json())


def test_a_new_faq_goes_live_without_downtime(published: RunningCopy) -> None:
    workspace, servers = published.workspace, published.servers
    assert _ask(servers, "where can i leave my car when i come in", uuid.uuid4().hex)[0][1] != "clinic.parking"
    reader = uuid.uuid4().hex  # a patient reading an answer while the model changes
    assert _ask(servers, "what is il-2", reader)[0] == ("answer", "about.what_is_il2")

    # The import names the out-of-scope example that says parking is not our business; the maintainer
    # removes it (as docs/maintainers.md shows), then the import goes through.
    with pytest.raises(ImportError_) as refused:
        plan_import(read_import(NEW_FAQ, by="test", today=date.today()), workspace.answers_dir)
    (problem,) = refused.value.problems
    assert "data/nlu/out_of_scope.yml:" in problem
    out_of_scope = workspace.root / "data" / "nlu" / "out_of_scope.yml"
    line = int(problem.split("out_of_scope.yml:")[1].split(")")[0])
    lines = out_of_scope.read_text(encoding="utf-8").splitlines(keepends=True)
    assert "where can i park at the hospital" in lines[line - 1]
    out_of_scope.write_text("".join(lines[: line - 1] + lines[line:]), encoding="utf-8")
    plan = plan_import(read_import(NEW_FAQ, by="test", today=date.today()), workspace.answers_dir)
    apply_import(plan, workspace.answers_dir)
    _reuse_cached_model(workspace)
    chatter = Chatter(servers.webhook)
    thread = threading.Thread(target=chatter.run, daemon=True)
    thread.start()
    try:
        result = publish(workspace, by="test")
    finally:
        time.sleep(1.0)  # a few more turns on the new model
        chatter.stop.set()
        thread.join(timeout=60)
        _cache_models(workspace)

    assert result.promoted and result.gated
    assert live_model(workspace) == result.model.name != published.model
    assert chatter.failures == [] and chatter.replies > 10
    # The paraphrase (not one of the answer's examples) now gets the new answer through the webhook.
    assert _ask(servers, "where can i leave my car when i come in", uuid.uuid4().hex)[0] == ("answer", "clinic.parking")
    # The conversation open before the swap goes on: "tell me more" still knows what it was about.
    assert _ask(servers, "tell me more", reader)[0] == ("detail", "about.what_is_il2")


def test_a_text_only_edit_skips_training_and_the_gate(published: RunningCopy) -> None:
    workspace, servers = published.workspace, published.servers
    path = workspace.answers_dir / "clinic.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Mill Street", "Mill Road"), encoding="utf-8")
    live_before = live_model(workspace)
    result = publish(workspace, by="test")
    assert (result.trained, result.gated, result.model.name) == (False, False, live_before)
    time.sleep(1.5)  # the action server re-reads the answers within a second
    response = requests.post(
        servers.webhook, json={"sender": uuid.uuid4().hex, "message": "where can i leave my car"}, timeout=60
    )
    assert "Mill Road" in " ".join(m.get("text", "") for m in response.json())


def test_a_candidate_that_fails_the_gate_keeps_the_live_model(published: RunningCopy) -> None:
    workspace, servers = published.workspace, published.servers
    live_before = live_model(workspace)
    # Hand-edited past `faq import` (which checks examples): a maintainer "tidies up" by moving every
    # answer's examples beyond the first 12 into one catch-all answer. The files are valid; only the
    # gate stands in the way.
    yaml = YAML()
    yaml.width = 4096
    moved: list[str] = []
    for path in sorted(workspace.answers_dir.glob("*.yml")):
        if path.stem in ("system", "clinic"):
            continue
        document = yaml.load(path.read_text(encoding="utf-8"))
        for answer in document["answers"]:
            moved += [str(e) for e in answer["examples"][12:]]
            del answer["examples"][12:]
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)
    lines = [
        "",
        "  - id: clinic.front_desk",
        "    title: Ask the front desk",
        "    answer: >-",
        "      The front desk can help with that. Call them at {clinic_phone}.",
        "    sources:",
        '      - name: "Riverside Cancer Center: parking and visiting"',
        "        url: http://localhost:8080/visiting.html",
        "    reviewed_by: Test",
        "    reviewed_on: 2026-12-01",
        "    examples:",
        *[f"      - {json.dumps(example)}" for example in moved],
    ]
    with (workspace.answers_dir / "clinic.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    load_answer_files(workspace.answers_dir)  # valid answer files: nothing but the gate refuses them
    _reuse_cached_model(workspace)
    try:
        with pytest.raises(PublishError, match="failed the gate") as failure:
            publish(workspace, by="test")
    finally:
        _cache_models(workspace)

    assert "held-out answers fell" in str(failure.value)
    assert live_model(workspace) == live_before
    candidate = workspace.models_dir / f"il2-{training_fingerprint(workspace.root)}.tar.gz"
    assert not candidate.exists() and rejected_path(candidate).is_file()
    assert _ask(servers, "what is il-2", uuid.uuid4().hex)[0] == ("answer", "about.what_is_il2")
    assert AnswerStore(make_engine(workspace.database_url)).get("clinic.front_desk") is None
    # Publishing the same files again refuses at once, without training.
    with pytest.raises(PublishError, match="already failed the gate"):
        publish(workspace, by="test")


def test_rollback_puts_the_previous_model_and_answers_back(published: RunningCopy) -> None:
    workspace, servers = published.workspace, published.servers
    assert live_model(workspace) != published.model  # the first test's publish is live
    store = AnswerStore(make_engine(workspace.database_url))
    live = live_model(workspace)
    assert "Mill Road" in store.get("clinic.parking").answer
    assert rollback(workspace, by="test") == live  # first back over the text-only edit: same model
    assert "Mill Street" in AnswerStore(make_engine(workspace.database_url)).get("clinic.parking").answer
    assert rollback(workspace, by="test") == published.model  # then to what ran before any publish
    assert live_model(workspace) == published.model
    # The answer went with the release that added it (a fresh store: no copy kept in memory).
    assert AnswerStore(make_engine(workspace.database_url)).get("clinic.parking") is None
    assert _ask(servers, "where can i leave my car when i come in", uuid.uuid4().hex)[0][1] != "clinic.parking"
    assert _ask(servers, "what is il-2", uuid.uuid4().hex)[0] == ("answer", "about.what_is_il2")
    with pytest.raises(PublishError, match="no earlier release"):
        rollback(workspace, by="test")
