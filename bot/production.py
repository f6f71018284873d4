"""Production mode (`IL2BOT_MODE=production`, `make run-prod`): the processes, their configuration, a supervisor.

    clinic web pages ──> nginx :8000 (widget-facing; only the chat routes)
                           │  hash of the conversation id (deploy/nginx/sender.js)
                           ├──> Rasa replica 1 (127.0.0.1:5005) ─┐
                           └──> Rasa replica 2 (127.0.0.1:5006) ─┤ conversations: PostgreSQL (`events`)
                                                                 │ locks: Redis
                         nginx 127.0.0.1:5055 <──────────────────┘ action calls
                           ├──> action server 1 (127.0.0.1:5155) ─┐ answer base, review queue,
                           └──> action server 2 (127.0.0.1:5156) ─┘ counts: PostgreSQL (our tables)

Every turn of one conversation goes to one replica (Rasa Open Source's Redis lock is not safe across
replicas); when that replica is down, nginx gives the conversation to the next replica on its hash
ring, which reads it from the shared tracker store. The supervisor (`python -m bot prod run`) starts
every process, restarts one that dies (a replica with the model of the latest release), and stops
them all on Ctrl-C. The tests and `make bench-prod` use the same `ProductionStack` on free ports.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import IO

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.answers.store import LoadReport
from bot.channels.widget_requests import RequestError, too_long_error
from bot.dialogue import service_trouble_text
from bot.local_servers import (
    SANIC_REQUEST_MAX_SIZE,
    action_endpoint,
    free_port,
    rasa_server_command,
    redis_stores,
    start_action_server,
    stop,
    wait_until_up,
)
from bot.settings import PROJECT_ROOT, ClinicContact, Settings, settings_from

DEPLOY_DIR = PROJECT_ROOT / "deploy" / "nginx"
NGINX_TEMPLATE = DEPLOY_DIR / "il2bot.conf.template"
NJS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")
"""Debian's libnginx-mod-http-js: nginx's JavaScript module, which reads the conversation id."""
ACTION_BALANCER_PORT = 5055
FIRST_ACTION_PORT = 5155
TICKET_LOCK_LIFETIME = "5"
"""Seconds a conversation's lock outlives a replica killed while holding it (Rasa's default is 60: a
conversation would wait that long on the replica that takes it over). A turn takes well under 1 s."""


class ProductionError(Exception):
    """Production mode cannot start; `str()` says what to do."""


@dataclass(frozen=True)
class Topology:
    """Where each process of the production mode listens, and where its files go."""

    workdir: Path
    database_url: str
    redis_url: str
    public_address: str = "0.0.0.0"
    public_port: int = 8000
    rasa_ports: tuple[int, ...] = (5005, 5006)
    action_ports: tuple[int, ...] = (FIRST_ACTION_PORT, FIRST_ACTION_PORT + 1)
    action_balancer_port: int = ACTION_BALANCER_PORT

    @classmethod
    def on_free_ports(cls, workdir: Path, database_url: str, redis_url: str) -> Topology:
        """Every process on a free loopback port, the public one included (tests, `make bench-prod`)."""
        return cls(
            workdir=workdir,
            database_url=database_url,
            redis_url=redis_url,
            public_address="127.0.0.1",
            public_port=free_port(),
            rasa_ports=(free_port(), free_port()),
            action_ports=(free_port(), free_port()),
            action_balancer_port=free_port(),
        )

    @classmethod
    def from_settings(cls, settings: Settings, workdir: Path) -> Topology:
        """The topology `make run-prod` uses: IL2BOT_PUBLIC_*, IL2BOT_RASA_PORT/_REPLICAS, IL2BOT_ACTION_SERVERS."""
        return cls(
            workdir=workdir,
            database_url=settings.database_url,
            redis_url=settings.redis_url,
            public_address=settings.public_address,
            public_port=settings.public_port,
            rasa_ports=tuple(settings.rasa_port + i for i in range(settings.rasa_replicas)),
            action_ports=tuple(FIRST_ACTION_PORT + i for i in range(settings.action_servers)),
        )

    @property
    def logs(self) -> Path:
        """Every process's log."""
        return self.workdir / "logs"

    @property
    def public_url(self) -> str:
        """The widget-facing address, as a browser on this machine reaches it."""
        host = "127.0.0.1" if self.public_address in ("0.0.0.0", "::", "") else self.public_address
        return f"http://{_host_port(host, self.public_port)}"

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """Each replica on loopback (for `bot publish`, which loads a model into each)."""
        return tuple(f"http://127.0.0.1:{port}" for port in self.rasa_ports)


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def endpoints_config(topology: Topology) -> dict[str, object]:
    """Rasa's endpoints: action calls through nginx, conversations in PostgreSQL, locks in Redis."""
    return {
        "action_endpoint": action_endpoint(topology.action_balancer_port),
        "tracker_store": {"type": "bot.tracker_store.ConversationStore", "url": topology.database_url},
        "lock_store": redis_stores(topology.redis_url)["lock_store"],
    }


