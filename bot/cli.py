"""Maintainer commands: `python -m bot <group> <command>` (see `python -m bot --help`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import maintainer_cli
from bot.answers.files import AnswerFileError, load_answer_files
from bot.answers.store import AnswerStore, make_engine
from bot.settings import ANSWERS_DIR, GENERATED_FAQ_NLU, SPACY_PIPELINE_DIR, get_settings


def _entries_or_exit():  # type: ignore[no-untyped-def]
    try:
        return load_answer_files(ANSWERS_DIR)
    except AnswerFileError as error:
        print(f"The answer files have {len(error.problems)} problem(s); nothing was changed:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def _store() -> AnswerStore:
    return AnswerStore(make_engine(get_settings().database_url))


def _cmd_answers_check(_: argparse.Namespace) -> int:
    entries = _entries_or_exit()
    print(f"{len(entries)} answers are valid.")
    return 0


def _cmd_answers_load(args: argparse.Namespace) -> int:
    entries = _entries_or_exit()
    report = _store().load(entries, by=args.by or getpass.getuser())
    print(f"Answer base loaded: {report.summary()}.")
    return 0


def _cmd_nlu_generate(args: argparse.Namespace) -> int:
    from bot.nlu_generation import render_faq_nlu

    text = render_faq_nlu(_entries_or_exit())
    current = GENERATED_FAQ_NLU.read_text(encoding="utf-8") if GENERATED_FAQ_NLU.exists() else ""
    if args.check:
        if current != text:
            print(f"{GENERATED_FAQ_NLU} is stale: run `python -m bot nlu generate`.", file=sys.stderr)
            return 1
        print(f"{GENERATED_FAQ_NLU} is up to date.")
        return 0
    if current != text:
        GENERATED_FAQ_NLU.write_text(text, encoding="utf-8")
        print(f"Wrote {GENERATED_FAQ_NLU}.")
    else:
        print(f"{GENERATED_FAQ_NLU} is up to date.")
    return 0


def _cmd_spacy_build(_: argparse.Namespace) -> int:
    from bot.nlp_pipeline import save_pipeline

    built = save_pipeline(SPACY_PIPELINE_DIR)
    print(f"spaCy pipeline {'built' if built else 'is up to date'} at {SPACY_PIPELINE_DIR}.")
    return 0


def _cmd_safety_check(_: argparse.Namespace) -> int:
    from bot.safety.lexicon import SafetyDataError, load_lexicon
    from bot.safety.review import example_problems

    try:
        problems = example_problems(load_lexicon())
    except SafetyDataError as error:
        problems = error.problems
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    if problems:
        print(f"The safety data has {len(problems)} problem(s).", file=sys.stderr)
        return 1
    print("The safety data is valid: every concept matches its examples.")
    return 0


def _cmd_safety_build(_: argparse.Namespace) -> int:
    from bot.safety.net import ensure_built

    path, built = ensure_built()
    print(f"Safety net {'built' if built else 'is up to date'}: {path.relative_to(path.parents[2])}")
    return 0


def _cmd_model_path(_: argparse.Namespace) -> int:
    from bot.model_cache import model_path

    print(model_path())
    return 0


def _cmd_model_ensure(_: argparse.Namespace) -> int:
    from bot.model_cache import RejectedModelError, ensure_model

    try:
        print(ensure_model())
    except RejectedModelError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _cmd_endpoints(args: argparse.Namespace) -> int:
    from bot.local_servers import write_endpoints

    settings = get_settings()
    redis_url = settings.redis_url if settings.rasa_workers > 1 else None
    print(write_endpoints(Path(args.out), args.action_port, redis_url=redis_url))
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.answers import schema
    from bot.answers.store import make_engine

    steps = schema.upgrade(make_engine(get_settings().database_url))
    print("\n".join(steps) if steps else f"already at {schema.head_revision()}")
    return 0


def _cmd_db_current(args: argparse.Namespace) -> int:
    from bot.answers import schema
    from bot.answers.store import make_engine

    current = schema.current_revision(make_engine(get_settings().database_url))
    head = schema.head_revision()
    print(f"database at {current or 'no revision'}; newest migration {head}")
    return 0 if current == head else 1


def _cmd_prod_run(args: argparse.Namespace) -> int:
    import os
    import signal
    import subprocess

    from bot.api_token import api_token
    from bot.local_servers import stop, wait_until_up
    from bot.production import ProductionError, ProductionStack, Topology

    def stop_on_sigterm(*_: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (a service manager, `timeout`) stops every process, as Ctrl-C does

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    os.environ["IL2BOT_MODE"] = "production"
    get_settings.cache_clear()
    settings = get_settings()
    topology = Topology.from_settings(settings, Path(args.workdir).resolve())
    stack = ProductionStack(topology, Path(args.model).resolve(), dict(os.environ), api_token())
    _entries_or_exit()  # the answer files' problems listed, before anything starts
    try:
        report = stack.prepare(by=getpass.getuser())
    except ProductionError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Answer base on {settings.database_url.rsplit('@', 1)[-1]}: {report.summary()}.")
    print(f"Starting {len(topology.rasa_ports)} Rasa replicas and {len(topology.action_ports)} action servers...")
    demo = None
    try:
        stack.start_all()
        demo_url = f"http://localhost:{args.demo_port}"
        demo = subprocess.Popen(
            [
                sys.executable,
                "demo/serve.py",
                "--port",
                str(args.demo_port),
                "--bot-url",
                topology.public_url,
                "--quiet",
            ]
        )
        wait_until_up(f"{demo_url}/", demo)
        print(f"Production mode is up (logs: {topology.logs}).")
        print(f"  Widget-facing nginx:  {topology.public_url}/webhooks/widget/widget.js (and /webhooks/rest/webhook)")
        print(f"  Demo clinic website:  {demo_url}/")
        print("  Publishing:           IL2BOT_MODE=production python -m bot publish  (loads each replica in turn)")
        print("Press Ctrl-C to stop.")
        stack.supervise()
    except KeyboardInterrupt:
        print("\nStopping...")
    finally:
        if demo is not None:
            stop(demo)
        stack.stop_all()
    return 0


def _cmd_prod_config(args: argparse.Namespace) -> int:
    import os

    from bot.production import Topology, nginx_config

    os.environ["IL2BOT_MODE"] = "production"
    get_settings.cache_clear()
    settings = get_settings()
    print(nginx_config(Topology.from_settings(settings, Path(args.workdir).resolve()), settings.contact))
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import main as evaluation_main

    return evaluation_main(model=args.model, report_path=args.report)


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="IL-2 assistant maintainer commands.")
    groups = parser.add_subparsers(dest="group", required=True)

    answers = groups.add_parser("answers", help="the curated answer base").add_subparsers(dest="command", required=True)
    answers.add_parser("check", help="validate data/answers/*.yml").set_defaults(func=_cmd_answers_check)
    load = answers.add_parser("load", help="validate and load the answers into the database")
    load.add_argument("--by", help="who loads them, kept with each new version (default: the OS user)")
    load.set_defaults(func=_cmd_answers_load)

    nlu = groups.add_parser("nlu", help="training data").add_subparsers(dest="command", required=True)
    generate = nlu.add_parser("generate", help="write data/nlu/faq.yml from the answer files")
    generate.add_argument("--check", action="store_true", help="only report whether the file is stale")
    generate.set_defaults(func=_cmd_nlu_generate)

    spacy_group = groups.add_parser("spacy", help="the project's spaCy pipeline").add_subparsers(
        dest="command", required=True
    )
    spacy_group.add_parser("build", help="build and save the pipeline (skipped when up to date)").set_defaults(
        func=_cmd_spacy_build
    )

    safety = groups.add_parser("safety", help="the safety check's data and net").add_subparsers(
        dest="command", required=True
    )
    safety.add_parser("check", help="validate data/safety/*.yml against its examples").set_defaults(
        func=_cmd_safety_check
    )
    safety.add_parser("build", help="train the statistical safety net (skipped when up to date)").set_defaults(
        func=_cmd_safety_build
    )

    model = groups.add_parser("model", help="the trained model").add_subparsers(dest="command", required=True)
    model.add_parser("path", help="path of the model for the current inputs").set_defaults(func=_cmd_model_path)
    model.add_parser("ensure", help="train unless a model for the current inputs exists").set_defaults(
        func=_cmd_model_ensure
    )

    endpoints = groups.add_parser(
        "endpoints", help="write the Rasa endpoints file `make run` uses (Redis stores when IL2BOT_RASA_WORKERS > 1)"
    )
    endpoints.add_argument("--out", default="var/endpoints.yml")
    endpoints.add_argument("--action-port", type=int, default=5055)
    endpoints.set_defaults(func=_cmd_endpoints)

    db = groups.add_parser("db", help="the project's tables (Alembic migrations)").add_subparsers(
        dest="command", required=True
    )
    db.add_parser("upgrade", help="apply the migrations the database lacks").set_defaults(func=_cmd_db_upgrade)
    db.add_parser("current", help="the database's revision; exit 1 when a migration is due").set_defaults(
        func=_cmd_db_current
    )

    prod = groups.add_parser("prod", help="production mode (PostgreSQL, Redis, replicas behind nginx)").add_subparsers(
        dest="command", required=True
    )
    prod_run = prod.add_parser("run", help="start every process, restart any that dies, stop all on Ctrl-C")
    prod_run.add_argument("--model", required=True, help="the trained model to serve")
    prod_run.add_argument("--workdir", default="var/prod", help="configuration, logs and pid files")
    prod_run.add_argument("--demo-port", type=int, default=8080, help="the demo clinic website (loopback)")
    prod_run.set_defaults(func=_cmd_prod_run)
    prod_config = prod.add_parser("nginx-config", help="print the nginx configuration production mode uses")
    prod_config.add_argument("--workdir", default="var/prod")
    prod_config.set_defaults(func=_cmd_prod_config)

    maintainer_cli.register(groups)

    evaluate = groups.add_parser("eval", help="run the held-out test set through the trained model")
    evaluate.add_argument("--model", required=True, help="path of the trained model (.tar.gz)")
    evaluate.add_argument("--report", default="reports/eval.json", help="where to write the figures")
    evaluate.set_defaults(func=_cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
