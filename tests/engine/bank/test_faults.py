"""Faults: many writers at once, a writer killed with SIGKILL, the server stopped mid-session."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank, open_session_store
from crossroads.engine.loader import load_path
from crossroads.engine.runtime import SAVE_VERSION, Session
from tests.conftest import ROOT, STORIES

pytestmark = pytest.mark.slow


def _writer(
    mode: str, url: str, name: str, n: int, go: Path | None = None
) -> subprocess.Popen[str]:
    env = dict(os.environ)
    if go is not None:
        env["CROSSROADS_TEST_GO"] = str(go)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.engine.bank.writer", mode, url, name, str(n)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_eight_processes_writing_at_once_lose_nothing(bank_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [_writer("raw", bank_url, f"writer{i}", 1000, go) for i in range(8)]
    for proc in procs:  # every writer has opened (and raced to create) the bank
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    go.touch()
    results = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0 and err == "", err
        assert out.splitlines()[-1].endswith(" 1000")
    with open_bank(bank_url) as bank:
        counts = bank.counts()
        assert (counts["steps"], counts["reflections"], counts["playthroughs"]) == (6400, 1600, 8)
        for pt in bank.playthroughs():
            events = bank.events(pt.id)
            assert len(events) == 1000
            assert [e["meters"]["m"] for e in events if e["type"] == "choice"] == [
                seq for seq in range(1000) if seq % 5 != 4
            ]
        assert len(bank.search("writer3", limit=1000)) == 200


def test_everything_reported_saved_survives_kill_9(bank_url: str) -> None:
    proc = _writer("play", bank_url, "ana", 1_000_000)
    assert proc.stdout is not None
    reported: dict[str, int] = {}  # playthrough -> events reported saved
    for _ in range(120):  # several playthroughs' worth of saves
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "writer died"
        _, pt, n = line.split()
        reported[pt] = int(n)
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    for line in out.splitlines():  # reports printed just before the kill count as well
        _, pt, n = line.split()
        reported[pt] = int(n)
    assert proc.returncode == -signal.SIGKILL
    story = load_path(STORIES / "first-week.yaml")
    with open_bank(bank_url) as bank:
        for pt, saved in reported.items():
            events = bank.events(pt)
            assert len(events) >= saved
            Session.from_json(story, {"version": SAVE_VERSION, "story": story.id,
                                      "story_hash": story.content_hash, "learner": "ana",
                                      "events": events})



@pytest.mark.postgres
def test_the_learner_plays_on_while_the_server_is_down(cluster: object) -> None:
    from tests.engine.bank.pgcluster import Cluster

    assert isinstance(cluster, Cluster)
    story = load_path(STORIES / "first-week.yaml")
    store = open_session_store(cluster.url, "night-shift")
    store.retry_after = 0  # try the server on every save
    session = Session.start(story, "ana")
    session.choose(session.options()[0].index)
    store.save(session)

    cluster.stop()
    played_offline = 0
    while not session.finished:
        if session.current.reflect and not session.answered_here("reflection"):
            session.reflect(f"written at {session.scene} while the server was down", "bank")
        else:
            session.choose(session.options()[-1].index)
        started = time.monotonic()
        store.save(session)  # never an error: the records wait in the journal
        assert time.monotonic() - started < 5
        played_offline += 1
    assert store.offline and played_offline >= 3
    assert len(store.journal.batches()) == played_offline
    assert store.shared_reflections(story.id, "first-week", "ana") == []

    cluster.start()
    assert store.flush() and not store.offline
    with open_bank(cluster.url) as bank:
        [pt] = bank.playthroughs()
        assert pt.status == "finished" and pt.cohort == "night-shift"
        assert bank.events(pt.id) == session.events
        assert len(bank.search("server", reader="ana")) == len(session.reflections())
    store.close()
