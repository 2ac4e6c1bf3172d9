"""Cohort server speed: 100 simulated learners play at once against the server on loopback.

    python benchmarks/bench_server.py                      # SQLite, one and two server processes
    python benchmarks/bench_server.py --pg URL             # PostgreSQL as well (a scratch schema)
    python benchmarks/bench_server.py --learners 50 --saves 10 --think 0.5 --processes 1

Each learner signs in with an invitation code, then saves its playthrough one event at a time
(a choice; every fifth save a reflection), waiting for each acknowledgement as the player does.
Before each save a learner pauses ``--think`` seconds on average (uniform in half to one and a
half times it): 1 s is a brisk player (100 learners then offer about 100 saves a second); 0 is a
saturation test, where 100 clients that never pause queue at the server and the latency is
their number divided by the throughput (Little's law), whatever the server does.

Printed per bank, pause and number of server processes: p50 and p99 of an acknowledged save,
saves per second, and records lost (acknowledged but not in the bank afterwards: must be 0);
also p50 and p99 of the same saves as the servers' access logs time them (from the request's
arrival in the app to its answer), which tells the server's share from the clients' and the
kernel's.
The baseline is a bare round trip to ``/api/health`` with the same clients and pauses, measured
in the same run just before. The clients run in this process, on the same cores as the servers.
Goal (issue 13): p99 ≤ 50 ms on a 2-core machine with PostgreSQL. Not a CI test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crossroads.engine.bank import open_bank  # noqa: E402
from crossroads.engine.bank.identity import add_facilitator  # noqa: E402

COHORT_SIZE = 25


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def servers(bank: str, n: int, logs: Path) -> Iterator[list[str]]:
    """``n`` server processes on one bank, logging to files in ``logs``; yields their URLs."""
    procs, urls = [], []
    try:
        for k in range(n):
            port = _port()
            with (logs / f"server-{k}.log").open("w") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "crossroads", "serve", "--bank", bank, "--port",
                     str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc in zip(urls, procs, strict=True):
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server on {bank} did not start")
                time.sleep(0.05)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh schema on the scratch database (dropped afterwards)."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _event(seq: int) -> dict[str, Any]:
    if seq % 5 == 4:
        return {"type": "reflection", "id": str(uuid.uuid4()), "scene": f"s{seq}",
                "prompt": f"p{seq}", "text": f"what I heard at step {seq}",
                "visibility": ("private", "cohort", "bank")[seq % 3], "anonymous": seq % 2 == 0,
                "at": _now()}
    return {"type": "choice", "scene": f"s{seq}", "index": 0, "key": "go", "to": f"s{seq + 1}",
            "meters": {"trust": 50}, "at": _now()}


async def _think(rng: random.Random, think: float) -> None:
    """A player's pause between two saves: uniform in [think/2, 3*think/2] (none if 0)."""
    if think > 0:
        await asyncio.sleep(rng.uniform(think / 2, 3 * think / 2))


class _Client:
    """One learner's device: a kept-alive HTTP/1.1 connection to one server, written by hand
    because httpx's asyncio client cost more CPU than the server under test (on 2 cores the
    benchmark would measure the clients)."""

    def __init__(self, url: str, token: str | None = None) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request and read its answer (raises OSError or IncompleteReadError if the
        connection broke: the caller sends again)."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.auth}"
                         f"Content-Type: application/json\r\nContent-Length: {len(body)}"
                         "\r\n\r\n".encode() + body)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            return status, await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError):
            writer.close()
            self.streams = None
            raise

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def _learner(client: _Client, saves: int, lat: list[float], think: float,
                   rng: random.Random) -> int:
    """Play ``saves`` saves, pausing ``think`` seconds on average before each; return how many
    were acknowledged."""
    pid, acked, started = str(uuid.uuid4()), 0, _now()
    while acked < saves:
        await _think(rng, think)
        body = json.dumps({"playthrough": pid, "story_id": "bench", "story_hash": "h",
                           "started": started, "first": acked,
                           "events": [_event(acked)]}).encode()
        t = time.perf_counter()
        try:
            status, _ = await client.request("POST", "/api/batches", body)
        except (OSError, asyncio.IncompleteReadError):  # e.g. a kept-alive connection the
            continue  # server closed: not acknowledged, so sent again (as the journal does)
        if status == 200:
            lat.append(time.perf_counter() - t)
            acked += 1
    return acked


async def _health(client: _Client, n: int, lat: list[float], think: float,
                  rng: random.Random) -> None:
    for _ in range(n):
        await _think(rng, think)
        t = time.perf_counter()
        status, _ = await client.request("GET", "/api/health")
        assert status == 200
        lat.append(time.perf_counter() - t)


