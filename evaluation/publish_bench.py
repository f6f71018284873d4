"""`make bench-publish`: the maintainers' loop timed on this machine, with a patient chatting throughout.

On a copy of the project (the repository's files are never touched) with the assistant running as
`make run` runs it (action server, Rasa with the REST channel and its token-guarded API):
1. `bot faq import` of one new answer (docs/examples/clinic_parking.yml, after taking out the
   out-of-scope example it names), `bot publish`, then the first reply with that answer to a
   paraphrase through the REST webhook: the seconds from import to that reply.
2. Review: three queued questions grouped, the group accepted as examples of an existing answer,
   published, and the time until a paraphrase gets that answer.
3. Memory: resident memory of the Rasa process after each promotion: the two publishes, then five
   more swaps between their models (`PUT /model`); the target compares the fifth and the last with
   the first.
Throughout, another client sends a message every 200 ms; every error and every empty reply is counted.
Writes `docs/publish_bench.json` and prints the figures.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import requests

from bot.activity import ActivityLog
from bot.answers.files import load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.authoring import apply_import, examples_added, plan_import, read_import
from bot.evaluation import reply_kinds
from bot.local_servers import AssistantServers, running_assistant
from bot.model_cache import ensure_model
from bot.publish import Progress, Workspace, promote_model, publish
from bot.rate_limit import NO_RATE_LIMITS
from bot.review import example_text, group_questions
from bot.settings import PROJECT_ROOT
from evaluation.bench import machine
from evaluation.bench_systems import resident_mb

REPORT = PROJECT_ROOT / "docs" / "publish_bench.json"
NEW_FAQ = PROJECT_ROOT / "docs" / "examples" / "clinic_parking.yml"
PARAPHRASE = ("where can i leave my car when i come in", "clinic.parking")
QUEUED = ("what should i pack for my il2 week", "wat shuld i pack for il-2 week in hospital",
          "what to pack for the il 2 week")  # fmt: skip
REVIEW_ANSWER = "treatment.what_to_bring"
REVIEW_PARAPHRASE = "what do i pack for my il2 stay"
TARGET_SECONDS = 180.0
PROMOTIONS = 5


@dataclass
class Chatter:
    """A patient sending a message every 200 ms; failures and the slowest reply are kept."""

    webhook: str
    replies: int = 0
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Chat until `stop` is set (run it in a thread)."""
        questions = ["what is il-2", "tell me more", "what are the side effects", "how long is the hospital stay"]
        sender, turn = uuid.uuid4().hex, 0
        while not self.stop.wait(0.2):
            started = time.monotonic()
            try:
                response = requests.post(
                    self.webhook, json={"sender": sender, "message": questions[turn % 4]}, timeout=60
                )
                if response.status_code != 200 or not response.json():
                    self.failures.append(f"HTTP {response.status_code}")
                else:
                    self.replies += 1
            except requests.RequestException as error:
                self.failures.append(type(error).__name__)
            self.slowest = max(self.slowest, time.monotonic() - started)
            turn += 1


def _first_answer(webhook: str, text: str) -> str | None:
    response = requests.post(webhook, json={"sender": uuid.uuid4().hex, "message": text}, timeout=60)
    kinds = reply_kinds(response.json())
    return kinds[0][1] if kinds and kinds[0][0] == "answer" else None


