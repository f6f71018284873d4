"""The maintainers' loop on the command line: `faq`, `publish`, `rollback`, `review`, `purge`, `report`.

Registered into `python -m bot` by `bot.cli`; each command is a few lines over `bot/` modules.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

from bot.activity import ActivityLog, QueueItem
from bot.answers.files import AnswerFileError, load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.settings import ANSWERS_DIR, PROJECT_ROOT, get_settings

DRAFTS_DIR = PROJECT_ROOT / "var" / "drafts"
DEFAULT_RETENTION_DAYS = 90


def _store() -> AnswerStore:
    return AnswerStore(make_engine(get_settings().database_url))


def _who(args: argparse.Namespace) -> str:
    return str(getattr(args, "by", None) or getpass.getuser())


def _print_problems(what: str, problems: list[str]) -> int:
    print(f"{what} has {len(problems)} problem(s); nothing was changed:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


def _workspace():  # type: ignore[no-untyped-def]
    from bot.model_cache import MODELS_DIR
    from bot.publish import Workspace

    settings = get_settings()
    return Workspace(
        root=PROJECT_ROOT, models_dir=MODELS_DIR, database_url=settings.database_url, rasa_url=settings.rasa_url
    )


# --- faq -----------------------------------------------------------------------------------------


def cmd_faq_import(args: argparse.Namespace) -> int:
    """Validate an import file completely, then merge it into data/answers (or change nothing)."""
    from bot.authoring import ImportError_, apply_import, plan_import, read_import

    path = Path(args.file)
    if not path.is_file():
        print(f"No such file: {path}", file=sys.stderr)
        return 1
    by = _who(args)
    try:
        plan = plan_import(read_import(path, by=by, today=date.today()), ANSWERS_DIR)
    except ImportError_ as error:
        return _print_problems(str(path), error.problems)
    except AnswerFileError as error:
        return _print_problems("data/answers", error.problems)
    for name in apply_import(plan, ANSWERS_DIR):
        print(f"Wrote {name.relative_to(PROJECT_ROOT)}")
    store = _store()
    for entry in plan.entries:
        store.record_edit(entry, by=by, how=f"faq import {path.name}")
    print(f"{len(plan.added)} added, {len(plan.updated)} updated: {', '.join(plan.added + plan.updated)}.")
    print("Next: `python -m bot publish` makes it live (gated, without a restart).")
    return 0


def cmd_faq_list(_: argparse.Namespace) -> int:
    """Every answer in the files, with its live version."""
    entries = load_answer_files(ANSWERS_DIR)
    store = _store()
    store.create_schema()
    for entry in entries:
        live = store.get(entry.id)
        version = f"v{live.version}" if live else "not loaded"
        print(f"{entry.id:<40} {entry.title:<42} {len(entry.examples):>3} examples  {version}")
    print(f"{len(entries)} answers.")
    return 0


def cmd_faq_show(args: argparse.Namespace) -> int:
    """One answer as the files have it, and its live version."""
    entry = next((e for e in load_answer_files(ANSWERS_DIR) if e.id == args.answer_id), None)
    if entry is None:
        print(f"No answer with id '{args.answer_id}' in data/answers.", file=sys.stderr)
        return 1
    live = _store().get(entry.id)
    print(f"{entry.id}  ({entry.topic_title}; live: {f'v{live.version}' if live else 'not loaded'})")
    print(f"Title:   {entry.title}\nAnswer:  {entry.answer}")
    if entry.detail:
        print(f"Detail:  {entry.detail}")
    for source in entry.sources:
        print(f"Source:  {source.name} ({source.url or source.file})")
    print(f"Reviewed by {entry.reviewed_by} on {entry.reviewed_on:%Y-%m-%d}")
    print(f"Examples ({len(entry.examples)}):")
    for example in entry.examples:
        print(f"  - {example}")
    return 0


def cmd_faq_history(args: argparse.Namespace) -> int:
    """Every stored version of an answer: when, who, what."""
    versions = _store().history(args.answer_id)
    if not versions:
        print(f"No stored answer with id '{args.answer_id}'.", file=sys.stderr)
        return 1
    for version, text, loaded_at, by in versions:
        print(f"v{version}  {loaded_at:%Y-%m-%d %H:%M} UTC  by {by or 'unknown'}\n    {text}")
    return 0


# --- publish, rollback ---------------------------------------------------------------------------


def cmd_publish(args: argparse.Namespace) -> int:
    """Regenerate, train what changed, gate, promote."""
    from bot.publish import main_publish

    return main_publish(_workspace(), by=_who(args))


def cmd_rollback(args: argparse.Namespace) -> int:
    """Back to the previous release."""
    from bot.publish import PublishError, quiet_libraries, rollback

    quiet_libraries()
    try:
        model = rollback(_workspace(), by=_who(args))
    except PublishError as error:
        print(f"Not rolled back: {error}", file=sys.stderr)
        return 1
    print(f"Live again: {model}.")
    return 0


# --- review, purge, report -----------------------------------------------------------------------


def _groups(log: ActivityLog):  # type: ignore[no-untyped-def]
    from bot.review import group_questions

    groups = group_questions(log.open_items(), load_answer_files(ANSWERS_DIR))
    log.assign_groups([[item.id for item in group.items] for group in groups])
    return groups


def _log() -> ActivityLog:
    return ActivityLog(_store().engine)


def cmd_review(args: argparse.Namespace) -> int:
    """The open review queue, grouped by similarity, with the answer each group most likely belongs to."""
    groups = _groups(_log())
    if not groups:
        print("The review queue is empty.")
        return 0
    titles = {e.id: e.title for e in load_answer_files(ANSWERS_DIR)}
    for group in groups[: args.limit]:
        likely = f"{group.suggestion} ({titles.get(group.suggestion, '?')})" if group.suggestion else "none: a new FAQ?"
        marked = f", {group.not_helpful} marked not helpful" if group.not_helpful else ""
        print(f"Group {group.group_id}: {group.size} question(s){marked}. Likely answer: {likely}")
        for item in group.items[:5]:
            print(f"    {item.asked_at:%Y-%m-%d}  {item.text}")
        if group.size > 5:
            print(f"    ... and {group.size - 5} more")
    print(
        f"{sum(g.size for g in groups)} open question(s) in {len(groups)} group(s). "
        "Then: `bot review accept GROUP ANSWER_ID`, `bot review new GROUP` or `bot review dismiss GROUP`."
    )
    return 0


def _open_group(log: ActivityLog, group: int) -> list[QueueItem]:
    """The open items of a group; an unknown or closed group says how to see the groups."""
    items = log.group_items(group)
    if not items:
        print(f"No open group {group}: run `python -m bot review` to see the groups.", file=sys.stderr)
    return items


def cmd_review_accept(args: argparse.Namespace) -> int:
    """Add a group's questions as examples of an answer (checked like an import)."""
    from bot.authoring import ImportError_, apply_import, examples_added, plan_import
    from bot.review import example_text

    log = _log()
    items = _open_group(log, args.group)
    if not items:
        return 1
    where = f"review group {args.group}"
    try:
        incoming, added = examples_added(args.answer_id, [example_text(i.text) for i in items], ANSWERS_DIR, where)
        plan = plan_import([incoming], ANSWERS_DIR)
    except ImportError_ as error:
        return _print_problems(where, error.problems)
    apply_import(plan, ANSWERS_DIR)
    for entry in plan.entries:
        _store().record_edit(entry, by=_who(args), how=where)
    log.close_group(args.group, "accepted")
    print(f"Added {len(added)} example(s) to {args.answer_id}; group {args.group} closed.")
    print("Next: `python -m bot publish`.")
    return 0