def _pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] * 1000 if len(values) > 1 else 0.0


async def _run(urls: list[str], tokens: list[str], saves: int,
               think: float) -> dict[str, float]:
    rng = random.Random(13)
    clients = [_Client(urls[i % len(urls)], tok) for i, tok in enumerate(tokens)]
    try:
        warm: list[float] = []  # each device opens its connection (not measured)
        await asyncio.gather(*(_health(c, 1, warm, 0, rng) for c in clients))
        base: list[float] = []
        await asyncio.gather(*(_health(c, max(5, saves // 2), base, think, rng)
                               for c in clients))
        lat: list[float] = []
        t = time.perf_counter()
        acked = await asyncio.gather(*(_learner(c, saves, lat, think, rng) for c in clients))
        wall = time.perf_counter() - t
    finally:
        for c in clients:
            c.close()
    return {"base50": _pct(base, 50), "base99": _pct(base, 99), "p50": _pct(lat, 50),
            "p99": _pct(lat, 99), "rate": len(lat) / wall, "acked": float(sum(acked))}


SAVE_LINE = re.compile(r"POST /api/batches 200 ([0-9.]+) ms")


def _server_ms(logs: Path) -> list[float]:
    """How long each acknowledged save took inside the servers (their access log), in s."""
    return [float(m.group(1)) / 1000 for f in logs.glob("server-*.log")
            for m in SAVE_LINE.finditer(f.read_text())]


def bench(bank: str, processes: int, learners: int, saves: int,
          think: float) -> dict[str, float]:
    """One run: sign the learners in, play, then count what the bank holds."""
    with open_bank(bank) as b:
        fac = add_facilitator(b, "Bench")
    with tempfile.TemporaryDirectory() as tmp, servers(bank, processes, Path(tmp)) as urls:
        tokens: list[str] = []
        with httpx.Client(base_url=urls[0], timeout=60,
                          headers={"Authorization": f"Bearer {fac}"}) as http:
            while len(tokens) < learners:
                n = min(COHORT_SIZE, learners - len(tokens))
                made = http.post("/api/cohorts", json={"name": "c", "invitations": n}).json()
                for seat in made["invitations"]:
                    joined = httpx.post(urls[0] + "/api/join", json={"code": seat["code"]},
                                        timeout=60).json()
                    tokens.append(joined["token"])
        out = asyncio.run(_run(urls, tokens, saves, think))
        inside = _server_ms(Path(tmp))
        out["in50"], out["in99"] = _pct(inside, 50), _pct(inside, 99)
    with open_bank(bank) as b:
        counts = b.counts()
    out["lost"] = out["acked"] - counts["steps"] - counts["reflections"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", metavar="URL", help="a scratch PostgreSQL database as well")
    ap.add_argument("--learners", type=int, default=100)
    ap.add_argument("--saves", type=int, default=20, help="saves per learner")
    ap.add_argument("--think", type=float, action="append", metavar="S",
                    help="a player's mean pause before each save, in seconds (repeatable; "
                         "default: 1 and 0, i.e. brisk players, then saturation)")
    ap.add_argument("--processes", type=int, action="append", metavar="N",
                    help="server processes (repeatable; default: 1 and 2)")
    ap.add_argument("--only", choices=["sqlite", "postgresql"], help="one kind of bank")
    args = ap.parse_args()
    thinks = args.think or [1.0, 0.0]
    print(f"{args.learners} learners × {args.saves} saves each, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'bank':<11} {'servers':>7} {'think s':>7} {'health p50/p99 ms':>18} "
          f"{'save p50 ms':>11} {'save p99 ms':>11} {'in server p50/p99':>18} "
          f"{'saves/s':>8} {'lost':>5}")
    runs: list[tuple[str, Any]] = [("sqlite", None)] + ([("postgresql", args.pg)]
                                                         if args.pg else [])
    for think in thinks:
        for kind, url in runs:
            if args.only and kind != args.only:
                continue
            for processes in args.processes or [1, 2]:
                with tempfile.TemporaryDirectory() as tmp:
                    if kind == "sqlite":
                        r = bench(str(Path(tmp) / "bank.sqlite3"), processes, args.learners,
                                  args.saves, think)
                    else:
                        with pg_schema(url) as bank:
                            r = bench(bank, processes, args.learners, args.saves, think)
                print(f"{kind:<11} {processes:>7} {think:>7.1f} {r['base50']:>8.1f} / "
                      f"{r['base99']:<7.1f} {r['p50']:>11.1f} {r['p99']:>11.1f} "
                      f"{r['in50']:>8.1f} / {r['in99']:<7.1f} "
                      f"{r['rate']:>8.0f} {r['lost']:>5.0f}", flush=True)


if __name__ == "__main__":
    main()
