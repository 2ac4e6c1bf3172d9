"""``crossroads debrief COHORT`` through a real cohort server: the signed-in facilitator's guide
holds what the server lets them read of their cohort (never a private reflection, never another
cohort's), and a learner's token is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.engine.cohort_world import STORY_PATH
from tests.server.conftest import ROOT, Server, add_facilitator, batch, choice

PRIVATE = "my walrus-shaped secret"
OTHER = "the otter cohort crossed at dawn"
NAMED = "Sam knew the shortcut and showed me the way."
ANON = "An old hand walked the route with me before the storm."


def _reflection(text: str, visibility: str, anonymous: bool = False) -> dict[str, object]:
    return {"type": "reflection", "id": str(uuid.uuid4()), "scene": "river",
            "prompt": "crossing", "text": text, "visibility": visibility,
            "anonymous": anonymous, "at": None}


def _crossroads(tmp: Path, *args: str, stdin: str = "",
                token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CROSSROADS_TOKEN", "CROSSROADS_BANK")}
    env.update(CROSSROADS_HOME=str(tmp / "data"), CROSSROADS_CONFIG=str(tmp / "config"))
    if token is not None:
        env["CROSSROADS_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "crossroads", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_the_facilitator_prints_the_guide_through_the_server_and_a_learner_cannot(
    tmp_path: Path, start_server: object,
) -> None:
    bank = str(tmp_path / "bank.sqlite3")
    fay, gus = add_facilitator(bank, "Fay"), add_facilitator(bank, "Gus")
    server: Server = start_server(bank)  # type: ignore[operator]
    tokens: dict[str, str] = {}
    ids: dict[str, str] = {}
    for fac, name, learners in ((fay, "Team A", ["ana", "bo", "cy"]), (gus, "Team B", ["zed"])):
        with server.client(fac) as http:
            made = http.post("/api/cohorts", json={"name": name,
                                                   "invitations": len(learners)}).json()
        ids[name] = made["id"]
        with server.client() as http:
            for who, seat in zip(learners, made["invitations"], strict=True):
                joined = http.post("/api/join", json={"code": seat["code"],
                                                      "name": who.title()}).json()
                tokens[who] = joined["token"]
    plays = {
        "ana": ("river", [_reflection(NAMED, "cohort")]),
        "bo": ("river", [_reflection(PRIVATE, "private")]),
        "cy": ("hill", [_reflection(ANON, "bank", anonymous=True)]),
        "zed": ("river", [_reflection(OTHER, "cohort")]),
    }
    for who, (road, reflections) in plays.items():
        events = [choice("gate", road, road), *reflections]
        with server.client(tokens[who]) as http:
            r = http.post("/api/batches", json=batch(str(uuid.uuid4()), events,
                                                     story="crossing"))
            assert r.status_code == 200, r.text
    out = _crossroads(tmp_path, "login", server.url, stdin=fay + "\n")
    assert out.returncode == 0, out.stderr
    out = _crossroads(tmp_path, "debrief", "Team A", "--story", str(STORY_PATH), "--md", "-")
    assert out.returncode == 0, out.stderr
    guide = out.stdout
    assert "Cohort **Team A**" in guide and "3 learners took part" in guide
    assert NAMED in guide and "— Ana" in guide
    assert ANON in guide and "— anonymous" in guide and "— Cy" not in guide
    assert "walrus" not in guide and "otter" not in guide
    assert "| Take the river road | 2 |" in guide and "| Take the hill road" in guide
    # a learner's token is refused, in one line
    out = _crossroads(tmp_path, "debrief", "Team A", "--story", str(STORY_PATH), "--md", "-",
                      token=tokens["ana"])
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "signed in as a learner" in out.stderr, out.stderr
    assert "walrus" not in out.stdout and NAMED not in out.stdout