def _until_answered(webhook: str, text: str, answer_id: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _first_answer(webhook, text) == answer_id:
            return True
        time.sleep(0.2)
    return False


def drop_out_of_scope_parking(nlu_dir: Path) -> None:
    """What a clinic with a parking answer does first: take parking out of the out-of-scope examples."""
    path = nlu_dir / "out_of_scope.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "where can i park at the hospital" not in line), encoding="utf-8")


@dataclass(frozen=True)
class RunningCopy:
    """A copy of the project and the assistant serving it, with `model` live, ready to publish into."""

    workspace: Workspace
    servers: AssistantServers
    model: str


@contextmanager
def assistant_on_a_copy(root: Path, model: Path, env: dict[str, str] | None = None) -> Iterator[RunningCopy]:
    """A copy of the project in `root` (`Workspace.copy_of`), its answers loaded, served with `model`.

    The API token is set in this process's environment for the time being, as `bot publish` reads it there.
    """
    database_url = f"sqlite:///{root / 'answers.sqlite3'}"
    workspace = Workspace.copy_of(PROJECT_ROOT, root / "project", database_url=database_url, rasa_url="")
    shutil.copy(model, workspace.models_dir / model.name)
    AnswerStore(make_engine(database_url)).load(load_answer_files(workspace.answers_dir))
    token = uuid.uuid4().hex
    previous_token = os.environ.get("IL2BOT_API_TOKEN")
    os.environ["IL2BOT_API_TOKEN"] = token
    (root / "servers").mkdir(exist_ok=True)
    try:
        # The chatter sends a message every 200 ms, faster than the per-conversation limit lets a patient.
        server_env = {**(env if env is not None else os.environ), **NO_RATE_LIMITS, "IL2BOT_DATABASE_URL": database_url}
        with running_assistant(
            workspace.models_dir / model.name, root / "servers", {**server_env, "IL2BOT_API_TOKEN": token}
        ) as servers:
            live = Workspace(workspace.root, workspace.models_dir, database_url, rasa_url=servers.base_url)
            yield RunningCopy(live, servers, model.name)
    finally:
        if previous_token is None:
            os.environ.pop("IL2BOT_API_TOKEN", None)
        else:
            os.environ["IL2BOT_API_TOKEN"] = previous_token


def run() -> dict[str, Any]:
    """Every measurement above, as one record."""
    progress = Progress()
    with tempfile.TemporaryDirectory() as scratch, assistant_on_a_copy(Path(scratch), ensure_model()) as copy:
        chatter = Chatter(copy.servers.webhook)
        thread = threading.Thread(target=chatter.run, daemon=True)
        thread.start()
        try:
            record = _measure(copy.workspace, copy.servers.webhook, copy.servers.rasa_pid, progress)
        finally:
            chatter.stop.set()
            thread.join(timeout=60)
    record["chatter"] = {
        "messages_answered": chatter.replies,
        "errors_or_empty_replies": len(chatter.failures),
        "failures": chatter.failures[:10],
        "slowest_reply_s": round(chatter.slowest, 2),
    }
    return record


def _measure(workspace: Workspace, webhook: str, rasa_pid: int, progress: Progress) -> dict[str, Any]:
    record: dict[str, Any] = {"machine": machine(), "date": date.today().isoformat()}
    memory_before = resident_mb(rasa_pid)
    before = _first_answer(webhook, PARAPHRASE[0])
    drop_out_of_scope_parking(workspace.root / "data" / "nlu")
    started = time.monotonic()
    plan = plan_import(read_import(NEW_FAQ, by="bench", today=date.today()), workspace.answers_dir)
    apply_import(plan, workspace.answers_dir)
    first = publish(workspace, by="bench", progress=progress)
    answered = _until_answered(webhook, *PARAPHRASE)
    record["new_faq"] = {
        "before": before,
        "answered_after": answered,
        "import_to_answer_s": round(time.monotonic() - started, 1),
        "publish_steps_s": {k: round(v, 1) for k, v in first.timings.items()},
        "target_s": TARGET_SECONDS,
    }
    time.sleep(2.0)
    memory_after_first = resident_mb(rasa_pid)

    log = ActivityLog(make_engine(workspace.database_url))
    for text in QUEUED:
        log.record_review_item(text, reason="unanswered")
    review_before = _first_answer(webhook, REVIEW_PARAPHRASE)
    started = time.monotonic()
    groups = group_questions(log.open_items(), load_answer_files(workspace.answers_dir))
    log.assign_groups([[i.id for i in g.items] for g in groups])
    biggest = groups[0]
    incoming, added = examples_added(
        REVIEW_ANSWER, [example_text(i.text) for i in biggest.items], workspace.answers_dir, "review"
    )
    apply_import(plan_import([incoming], workspace.answers_dir), workspace.answers_dir)
    log.close_group(biggest.group_id, "accepted")
    second = publish(workspace, by="bench", progress=progress)
    record["review_accept"] = {
        "group_size": biggest.size,
        "examples_added": len(added),
        "before": review_before,
        "answered_after": _until_answered(webhook, REVIEW_PARAPHRASE, REVIEW_ANSWER),
        "accept_to_answer_s": round(time.monotonic() - started, 1),
        "publish_steps_s": {k: round(v, 1) for k, v in second.timings.items()},
        "target_s": TARGET_SECONDS,
    }

    # Promotions 1 and 2 were the two publishes; then promotions 3 to 7 swap the two models back and forth.
    memory = [round(memory_after_first, 1), round(resident_mb(rasa_pid), 1)]
    models = [first.model, second.model]
    for number in range(PROMOTIONS):
        promote_model(workspace, models[number % 2])
        time.sleep(2.0)  # the freed model is released a moment after the swap (bot/rasa_model_swap.py)
        memory.append(round(resident_mb(rasa_pid), 1))
    record["memory_mb"] = {
        "before_any_promotion": round(memory_before, 1),
        "after_each_promotion": memory,
        "growth_first_to_fifth": round(memory[4] / memory[0] - 1, 4),
        "growth_first_to_last": round(memory[-1] / memory[0] - 1, 4),
        "target_growth": 0.10,
    }
    return record


def main() -> int:
    """Run, print, record; 1 when a target is missed."""
    record = run()
    REPORT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    new, review, memory, chat = record["new_faq"], record["review_accept"], record["memory_mb"], record["chatter"]
    print(f"\nNew FAQ: import to first answer through the webhook {new['import_to_answer_s']} s (target 180 s)")
    print(f"  publish steps: {new['publish_steps_s']}")
    print(f"Review group accepted to answer: {review['accept_to_answer_s']} s; steps {review['publish_steps_s']}")
    print(
        f"Rasa memory: {memory['before_any_promotion']} MB before, {memory['after_each_promotion']} MB after each of "
        f"{len(memory['after_each_promotion'])} promotions ({memory['growth_first_to_fifth']:+.1%} first to fifth, "
        f"{memory['growth_first_to_last']:+.1%} first to last; target at most +10%)"
    )
    print(
        f"Chatting every 200 ms meanwhile: {chat['messages_answered']} replies, "
        f"{chat['errors_or_empty_replies']} errors or empty replies, slowest {chat['slowest_reply_s']} s"
    )
    print(f"Written to {REPORT.relative_to(PROJECT_ROOT)}")
    missed = [
        new["import_to_answer_s"] > TARGET_SECONDS or not new["answered_after"],
        review["accept_to_answer_s"] > TARGET_SECONDS or not review["answered_after"],
        max(memory["growth_first_to_fifth"], memory["growth_first_to_last"]) > memory["target_growth"],
        chat["errors_or_empty_replies"] > 0,
    ]
    return 1 if any(missed) else 0
