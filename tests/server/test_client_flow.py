"""The issue's "Done when", end to end: a facilitator serves a bank, adds themselves, makes a
cohort of five; five learners on five "machines" (their own data and config folders) join, play
with ``--plain`` and write reflections with every visibility; each of them, the facilitator and
an outsider see exactly what the rules allow through every command. All real subprocesses."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.server.conftest import ROOT, Server, add_facilitator


class Machine:
    """One person's computer: their own data folder and config folder."""

    def __init__(self, root: Path, name: str) -> None:
        self.env = dict(os.environ)
        self.env.pop("CROSSROADS_TOKEN", None)
        self.env.pop("CROSSROADS_BANK", None)
        self.env["CROSSROADS_HOME"] = str(root / name / "data")
        self.env["CROSSROADS_CONFIG"] = str(root / name / "config")

    def run(self, *args: str, stdin: str = "", ok: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([sys.executable, "-m", "crossroads", *args], cwd=ROOT, env=self.env,
                             input=stdin, capture_output=True, text=True, timeout=120)
        if ok:
            assert out.returncode == 0, (args, out.stdout, out.stderr)
        return out

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args).stdout)

    @property
    def login(self) -> dict[str, Any]:
        return dict(json.loads((Path(self.env["CROSSROADS_CONFIG"]) / "login.json").read_text()))


def play_input(text: str, visibility: int, anonymous: bool) -> str:
    """first-week: two choices, then the first reflection (text, who may read it, anonymous?),
    then no to reading others; input ends there (progress saved, exit code 3)."""
    anon = "" if visibility == 1 else ("y\n" if anonymous else "n\n")
    return f"1\n1\n{text}\n\n{visibility}\n{anon}n\n"


STORY = ("remembers: last March my manager called me into her office, asked about the walrus "
         "project, and I told her what had happened.")
WRITERS = [  # name, text, visibility (1 private, 2 cohort, 3 bank), anonymous
    ("Alpha", f"Alpha {STORY}", 1, False),
    ("Bravo", f"Bravo {STORY}", 2, False),
    ("Charlie", f"Charlie {STORY}", 3, False),
    ("Delta", f"Delta {STORY}", 2, True),
    ("Echo", f"Echo {STORY}", 3, True),
]


def _texts(rows: list[dict[str, Any]]) -> set[str]:
    return {r["text"].split()[0] for r in rows}


