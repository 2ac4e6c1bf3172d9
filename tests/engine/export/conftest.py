"""Fixtures of the export tests: a cohort of five in a bank, a real Ralph LRS, Chromium.

Ralph lives in a venv of its own (``.ci/setup-ralph.sh``; ``CROSSROADS_RALPH_VENV`` points at
it) and Chromium comes from Debian (``.ci/setup-chromium.sh``). Without them the tests that need
them skip with the reason, unless ``CROSSROADS_REQUIRE_RALPH=1`` / ``CROSSROADS_REQUIRE_BROWSER=1``
(CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.model import Story
from tests.engine.cohort_world import play_cohort

RALPH_USER = ("crossroads", "not-a-secret")
RALPH_HOME = "https://crossroads.invalid"


@dataclass
class Five:
    """A bank (file) where the five of the cohort played the test story."""

    bank: Bank
    story: Story
    path: Path


@pytest.fixture
def five(tmp_path: Path) -> Iterator[Five]:
    """The cohort of five, played through the runtime and the bank's session store."""
    path = tmp_path / "bank.sqlite3"
    bank = open_bank(str(path))
    story = play_cohort(bank)
    yield Five(bank, story, path)
    bank.close()


def _need(env_require: str, reason: str) -> None:
    if os.environ.get(env_require) == "1":
        pytest.fail(f"{env_require}=1 but {reason}")
    pytest.skip(reason)


def ralph_python() -> Path:
    """The Ralph venv's python; skip (or fail when required) without it."""
    venv = os.environ.get("CROSSROADS_RALPH_VENV", "")
    for candidate in ([Path(venv)] if venv else []) + [Path("/tmp/ralph-venv")]:
        if (candidate / "bin" / "ralph").exists():
            return candidate / "bin" / "python"
    _need("CROSSROADS_REQUIRE_RALPH",
          "Ralph is not installed: run `eval \"$(bash .ci/setup-ralph.sh)\"` "
          "(sets CROSSROADS_RALPH_VENV)")
    raise AssertionError("unreachable")


def chromium() -> str:
    """The Chromium binary; skip (or fail when required) without it."""
    found = os.environ.get("CROSSROADS_CHROMIUM") or next(
        (p for name in ("chromium", "chromium-browser", "google-chrome")
         if (p := shutil.which(name))), None)
    if not found:
        _need("CROSSROADS_REQUIRE_BROWSER",
              "headless Chromium is not installed (apt-get install chromium, or "
              "`eval \"$(bash .ci/setup-chromium.sh)\"`)")
    assert found is not None
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ralph_lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Ralph LRS (file-system backend) on a free loopback port; its base URL."""
    python = ralph_python()
    ralph = python.parent / "ralph"
    home = tmp_path_factory.mktemp("ralph")
    (home / "app").mkdir()
    (home / "data").mkdir()
    env = {**os.environ, "RALPH_APP_DIR": str(home / "app"), "RALPH_RUNSERVER_BACKEND": "fs"}
    subprocess.run(
        [str(ralph), "auth", "-u", RALPH_USER[0], "-p", RALPH_USER[1], "-s", "all",
         "-A", RALPH_USER[0], RALPH_HOME, "-w"],
        env=env, check=True, capture_output=True, timeout=60,
    )
    port = _free_port()
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(ralph), "runserver", "-b", "fs", "--fs-default-directory-path",
         str(home / "data"), "-h", "127.0.0.1", "-p", str(port)],
        env=env, cwd=home / "data", stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its reloader and worker form one process group to stop
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/__heartbeat__", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = (home / "server.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"the Ralph LRS did not start:\n{tail}")
                time.sleep(0.2)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
