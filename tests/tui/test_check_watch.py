"""`crossroads check --watch`: a real process sees a saved edit and checks again; Ctrl+C ends it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import ROOT, STORIES


def _reader(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line.rstrip("\n"))


def _until(lines: queue.Queue[str], want: str, seen: list[str], timeout: float = 30) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if want in line:
            return line
    raise AssertionError(f"never printed {want!r}; printed:\n" + "\n".join(seen))


def test_watch_checks_again_on_save_and_ctrl_c_exits_0(tmp_path: Path) -> None:
    story = tmp_path / "first-week.yaml"
    text = (STORIES / "first-week.yaml").read_text()
    story.write_text(text)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crossroads", "check", "--watch", str(story)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        assert "0 errors" in _until(lines, "story file checked", seen)
        _until(lines, "Watching 1 story file", seen)
        story.write_text(text.replace("to: listening", "to: listenin"))
        _until(lines, "changed: first-week.yaml", seen)
        broken = _until(lines, "CR201", seen)
        assert "'listenin'" in broken and broken.startswith(f"{story}:")
        assert "2 errors" in _until(lines, "story file checked", seen)  # and CR203
        story.write_text(text)
        _until(lines, "changed: first-week.yaml", seen)
        assert "0 errors" in _until(lines, "story file checked", seen)
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    assert code == 0
    assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]


def test_watch_of_a_missing_path_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crossroads", "check", "--watch", str(tmp_path / "nope.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "nope.yaml" in done.stderr and "Traceback" not in done.stderr
