"""The endpoints file `make run` and the test servers use."""

from __future__ import annotations

import yaml

from bot.cli import main as cli
from bot.local_servers import redis_stores, write_endpoints


def test_one_worker_gets_the_projects_endpoints_with_its_action_port(tmp_path) -> None:
    path = write_endpoints(tmp_path / "e.yml", 6055)
    config = yaml.safe_load(path.read_text())
    assert config == {"action_endpoint": {"url": "http://127.0.0.1:6055/webhook", "enable_selective_domain": True}}


def test_redis_stores_use_the_url_database_and_the_next_one_for_locks() -> None:
    stores = redis_stores("redis://:secret@cache.local:6380/4")
    assert stores["tracker_store"] == {
        "type": "redis",
        "url": "cache.local",
        "port": 6380,
        "password": "secret",
        "db": 4,
        "key_prefix": "il2bot",
        "record_exp": 1800,
    }
    assert stores["lock_store"]["db"] == 5 and stores["lock_store"]["type"] == "redis"


def test_the_endpoints_command_adds_redis_only_for_several_workers(tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "endpoints.yml"
    assert cli(["endpoints", "--out", str(out)]) == 0
    assert "tracker_store" not in yaml.safe_load(out.read_text())
    monkeypatch.setenv("IL2BOT_RASA_WORKERS", "2")
    from bot.settings import get_settings

    get_settings.cache_clear()
    assert cli(["endpoints", "--out", str(out), "--action-port", "5999"]) == 0
    config = yaml.safe_load(out.read_text())
    assert config["tracker_store"]["type"] == "redis" and config["lock_store"]["type"] == "redis"
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5999/webhook"
    assert capsys.readouterr().out.strip().endswith("endpoints.yml")


def test_rasa_reads_a_token_that_begins_with_a_dash(tmp_path) -> None:
    # secrets.token_urlsafe() begins with "-" about once in 64 tokens; passed as a separate argument,
    # rasa's parser took it for an option and the server refused to start.
    from rasa.__main__ import create_argument_parser

    from bot.local_servers import rasa_server_command

    command = rasa_server_command(tmp_path / "m.tar.gz", tmp_path / "e.yml", 5005, "-Xy_z")
    args = create_argument_parser().parse_args(command[command.index("run") :])
    assert args.auth_token == "-Xy_z" and args.enable_api