def cmd_review_new(args: argparse.Namespace) -> int:
    """Start a new FAQ entry (an import file to complete) from a group."""
    from bot.review import example_text

    log = _log()
    items = _open_group(log, args.group)
    if not items:
        return 1
    examples = sorted({example_text(i.text) for i in items if example_text(i.text)})
    DRAFTS_DIR.mkdir(parents=True, exist_ok=True)
    draft = DRAFTS_DIR / f"review-{args.group}.yml"
    lines = [
        f"# New FAQ from review group {args.group}. Fill in every TODO, add examples to reach 12, then:",
        f"#   python -m bot faq import {draft.relative_to(PROJECT_ROOT)}",
        "topic: TODO_topic",
        "title: TODO topic title",
        "answers:",
        "  - id: TODO_topic.TODO_name",
        "    title: TODO short title",
        "    answer: >-",
        "      TODO plain-language answer, grade 6 to 8, with its source.",
        "    sources:",
        '      - name: "TODO source name"',
        "        url: https://TODO",
        f"    reviewed_by: {getpass.getuser()}",
        f"    reviewed_on: {date.today():%Y-%m-%d}",
        "    examples:",
        *[f"      - {_yaml_text(e)}" for e in examples],
    ]
    draft.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.close_group(args.group, "drafted")
    print(f"Started {draft.relative_to(PROJECT_ROOT)} with {len(examples)} example(s); group {args.group} closed.")
    return 0