def _nginx_string(error: RequestError) -> str:
    """A JSON error body as the inside of a single-quoted nginx string."""
    body = json.dumps(error.as_json())
    if "$" in body:  # nginx would read it as a variable; our texts never hold one
        raise ValueError(f"a '$' in an nginx error body: {body}")
    return body.replace("\\", "\\\\").replace("'", "\\'")


def _servers(ports: tuple[int, ...]) -> str:
    # max_fails=0: nginx never marks a server down, it tries it again on every request. A stopped
    # process refuses the connection at once (loopback), and nginx moves on to the next; one that is
    # back gets its conversations again at once, where a "down" mark would refuse them for a while,
    # and all of them when every server had been marked.
    return "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in ports)


def nginx_config(topology: Topology, contact: ClinicContact) -> str:
    """nginx.conf from deploy/nginx/il2bot.conf.template; nginx's own error replies name the clinic's phone."""
    unavailable = RequestError(503, "unavailable", service_trouble_text(contact))
    return Template(NGINX_TEMPLATE.read_text(encoding="utf-8")).substitute(
        workdir=topology.workdir,
        logs=topology.logs,
        deploy=DEPLOY_DIR,
        js_module=NJS_MODULE,
        public_listen=_host_port(topology.public_address, topology.public_port),
        action_balancer_port=topology.action_balancer_port,
        rasa_servers=_servers(topology.rasa_ports),
        action_servers=_servers(topology.action_ports),
        too_long_json=_nginx_string(too_long_error(contact.emergency_number)),
        unavailable_json=_nginx_string(unavailable),
    )


def render(topology: Topology, contact: ClinicContact) -> tuple[Path, Path]:
    """Write endpoints.yml and nginx.conf into the work folder; their paths."""
    for folder in (topology.logs, *(topology.workdir / "nginx-tmp" / d for d in ("body", "proxy"))):
        folder.mkdir(parents=True, exist_ok=True)
    endpoints = topology.workdir / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(endpoints_config(topology)), encoding="utf-8")
    nginx = topology.workdir / "nginx.conf"
    nginx.write_text(nginx_config(topology, contact), encoding="utf-8")
    return endpoints, nginx


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist yet; whether it was created."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql") or not parsed.database:
        return False
    admin = create_engine(parsed.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if exists:
                return False
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))  # our own setting, not input
            return True
    finally:
        admin.dispose()


def check_nginx() -> str:
    """The nginx binary; ProductionError naming the Debian packages when it or its JS module is missing."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None or not NJS_MODULE.exists():
        raise ProductionError(
            "Production mode needs nginx with its JavaScript module: `make prod-deps` installs the Debian "
            "packages nginx-light and libnginx-mod-http-js."
        )
    return binary


def check_redis(url: str) -> None:
    """ProductionError when the Redis of the lock store does not answer."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise ProductionError(f"Redis is not reachable at {url.split('@')[-1]}: {error}") from None


