"""The web player under test: ``crossroads serve --web`` in a subprocess, a cohort with codes,
and headless system Chromium driven by Playwright (never a downloaded browser).

The page's terminal is xterm.js drawing on a canvas; the page exposes it as
``window.crossroadsTerminal``, whose buffer gives the screen's text.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine.export.conftest import _need, chromium
from tests.server.conftest import ROOT, Server, add_facilitator

ARTIFACTS = ROOT / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

SCREEN_JS = """() => {
  const t = window.crossroadsTerminal;
  if (!t) return null;
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


class WebServer(Server):
    """``crossroads serve --web`` on a fresh SQLite bank, with a cohort playing first-week."""

    def __init__(self, tmp: Path, *, sessions: int = 30, idle_minutes: float = 20,
                 seats: int = 12) -> None:
        bank = str(tmp / "bank.sqlite3")
        token = add_facilitator(bank, "Fay Okafor")
        super().__init__(bank, tmp / "server.log", options=(
            "--web", "--web-sessions", str(sessions), "--web-idle", str(idle_minutes)),
            start_timeout=60)
        self.facilitator = self.client(token)
        made = self.facilitator.post("/api/cohorts", json={
            "name": "Team A", "invitations": seats, "stories": ["first-week"]})
        assert made.status_code == 201, made.text
        self.cohort = made.json()["id"]
        self.codes = [i["code"] for i in made.json()["invitations"]]

    def children(self) -> list[int]:
        """The pids of this server's player processes (its direct children)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self, grace: float = 20) -> None:
        """Stop the server; its player processes get longer to finish."""
        super().stop(grace)


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[WebServer]:
    """A fresh server with the web player; stopped after the test."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        _need("CROSSROADS_REQUIRE_BROWSER",
              "textual-serve is not installed (pip install -e .[dev])")
    server = WebServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless system Chromium through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("CROSSROADS_REQUIRE_BROWSER", "Playwright is not installed (pip install -e .[dev])")
        raise
    path = chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=FLAGS, headless=True)
        yield b
        b.close()


def screen(page: Any) -> str:
    """The text the page's terminal shows now."""
    return str(page.evaluate(SCREEN_JS) or "")


def wait_for(page: Any, *words: str, timeout: float = 60) -> str:
    """Wait until the terminal shows every one of ``words``; its text."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(page)
        if all(w in text for w in words):
            return text
        page.wait_for_timeout(100)
    raise AssertionError(f"the page never showed {words!r}; it shows:\n{text}")


def sign_in(page: Any, server: WebServer, code: str, name: str = "") -> None:
    """Open the player and sign in with ``code`` (and ``name``), keyboard only."""
    page.goto(server.url + "/play")
    wait_for(page, "Invitation code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")  # to the name field
    page.wait_for_timeout(500)
    if name:
        page.keyboard.type(name)
    page.keyboard.press("Enter")  # sign in
    wait_for(page, "Choose a story to live", "Fifteen to Eighty")  # the list, from its top


def open_first_week(page: Any) -> None:
    """Pick The First Week in the story list, keyboard only (down to it, then Enter)."""
    from crossroads.engine.paths import stories_dir
    from crossroads.tui.catalog import discover

    ids = [e.story.id for e in discover([stories_dir()]).entries]
    for key in ["ArrowDown"] * ids.index("first-week") + ["Enter"]:
        page.keyboard.press(key)


def play_to_ending(page: Any, words: str, limit: int = 60) -> list[str]:
    """Take the first choice until the ending screen, writing ``words`` at every reflection;
    the scene headings seen (the text of the line that starts each scene)."""
    seen: list[str] = []
    for _ in range(limit):
        page.wait_for_timeout(150)
        text = wait_for(page, "f1 Help")
        if "Your path" in text:
            return seen
        if "Submit (ctrl+s)" in text and "Reflection" in text:
            page.keyboard.type(words)
            wait_for(page, words)
            page.keyboard.press("Control+s")
            wait_for_gone(page, "Submit (ctrl+s)")
            continue
        if "1. " not in text:
            continue
        page.keyboard.press("1")
        wait_for_change(page, text)
        seen.append(text)
    raise AssertionError(f"no ending after {limit} steps:\n{screen(page)}")


def wait_for_gone(page: Any, words: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while words in screen(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"{words!r} stayed on screen:\n{screen(page)}")
        page.wait_for_timeout(100)


def wait_for_change(page: Any, before: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while screen(page) == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"a key changed nothing:\n{before}")
        page.wait_for_timeout(100)
