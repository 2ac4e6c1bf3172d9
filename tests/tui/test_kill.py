"""``kill -9`` in the middle of a session loses nothing the player reported as saved."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from crossroads.engine.bank import open_session_store
from crossroads.engine.runtime import Session
from tests.tui.helpers import FIRST_WEEK, ROOT, first_week

CMD = [sys.executable, "-m", "crossroads", "play", str(FIRST_WEEK), "--plain", "--as", "kim"]


def _lines(stream: IO[str], out: queue.Queue[str]) -> None:
    for line in stream:
        out.put(line)


def _wait_for(lines: queue.Queue[str], text: str, seen: list[str]) -> None:
    while True:
        line = lines.get(timeout=30)
        seen.append(line)
        if text in line:
            return


def test_kill_9_then_resume(crossroads_home: Path) -> None:
    env = {**os.environ, "CROSSROADS_HOME": str(crossroads_home)}
    proc = subprocess.Popen(
        CMD, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdin is not None and proc.stderr is not None
    errs: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stderr, errs), daemon=True).start()
    seen: list[str] = []
    try:
        for answer in ("2", "1", "1"):
            proc.stdin.write(answer + "\n")
            proc.stdin.flush()
            _wait_for(errs, "(saved)", seen)
        proc.stdin.write("My manager's manager remembered my name.\n")  # reflection, unfinished
        proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    story = first_week()
    saved = open_session_store().load(story, "kim")  # the bank is the durable record
    expected = Session.replay(story, [1, 0, 0], "kim")
    assert saved is not None
    assert (saved.scene, saved.meters, saved.flags, saved.visits) == (
        expected.scene, expected.meters, expected.flags, expected.visits
    )

    done = subprocess.run(
        [*CMD, "--resume"], cwd=ROOT, env=env, input="It helped.\n\n\n\n1\n", capture_output=True,
        text=True, timeout=60,
    )
    assert done.returncode == 3, done.stderr  # input ended before an ending (saved)
    assert "Resuming where you left off." in done.stderr
    assert "\nThursday, 9:15 a.m.\n" in done.stdout and "Reflection:" in done.stdout
    resumed = open_session_store().load(story, "kim")
    assert resumed is not None and resumed.choices_made == [1, 0, 0, 0]
    assert resumed.reflections()[0]["text"] == "It helped."
