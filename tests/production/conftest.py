"""One production stack for these tests: PostgreSQL (a database of its own), a Redis of its own, nginx,
two Rasa replicas and two action servers on free loopback ports, as `make run-prod` runs them."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from bot.local_servers import redis_database_of_its_own
from bot.production import ProductionStack, Topology
from bot.rate_limit import NO_RATE_LIMITS
from tests.fixtures.postgres import temporary_database
from tests.fixtures.servers import TEST_CLINIC, test_model


@dataclass
class Production:
    """The running stack, its database and Redis, and a client for its public REST route."""

    stack: ProductionStack
    database_url: str

    @property
    def webhook(self) -> str:
        return f"{self.stack.topology.public_url}/webhooks/rest/webhook"

    def post(self, sender: str, message: str, timeout: float = 30) -> requests.Response:
        return requests.post(self.webhook, json={"sender": sender, "message": message}, timeout=timeout)

    def kinds(self, sender: str, message: str) -> list[str]:
        response = self.post(sender, message)
        assert response.status_code == 200, response.text
        return [m["custom"]["kind"] for m in response.json() if isinstance(m.get("custom"), dict)]

    def access_log_lines(self) -> list[str]:
        return (self.stack.topology.logs / "nginx-access.log").read_text().splitlines()

    def replica_of(self, sender: str) -> str:
        """The replica nginx sends this conversation to (from the access log's upstream)."""
        before = len(self.access_log_lines())
        assert self.post(sender, "hello").status_code == 200
        deadline = time.monotonic() + 5
        while True:  # nginx writes the line just after the reply has gone out
            lines = [line for line in self.access_log_lines()[before:] if "/webhooks/rest/webhook" in line]
            if lines or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        line = lines[0]
        port = int(line.rsplit(":", 1)[1])
        return f"rasa-{self.stack.topology.rasa_ports.index(port) + 1}"

    def wait_all_up(self) -> None:
        for name in self.stack.names:
            if self.stack.processes[name].poll() is not None:
                self.stack.restart(name)


TEST_REDIS_DB = 6
"""Databases 6 and 7 of the machine's Redis (127.0.0.1:6379; the lock store takes 7)."""


def sender() -> str:
    return f"prod-{uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def production(tmp_path_factory) -> Iterator[Production]:
    try:
        redis_url = redis_database_of_its_own(TEST_REDIS_DB)
    except RuntimeError as error:
        pytest.fail(f"production-mode tests need the machine's Redis: {error}")
    with temporary_database("il2bot_prodtest") as database_url:
        topology = Topology.on_free_ports(tmp_path_factory.mktemp("production"), database_url, redis_url)
        env = {**os.environ, **TEST_CLINIC, **NO_RATE_LIMITS}
        # The release records of a workdir of its own: a restarted replica never picks a developer's release.
        stack = ProductionStack(topology, test_model(), env, secrets.token_urlsafe(16), project_root=topology.workdir)
        stack.prepare(by="tests")
        started = time.monotonic()
        stack.start_all()
        print(f"production stack up in {time.monotonic() - started:.1f} s")
        try:
            yield Production(stack, database_url)
        finally:
            stack.stop_all()
