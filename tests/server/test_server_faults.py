"""Faults under the cohort server: the server killed with SIGKILL mid-session, and PostgreSQL
restarted under it. Every record the server acknowledged is there afterwards, exactly once."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.server.conftest import Server, add_facilitator, batch, choice, reflection

pytestmark = pytest.mark.slow


def _learners(server: Server, n: int) -> tuple[str, str, list[str]]:
    """A cohort of ``n`` learners: its id, its facilitator's token and the learners' tokens."""
    fac = add_facilitator(server.bank, "Fay")
    with server.client(fac) as http:
        made = http.post("/api/cohorts", json={"name": "c", "invitations": n}).json()
    with server.client() as http:
        tokens = [http.post("/api/join", json={"code": seat["code"]}).json()["token"]
                  for seat in made["invitations"]]
    return made["id"], fac, tokens


class Player:
    """A learner's client sending one event per batch, as the player's journal does: an event
    counts as saved once the server acknowledged it; until then it is sent again."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.playthrough = str(uuid.uuid4())
        self.acked = 0  # events 0..acked-1 acknowledged
        self.refusals = 0

    def event(self, seq: int) -> dict[str, Any]:
        if seq % 3 == 2:
            rid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.playthrough}/{seq}"))  # kept on resend
            return reflection(f"{self.playthrough} reflection {seq}", "cohort") | {"id": rid}
        return choice(f"s{seq}", "go", f"s{seq + 1}")

    def play(self, url: str, stop: threading.Event, until: int) -> None:
        with httpx.Client(base_url=url, timeout=5,
                          headers={"Authorization": f"Bearer {self.token}"}) as http:
            while not stop.is_set() and self.acked < until:
                body = batch(self.playthrough, [self.event(self.acked)], first=self.acked)
                try:
                    r = http.post("/api/batches", json=body)
                except httpx.TransportError:
                    self.refusals += 1
                    time.sleep(0.05)
                    continue
                if r.status_code == 200:
                    self.acked += 1
                    time.sleep(0.02)  # a player's pace: the fault strikes while they play
                else:
                    assert r.status_code == 503, r.text  # the bank is away: try again
                    self.refusals += 1
                    time.sleep(0.05)


def _play_through(url_of: Callable[[], str], players: list[Player], until: int,
                  fault: Callable[[], None]) -> None:
    """Players play to ``until`` events each; ``fault`` strikes once they are under way."""
    stop = threading.Event()
    threads = [threading.Thread(target=p.play, args=(url_of(), stop, until)) for p in players]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while min(p.acked for p in players) < until // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    fault()
    for t in threads:
        t.join(120)
    assert all(p.acked == until for p in players), [p.acked for p in players]


def _check(server: Server, cohort: str, fac: str, players: list[Player], until: int) -> None:
    with server.client(fac) as http:
        assert len(http.get(f"/api/cohorts/{cohort}/paths").json()) == len(players)
        texts = [r["text"] for r in http.get("/api/reflections", params={"limit": 200}).json()]
    for player in players:
        with server.client(player.token) as http:
            mine = [p for p in http.get(f"/api/cohorts/{cohort}/paths").json() if p["mine"]]
        assert len(mine) == 1
        want = [f"s{seq}" for seq in range(until) if seq % 3 != 2]
        assert [s["scene"] for s in mine[0]["steps"]] == want
        written = [t for t in texts if t.startswith(player.playthrough)]
        assert sorted(written) == sorted(f"{player.playthrough} reflection {seq}"
                                         for seq in range(until) if seq % 3 == 2)


def test_every_acknowledged_record_survives_kill_9_of_the_server(
    server_bank: str, start_server: Callable[..., Server],
) -> None:
    servers = [start_server(server_bank)]
    cohort, fac, tokens = _learners(servers[0], 4)
    players = [Player(t) for t in tokens]
    port = servers[0].port

    def kill_and_restart() -> None:
        os.kill(servers[0].proc.pid, signal.SIGKILL)
        servers[0].proc.wait(10)
        time.sleep(0.3)  # the players find nobody there for a moment
        servers.append(start_server(server_bank, port))  # the same address

    _play_through(lambda: servers[0].url, players, 60, kill_and_restart)
    assert servers[0].proc.returncode == -signal.SIGKILL
    assert sum(p.refusals for p in players) > 0  # the kill did cut requests
    _check(servers[1], cohort, fac, players, 60)



@pytest.mark.postgres
def test_postgresql_restarted_under_the_server_loses_nothing_acknowledged(
    cluster: Any, start_server: Callable[..., Server],
) -> None:
    server = start_server(cluster.url)
    cohort, fac, tokens = _learners(server, 3)
    players = [Player(t) for t in tokens]

    def restart_postgres() -> None:
        cluster.stop()
        time.sleep(0.5)  # requests meanwhile get 503 and are sent again
        cluster.start()

    _play_through(lambda: server.url, players, 90, restart_postgres)
    assert sum(p.refusals for p in players) > 0
    _check(server, cohort, fac, players, 90)
