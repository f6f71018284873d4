"""Production mode's configuration: what nginx and Rasa are told, checked without starting them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from bot.local_servers import free_port
from bot.production import (
    ProductionError,
    ProductionStack,
    Topology,
    check_nginx,
    endpoints_config,
    nginx_config,
    render,
)
from bot.settings import settings_from
from tests.conftest import TEST_CONTACT


def _topology(tmp_path: Path, **changes: object) -> Topology:
    base = Topology(
        workdir=tmp_path,
        database_url="postgresql://postgres@127.0.0.1:5432/il2bot",
        redis_url="redis://127.0.0.1:6379/3",
    )
    return Topology(**{**base.__dict__, **changes})


def test_the_topology_follows_the_settings(tmp_path: Path) -> None:
    settings = settings_from(
        {
            "IL2BOT_MODE": "production",
            "IL2BOT_RASA_PORT": "6005",
            "IL2BOT_RASA_REPLICAS": "3",
            "IL2BOT_PUBLIC_PORT": "9000",
        }
    )
    topology = Topology.from_settings(settings, tmp_path)
    assert topology.rasa_ports == (6005, 6006, 6007)
    assert topology.public_port == 9000 and topology.public_url == "http://127.0.0.1:9000"
    assert settings.rasa_url == "http://127.0.0.1:6005,http://127.0.0.1:6006,http://127.0.0.1:6007"
    assert settings.database_url == "postgresql://postgres@127.0.0.1:5432/il2bot" == settings.tracker_url


def test_embedded_mode_keeps_conversations_in_memory_and_one_server() -> None:
    settings = settings_from({})
    assert settings.mode == "embedded" and settings.tracker_url is None
    assert settings.rasa_url == "http://127.0.0.1:5005" and settings.database_url.startswith("sqlite:///")
    with pytest.raises(ValueError):
        settings_from({"IL2BOT_MODE": "prod"})


def test_rasa_keeps_conversations_in_postgres_and_locks_in_redis(tmp_path: Path) -> None:
    config = endpoints_config(_topology(tmp_path))
    assert config["tracker_store"] == {
        "type": "bot.tracker_store.ConversationStore",
        "url": "postgresql://postgres@127.0.0.1:5432/il2bot",
    }
    assert config["lock_store"]["type"] == "redis" and config["lock_store"]["db"] == 4  # next to the tracker's
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"  # nginx, before the action servers


def test_the_rendered_nginx_configuration_is_valid_for_nginx(tmp_path: Path) -> None:
    topology = _topology(
        tmp_path, public_address="127.0.0.1", public_port=free_port(), action_balancer_port=free_port()
    )
    _, conf = render(topology, TEST_CONTACT)
    result = subprocess.run(
        [check_nginx(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "logs" / "t.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_answers_its_own_errors_in_the_channels_json_with_the_clinic_phone(tmp_path: Path) -> None:
    config = nginx_config(_topology(tmp_path), TEST_CONTACT)
    bodies = dict(re.findall(r"return (\d+) '((?:[^'\\]|\\.)*)';", config))
    unavailable = json.loads(bodies["503"].replace("\\'", "'"))
    assert unavailable["error"] == "unavailable" and "555-0100" in unavailable["message"]
    assert json.loads(bodies["413"].replace("\\'", "'"))["error"] == "too_long"
    assert "hash $il2_sender consistent;" in config
    assert "max_fails=0" in config and "max_fails=1" not in config


def test_a_missing_redis_stops_production_mode_with_a_sentence(tmp_path: Path) -> None:
    stack = ProductionStack(
        _topology(tmp_path, redis_url=f"redis://127.0.0.1:{free_port()}/0"), tmp_path / "m.tar.gz", {}, "t"
    )
    with pytest.raises(ProductionError, match="Redis is not reachable"):
        stack.prepare(by="tests")


def test_a_missing_postgres_stops_production_mode_with_a_sentence(tmp_path: Path) -> None:
    database = f"postgresql://postgres@127.0.0.1:{free_port()}/il2bot"
    stack = ProductionStack(_topology(tmp_path, database_url=database), tmp_path / "m.tar.gz", {}, "t")
    with pytest.raises(ProductionError, match="PostgreSQL is not reachable"):
        stack.prepare(by="tests")