def test_the_done_when_flow(tmp_path: Path, start_server: Callable[..., Server]) -> None:
    bank = str(tmp_path / "bank.sqlite3")
    token = add_facilitator(bank, "Fay")
    server = start_server(bank)
    fay = Machine(tmp_path, "fay")
    fay.run("login", server.url, stdin=token + "\n")
    codes_csv = tmp_path / "codes.csv"
    fay.run("cohort", "create", "Team A", "--story", "first-week", "--invite", "6",
            "-o", str(codes_csv))
    rows = [line.split(",") for line in codes_csv.read_text().splitlines()[1:]]
    codes = [r[2] for r in rows]
    assert len(codes) == 6 and len(set(codes)) == 6
    other = fay.run("cohort", "create", "Team B", "--server", server.url, "--story",
                    "first-week", "--invite", "1").stdout.split()
    assert len(other) == 1

    learners = {}
    for (name, *_), code in zip(WRITERS, codes, strict=False):
        learners[name] = m = Machine(tmp_path, name)
        m.run("join", server.url, code, "--name", name)
    for name, text, vis, anon in WRITERS:
        m = learners[name]
        out = m.run("play", "first-week", "--plain", stdin=play_input(text, vis, anon), ok=False)
        assert out.returncode == 3, out.stderr
        assert "2 cohort: your cohort: 4 people and your facilitator (Fay)" in out.stdout
    outsider = Machine(tmp_path, "Oscar")
    outsider.run("join", server.url, other[0], "--name", "Oscar")

    # the learners never hold database credentials; their login is theirs alone
    for m in [*learners.values(), outsider, fay]:
        path = Path(m.env["CROSSROADS_CONFIG"]) / "login.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text()
        assert "sqlite" not in text and "postgres" not in text and bank not in text
        assert set(json.loads(text)) == {"url", "token", "role", "id", "name", "cohort",
                                         "cohort_name"}

    everyone = {"Alpha", "Bravo", "Charlie", "Delta", "Echo"}
    expected = {
        "Alpha": everyone,
        "Bravo": everyone - {"Alpha"},
        "Delta": everyone - {"Alpha"},
        "fay": everyone - {"Alpha"},
        "Oscar": {"Charlie", "Echo"},
    }
    readers = {**learners, "fay": fay, "Oscar": outsider}
    for who, want in expected.items():
        m = readers[who]
        found = m.json("bank", "search", "walrus", "--json", "--limit", "50")
        assert _texts(found) == want, who
        for r in found:  # nobody but its author learns who wrote an anonymous one
            first = r["text"].split()[0]
            if first in ("Delta", "Echo"):
                assert r["author"] is None
                assert len(r["created"]) == 10 or r["mine"], (who, r)
        if who == "Oscar":
            out = m.run("themes", "Team A", "--json", ok=False)
            assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1
            out = m.run("cohort", "Team A", "--json", ok=False)
            assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1
            out = m.run("report", "Team A", "--json", ok=False)
            assert out.returncode != 0 and "Traceback" not in out.stderr
            continue
        themes = m.json("themes", "Team A", "--json")
        quoted = json.dumps(themes)
        assert themes["total"] == len(want), who
        if "Alpha" not in want:
            assert "Alpha remembers" not in quoted
        report = m.run("report", "Team A", "--json").stdout
        assert "walrus" not in report  # aggregates only, never text
        assert json.loads(report)["story_id"] == "first-week"
        view = m.json("cohort", "Team A", "--json")
        assert "Alpha remembers" not in json.dumps(view)
        statements = m.json("export", "xapi", "Team A")
        ids = {learners[n].login["id"] for n in learners}
        actors = {s["actor"]["account"]["name"] for s in statements}
        assert {s["actor"]["account"]["homePage"] for s in statements} == {server.url}
        assert actors <= ids and len(actors) == 5, who
        assert "Alpha remembers" not in json.dumps(statements)

    # a revoked code cannot join: one line, non-zero
    seat = rows[5][1]
    fay.run("cohort", "revoke", "--invitation", seat)
    late = Machine(tmp_path, "Late")
    out = late.run("join", server.url, codes[5], ok=False)
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1 and "code" in out.stderr
    assert not (Path(late.env["CROSSROADS_CONFIG"]) / "login.json").exists()

    # forget-me erases Bravo's records; the others no longer see them
    learners["Bravo"].run("forget-me", "--yes")
    assert "Bravo" not in _texts(fay.json("bank", "search", "walrus", "--json"))
    assert not (Path(learners["Bravo"].env["CROSSROADS_CONFIG"]) / "login.json").exists()


def test_a_learner_plays_through_an_outage(tmp_path: Path,
                                           start_server: Callable[..., Server]) -> None:
    bank = str(tmp_path / "bank.sqlite3")
    token = add_facilitator(bank, "Fay")
    server = start_server(bank)
    fay = Machine(tmp_path, "fay")
    fay.run("login", server.url, stdin=token + "\n")
    code = fay.run("cohort", "create", "Team", "--story", "first-week", "--invite", "1").stdout
    ana = Machine(tmp_path, "Ana")
    ana.run("join", server.url, code.strip(), "--name", "Ana")
    proc = subprocess.Popen([sys.executable, "-m", "crossroads", "play", "first-week",
                             "--plain"], cwd=ROOT, env=ana.env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write("1\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while "(saved)" not in proc.stderr.readline():  # the first choice reached the server
        assert time.monotonic() < deadline
    server.stop()  # the server goes away mid-play
    rest, err = proc.communicate(f"1\nAna {STORY}\n\n2\nn\nn\n", timeout=120)
    assert proc.returncode == 3, err
    assert "the cohort server cannot be reached" in err, (rest, err)
    journal = list((Path(ana.env["CROSSROADS_HOME"]) / "journal").glob("*.jsonl"))
    assert journal and any(p.stat().st_size for p in journal)

    again = start_server(bank, server.port)  # back on the same address
    ana.run("play", "first-week", "--plain", "--resume", ok=False)  # opens: sends the journal
    assert not any(p.stat().st_size for p in journal)
    fay_token = token
    with httpx.Client(base_url=again.url, headers={"Authorization": f"Bearer {fay_token}"},
                      timeout=30) as c:
        cohort = c.get("/api/cohorts").json()[0]["id"]
        paths = c.get(f"/api/cohorts/{cohort}/paths").json()
        found = c.get("/api/reflections", params={"q": "walrus"}).json()
    assert len(paths) == 1 and len(paths[0]["steps"]) == 2  # each choice there once
    assert [r["text"] for r in found] == [f"Ana {STORY}"]
