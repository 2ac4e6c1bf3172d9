"""Reflection after a choice, content notes and ``crossroads debrief``: full UI, --plain, CLI."""

from __future__ import annotations

import io
import subprocess
import sys

from textual.widgets import Static, TextArea

from crossroads.engine.loader import load_path
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.plain import PlainPlayer
from crossroads.tui.screens.play import PlayScreen
from crossroads.tui.screens.reflection import ReflectionScreen
from tests.conftest import FIXTURES, ROOT

STORY = FIXTURES / "teach" / "facilitated.yaml"
SIZE = (80, 24)


def test_plain_shows_notes_first_and_asks_the_choice_prompt_before_the_next_scene() -> None:
    out, err = io.StringIO(), io.StringIO()
    answers = "1\nI asked once.\n\n\n\nIt helped.\n\n\n\n"
    player = PlainPlayer(load_path(STORY), "ann", FileSessionStore(), io.StringIO(answers), out,
                         err)
    assert player.run() == 0
    text = out.getvalue()
    assert text.index("Content note: a layoff is discussed") < text.index("Sam looks worried.")
    first = text.index("Think of a time you asked someone what was wrong")
    assert text.index("Your choice") < first < text.index("Think of a time a question changed")


async def test_full_ui_shows_notes_and_asks_the_choice_prompt_right_after_the_choice() -> None:
    app = CrossroadsApp(story=load_path(STORY), learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        notes = screen.query_one("#transition", Static)
        assert notes.display and "Content note: a layoff is discussed" in str(notes.render())
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)  # no gate to pick: asked at once
        assert "asked someone what was wrong" in "\n".join(
            str(w.render()) for w in app.screen.query(Static))
        app.screen.query_one(TextArea).insert("I asked once.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        session = app.screen.player.session
        [event] = session.reflections()
        assert (event["prompt"], event["choice"], event["text"]) == ("after-ask", "#0",
                                                                   "I asked once.")
        assert app.screen.player.pending() == "reflect"  # now the ending scene's own prompt
        assert session.prompt is not None and session.prompt.id == "at-end"
        assert not app.screen.query_one("#transition", Static).display


def test_debrief_prints_the_facilitators_notes() -> None:
    done = subprocess.run([sys.executable, "-m", "crossroads", "debrief", str(STORY)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "A facilitated story (facilitated)"
    assert "  - Notice what people do not say" in lines
    assert "  2. 20 min: debrief in pairs" in lines
    k = lines.index("  after-ask: Think of a time you asked someone what was wrong. What happened?")
    assert lines[k + 1] == "    - What did you learn from asking?"


def test_debrief_of_a_broken_story_prints_its_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crossroads", "debrief",
         str(FIXTURES / "teach" / "contradiction" / "..." / "missing.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr and done.stderr.strip()