def _yaml_text(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a valid YAML scalar, whatever the patient typed


def cmd_review_dismiss(args: argparse.Namespace) -> int:
    """Close a group without changing any answer."""
    closed = _log().close_group(args.group, "dismissed")
    if not closed:
        print(f"No open group {args.group}: run `python -m bot review` to see the groups.", file=sys.stderr)
        return 1
    print(f"Dismissed {closed} question(s) of group {args.group}.")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Delete review items, feedback, turn counts and (production) idle conversations past the retention period."""
    if args.older_than < 0:
        print("--older-than must be 0 or more days.", file=sys.stderr)
        return 1
    report = _log().purge(args.older_than)
    print(
        f"Removed {report.review_items} review item(s), {report.feedback} feedback click(s) and "
        f"{report.turn_outcomes} turn count(s) older than {args.older_than} days."
    )
    tracker_url = get_settings().tracker_url
    if tracker_url:  # production: conversations are in the database (embedded: in memory only)
        from bot.tracker_store import purge_conversations

        events = purge_conversations(tracker_url, args.older_than)
        print(f"Removed {events} conversation event(s) of conversations idle for more than {args.older_than} days.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the staff report (one self-contained HTML page)."""
    from bot.staff_report import write_staff_report

    log = _log()
    path = write_staff_report(Path(args.out), log, _store(), _groups(log), today=date.today(), days=args.days)
    print(f"Wrote {path}")
    return 0


def cmd_api_token(_: argparse.Namespace) -> int:
    """Print the API token `make run` gives Rasa (created on first use)."""
    from bot.api_token import api_token

    print(api_token())
    return 0


def register(groups: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the maintainers' commands to `python -m bot`."""
    faq = groups.add_parser("faq", help="author answers").add_subparsers(dest="command", required=True)
    imported = faq.add_parser("import", help="validate a YAML or CSV file of answers and merge it into data/answers")
    imported.add_argument("file")
    imported.add_argument("--by", help="who wrote it (default: the OS user)")
    imported.set_defaults(func=cmd_faq_import)
    faq.add_parser("list", help="every answer, its examples and live version").set_defaults(func=cmd_faq_list)
    show = faq.add_parser("show", help="one answer in full")
    show.add_argument("answer_id")
    show.set_defaults(func=cmd_faq_show)
    history = faq.add_parser("history", help="every stored version of one answer, when and by whom")
    history.add_argument("answer_id")
    history.set_defaults(func=cmd_faq_history)

    publish = groups.add_parser("publish", help="regenerate, train what changed, gate, promote without downtime")
    publish.add_argument("--by", help="who publishes (default: the OS user)")
    publish.set_defaults(func=cmd_publish)
    rollback = groups.add_parser("rollback", help="put the previous release (model and answers) back")
    rollback.add_argument("--by", help="who rolls back (default: the OS user)")
    rollback.set_defaults(func=cmd_rollback)

    review = groups.add_parser("review", help="the review queue, grouped, with the likely answer of each group")
    review.add_argument("--limit", type=int, default=20, help="groups to show")
    review.set_defaults(func=cmd_review)
    actions = review.add_subparsers(dest="command")
    accept = actions.add_parser("accept", help="add a group's questions as examples of an answer")
    accept.add_argument("group", type=int)
    accept.add_argument("answer_id")
    accept.add_argument("--by", help="who accepts (default: the OS user)")
    accept.set_defaults(func=cmd_review_accept)
    new = actions.add_parser("new", help="start a new FAQ entry from a group (var/drafts/)")
    new.add_argument("group", type=int)
    new.set_defaults(func=cmd_review_new)
    dismiss = actions.add_parser("dismiss", help="close a group without changing any answer")
    dismiss.add_argument("group", type=int)
    dismiss.set_defaults(func=cmd_review_dismiss)

    purge = groups.add_parser("purge", help="delete review items, feedback and turn counts older than DAYS")
    purge.add_argument("--older-than", type=int, default=DEFAULT_RETENTION_DAYS, metavar="DAYS")
    purge.set_defaults(func=cmd_purge)
    report = groups.add_parser("report", help="write the staff report (reports/staff.html)")
    report.add_argument("--out", default=str(PROJECT_ROOT / "reports" / "staff.html"))
    report.add_argument("--days", type=int, default=30)
    report.set_defaults(func=cmd_report)
    groups.add_parser("api-token", help="print the token guarding Rasa's HTTP API").set_defaults(func=cmd_api_token)
