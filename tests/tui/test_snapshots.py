"""Screenshots of the picker, play, reflection and ending screens at 80×24 and 120×40.

Regenerate with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the report
before committing the new SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from crossroads.tui.app import CrossroadsApp
from crossroads.tui.screens.play import PlayScreen
from tests.tui.helpers import FIRST_WEEK, ending_paths, first_week

SIZES = [(80, 24), (120, 40)]


async def still(pilot: Pilot[Any]) -> None:
    """Stop blinking cursors so screenshots are stable."""
    await pilot.pause()
    for widget in pilot.app.screen.query("TextArea, Input"):
        assert isinstance(widget, TextArea | Input)
        widget.cursor_blink = False
    await pilot.pause()


def app_for(**kwargs: Any) -> CrossroadsApp:
    return CrossroadsApp(learner="ann", theme="textual-dark", **kwargs)


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare: Any, size: tuple[int, int], tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "first-week.yaml").write_text(FIRST_WEEK.read_text())
    (folder / "broken.yaml").write_text("format: crossroads/1\n")
    assert snap_compare(app_for(folders=[folder]), terminal_size=size, run_before=still)


@pytest.mark.parametrize("size", SIZES)
def test_play_after_a_change_of_point_of_view(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("2", "1", "1")
        await still(pilot)

    assert snap_compare(app_for(story=first_week()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reflection(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("3", "1", "1")
        await pilot.pause()
        pilot.app.screen.query_one(TextArea).insert("My first manager [bold]asked[/] me [/].")
        await still(pilot)

    assert snap_compare(app_for(story=first_week()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_ending(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        for index in [*ending_paths(first_week())["carried"], None]:
            screen = app.screen
            assert isinstance(screen, PlayScreen)
            if screen.player.pending() == "reflect":
                await pilot.press("1")
                await pilot.pause()
                app.screen.query_one(TextArea).insert("x")
                await pilot.press("ctrl+s")
                await pilot.pause()
            if index is not None:
                await pilot.press(str(index + 1))
                await pilot.pause()
        await pilot.press("1")
        await still(pilot)

    assert snap_compare(app_for(story=first_week()), terminal_size=size, run_before=run_before)
