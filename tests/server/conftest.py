"""A real cohort server in a subprocess on 127.0.0.1, and real HTTP clients talking to it.

Every test gets a fresh bank: an SQLite file, or (marked ``postgres``) a fresh schema on the test
PostgreSQL server, as the bank tests do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m crossroads ARGS`` from the checkout."""
    return subprocess.run([sys.executable, "-m", "crossroads", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


class Server:
    """``crossroads serve`` in a subprocess; :meth:`client` talks to it."""

    def __init__(self, bank: str, log: Path, port: int | None = None, *,
                 options: tuple[str, ...] = (), start_timeout: float = 30) -> None:
        self.bank = bank
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crossroads", "serve", "--bank", bank, "--port",
             str(self.port), *options],
            cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT, env=dict(os.environ),
        )
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.05)

    def client(self, token: str | None = None) -> httpx.Client:
        """An HTTP client, signed in with ``token`` if given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def stop(self, grace: float = 10) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers past ``grace`` seconds)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log_file.close()


ADMIN_OF: dict[str, str] = {}
"""The owner's URL of a bank a server reaches through its own role (see :func:`server_role`)."""


def server_role(admin_url: str) -> Iterator[str]:
    """A fresh least-privilege server role on the bank at ``admin_url`` (made by the real
    ``crossroads server-role create``); yields its URL and drops the role afterwards."""
    import psycopg

    name = f"srv_{uuid.uuid4().hex[:10]}"
    out = cli("server-role", "create", name, "--bank", admin_url)
    assert out.returncode == 0, out.stderr
    url = out.stdout.strip()
    ADMIN_OF[url] = admin_url
    yield url
    ADMIN_OF.pop(url, None)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP OWNED BY {name}")
        conn.execute(f"DROP ROLE {name}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres),
                        pytest.param("postgresql-role", marks=pytest.mark.postgres)])
def server_bank(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh bank location for a server: a file, a PostgreSQL URL with its own schema, or
    that schema reached through the server's own role (row-level security applies)."""
    if request.param == "sqlite":
        yield str(tmp_path / "server-bank.sqlite3")
    elif request.param == "postgresql":
        yield str(request.getfixturevalue("pg_bank_url"))
    else:
        yield from server_role(str(request.getfixturevalue("pg_bank_url")))


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers on given banks (and ports); all are stopped after the test."""
    started: list[Server] = []

    def start(bank: str, port: int | None = None) -> Server:
        server = Server(bank, tmp_path / f"server-{len(started)}.log", port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(server_bank: str, start_server: Callable[[str], Server]) -> Server:
    """A running server on a fresh bank."""
    return start_server(server_bank)


def add_facilitator(bank: str, name: str) -> str:
    """A facilitator's token, made by the real ``crossroads facilitator add``."""
    out = cli("facilitator", "add", name, "--bank", ADMIN_OF.get(bank, bank))
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    assert token.startswith("crf_") and "\n" not in token
    return token


def now() -> str:
    """The current time as a client would stamp an event."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds")


def batch(playthrough: str, events: list[dict[str, Any]], first: int = 0,
          story: str = "floods") -> dict[str, Any]:
    """A batch as the player's journal writes it (learner and cohort left for the server)."""
    return {"playthrough": playthrough, "learner": "whoever", "cohort": None, "story_id": story,
            "story_hash": "h1", "started": now(), "first": first, "events": events}


def choice(scene: str, key: str, to: str) -> dict[str, Any]:
    """A choice event."""
    return {"type": "choice", "scene": scene, "index": 0, "key": key, "to": to,
            "meters": {"trust": 50}, "at": now()}


def reflection(text: str, visibility: str, anonymous: bool = False,
               prompt: str = "heard") -> dict[str, Any]:
    """A reflection event with a client-generated id."""
    return {"type": "reflection", "id": str(uuid.uuid4()), "scene": "s1", "prompt": prompt,
            "text": text, "visibility": visibility, "anonymous": anonymous, "at": now()}


def two_cohorts(server: Server, stories_one: tuple[str, ...] = (),
                stories_two: tuple[str, ...] = ()
                ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Cohort "one" (facilitator Fay; learners Ana and Ben) and cohort "two" (facilitator Gus;
    Cy), each learner joined with a real code: tokens by first name (fay, gus, ana, ben, cy),
    cohort ids by name, learner ids by first name."""
    tokens = {"fay": add_facilitator(server.bank, "Fay"),
              "gus": add_facilitator(server.bank, "Gus")}
    cohorts: dict[str, str] = {}
    ids: dict[str, str] = {}
    for fac, cohort, learners, stories in (("fay", "one", ["ana", "ben"], stories_one),
                                           ("gus", "two", ["cy"], stories_two)):
        body: dict[str, Any] = {"name": cohort, "invitations": len(learners)}
        if stories:
            body["stories"] = list(stories)
        with server.client(tokens[fac]) as http:
            made = http.post("/api/cohorts", json=body).json()
        cohorts[cohort] = made["id"]
        with server.client() as http:
            for name, seat in zip(learners, made["invitations"], strict=True):
                joined = http.post("/api/join", json={"code": seat["code"],
                                                      "name": name.title()}).json()
                tokens[name], ids[name] = joined["token"], joined["learner"]["id"]
    return tokens, cohorts, ids