@dataclass
class ProductionStack:
    """The production processes on one machine: start, kill, restart and stop them by name."""

    topology: Topology
    model: Path
    env: Mapping[str, str]
    api_token: str
    project_root: Path = PROJECT_ROOT
    """Where the release records are (`var/publish/`): the project, or the copy a test publishes from."""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Start order: action servers, Rasa replicas, then nginx in front of them."""
        actions = [f"actions-{i + 1}" for i in range(len(self.topology.action_ports))]
        replicas = [f"rasa-{i + 1}" for i in range(len(self.topology.rasa_ports))]
        return [*actions, *replicas, "nginx"]

    def environment(self) -> dict[str, str]:
        """What every process gets: the settings of this stack, no telemetry, the project importable."""
        return {
            **self.env,
            "IL2BOT_MODE": "production",
            "IL2BOT_DATABASE_URL": self.topology.database_url,
            "IL2BOT_REDIS_URL": self.topology.redis_url,
            "IL2BOT_RASA_URL": ",".join(self.topology.rasa_urls),
            "PYTHONPATH": str(PROJECT_ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_WORKERS": "1",
            "SANIC_REQUEST_MAX_SIZE": SANIC_REQUEST_MAX_SIZE,
            "TICKET_LOCK_LIFETIME": TICKET_LOCK_LIFETIME,
        }

    def prepare(self, *, by: str) -> LoadReport:
        """Before any server starts: configuration files, the database, its tables, the answers (loaded `by`)."""
        from bot.answers import schema
        from bot.answers.files import load_answer_files
        from bot.answers.store import AnswerStore, make_engine
        from bot.settings import ANSWERS_DIR

        check_nginx()
        check_redis(self.topology.redis_url)
        render(self.topology, settings_from(self.env).contact)
        try:
            ensure_database(self.topology.database_url)
        except OperationalError as error:
            where = make_url(self.topology.database_url).render_as_string(hide_password=True)
            raise ProductionError(f"PostgreSQL is not reachable at {where}: {error.orig}") from None
        engine = make_engine(self.topology.database_url)
        schema.upgrade(engine)
        try:
            return AnswerStore(engine).load(load_answer_files(ANSWERS_DIR), by=by)
        finally:
            engine.dispose()

    def start(self, name: str, model: Path | None = None) -> subprocess.Popen:
        """Start one process (log appended to logs/NAME.log); it is up when `wait_ready` returns."""
        with (self.topology.logs / f"{name}.log").open("a") as log:  # the child keeps its own copy
            process = self._spawn(name, model, log)
        self.processes[name] = process
        return process

    def _spawn(self, name: str, model: Path | None, log: IO[str]) -> subprocess.Popen:
        env = self.environment()
        kind, _, number = name.partition("-")
        if kind == "actions":
            process = start_action_server(self.topology.action_ports[int(number) - 1], env=env, log=log)
        elif kind == "rasa":
            port = self.topology.rasa_ports[int(number) - 1]
            command = rasa_server_command(
                model or self.model, self.topology.workdir / "endpoints.yml", port, self.api_token
            )
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        else:
            nginx = check_nginx()
            command = [nginx, "-p", str(self.topology.workdir), "-c", str(self.topology.workdir / "nginx.conf")]
            command += ["-e", str(self.topology.logs / "nginx-error.log"), "-g", "daemon off;"]
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        return process

    def health_url(self, name: str) -> str:
        """Where a process answers 200 once it is ready."""
        kind, _, number = name.partition("-")
        if kind == "actions":
            return f"http://127.0.0.1:{self.topology.action_ports[int(number) - 1]}/health"
        if kind == "rasa":
            return f"http://127.0.0.1:{self.topology.rasa_ports[int(number) - 1]}/"
        return f"{self.topology.public_url}/health"

    def wait_ready(self, name: str) -> None:
        """Wait until the process answers (RuntimeError with its log if it exits first)."""
        wait_until_up(self.health_url(name), self.processes[name], self.topology.logs / f"{name}.log")

    def start_all(self) -> None:
        """Start every process (after `prepare`) and wait until each answers."""
        for name in self.names:
            self.start(name)
        for name in self.names:
            self.wait_ready(name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one process (SIGKILL: no goodbye, as a crash or an evicted pod)."""
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(timeout=30)

    def restart(self, name: str) -> None:
        """Start a process again (a replica with the latest release's model) and wait until it answers."""
        self.start(name, model=self.latest_model() if name.startswith("rasa") else None)
        self.wait_ready(name)

    def latest_model(self) -> Path:
        """The model of the latest release (`bot publish`, `bot rollback`), else the one the stack started with."""
        from bot.publish import Workspace, releases

        workspace = Workspace(root=self.project_root, models_dir=self.model.parent, database_url="")
        records = [r for r in releases(workspace) if isinstance(r.get("model"), str)]
        candidate = self.model.parent / str(records[-1]["model"]) if records else self.model
        return candidate if candidate.exists() else self.model

    def stop_all(self) -> None:
        """Stop nginx first (no new requests), then the replicas, then the action servers."""
        stop(*(self.processes[name] for name in reversed(self.names) if name in self.processes))

    def supervise(self, poll_seconds: float = 1.0) -> None:
        """Restart any process that exits, until interrupted (the foreground of `make run-prod`)."""
        while True:
            for name in self.names:
                code = self.processes[name].poll()
                if code is not None:
                    print(f"{name} exited with code {code}: starting it again", file=sys.stderr, flush=True)
                    try:
                        self.restart(name)
                    except (RuntimeError, TimeoutError) as error:
                        print(f"{name} did not come back: {error}", file=sys.stderr, flush=True)
            time.sleep(poll_seconds)
