"""The cohort view (Pilot and a snapshot) and the ``crossroads cohort`` command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.loader import load_path
from crossroads.engine.model import Story
from crossroads.tui.cli import main
from crossroads.tui.screens.cohort import CohortApp, CohortScreen
from crossroads.tui.widgets.cohort_split import SplitView
from tests.engine.cohort_world import COHORT, FIVE, STORY_PATH, Script, play_cohort


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Bank, Story, Path]]:
    """A bank where the five of the cohort played the test story."""
    path = tmp_path / "bank.sqlite3"
    bank = open_bank(str(path))
    story = play_cohort(bank)
    yield bank, story, path
    bank.close()


def _text(widget: Static) -> str:
    return str(widget.render())


async def loaded(pilot: Pilot[Any]) -> None:
    """Wait until the view has read the bank (in a worker) and shown what it read."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _split(app: App[Any], scene: str) -> SplitView:
    return next(v for v in app.screen.query(SplitView) if v.split.scene == scene)


async def test_the_splits_scene_by_scene_with_your_choice_marked(
    world: tuple[Bank, Story, Path]
) -> None:
    bank, story, _ = world
    app = CohortApp(bank, story, COHORT, "di")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        views = list(app.screen.query(SplitView))
        assert [v.split.scene for v in views] == ["gate", "river", "hill", "bridge", "together"]
        gate = _text(_split(app, "gate"))
        assert "5 learners" in gate and "60%" in gate and "40%" in gate
        hill_line = next(line for line in gate.splitlines() if "hill road" in line)
        assert "◆" in hill_line  # di went up the hill
        hill = _text(_split(app, "hill"))
        assert "split withheld" in hill and "%" not in hill
        assert "you: Wait for the ones behind" in hill  # your own choice is yours to see
        summary = _text(app.screen.query_one("#cohort-summary", Static))
        assert "5 of 5 finished (100%)" in summary and "yours: Mostly" in summary


async def test_completion_checkins_and_stories_shared_are_shown(
    world: tuple[Bank, Story, Path]
) -> None:
    bank, story, _ = world
    app = CohortApp(bank, story, COHORT, "di")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        facts = _text(app.screen.query_one("#cohort-facts", Static)).splitlines()
        assert facts[:2] == ["The cohort as a whole", "Completion: 5 of 5 finished (100%)"]
        checkins = [line for line in facts if line.startswith("Check-in")]
        assert checkins and any("change +1.67 a learner" in line for line in checkins)
        shared = [line for line in facts if line.startswith("Shared at")]
        assert len(shared) == 2
        assert "2 stories shared, 1 kept private, 0 skipped" in shared[0]


async def test_a_cohort_mate_beside_you_with_where_you_parted(
    world: tuple[Bank, Story, Path]
) -> None:
    bank, story, _ = world
    app = CohortApp(bank, story, COHORT, "di")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        mates = app.screen.query_one("#cohort-mates", OptionList)
        assert [str(mates.get_option_at_index(i).prompt) for i in range(mates.option_count)] \
            == ["ana", "bo", "cy", "eve"]
        assert app.focused is mates
        await pilot.press("down", "down", "down")  # eve: also up the hill, then pushed on
        await pilot.pause()
        note = _text(app.screen.query_one("#cohort-compare-note", Static))
        assert "You and eve parted at Tuesday, the hill, after 1 choice alike." in note
        assert _split(app, "hill").has_class("-parted")
        assert not _split(app, "gate").has_class("-parted")
        mate_column = _text(app.screen.query_one("#cohort-mate", Static))
        assert "eve" in mate_column and "Push on to the top" in mate_column
        assert "Alone" in mate_column
        await pilot.press("up", "up", "up")  # ana: parted at the gate
        await pilot.pause()
        assert _split(app, "gate").has_class("-parted")
        gate = _text(_split(app, "gate"))
        river_line = next(line for line in gate.splitlines() if "river road" in line)
        assert "○" in river_line
        await pilot.press("escape")
        await pilot.pause()
        assert not any(v.has_class("-parted") for v in app.screen.query(SplitView))
        assert "○" not in _text(_split(app, "gate"))


async def test_who_did_not_play_in_the_cohort_sees_no_paths(
    world: tuple[Bank, Story, Path]
) -> None:
    bank, story, _ = world
    app = CohortApp(bank, story, COHORT, "facilitator")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert not app.screen.query("#cohort-mates")
        note = _text(app.screen.query_one("#cohort-mates-note", Static))
        assert "Play it in the cohort to compare" in note
        assert "◆" not in "".join(_text(v) for v in app.screen.query(SplitView))
        assert "60%" in _text(_split(app, "gate"))  # the aggregates are still there


async def test_names_and_labels_are_never_markup(tmp_path: Path) -> None:
    bank = open_bank(str(tmp_path / "b.sqlite3"))
    evil = ("[bold]x[/]", "[@click=app.quit]q[/]", "[/]")
    scripts = tuple(Script(name, s.keys, s.checkins) for name, s in zip(evil, FIVE, strict=False))
    story = play_cohort(bank, scripts=(*scripts, Script("me", ("hill", "push"))))
    try:
        app = CohortApp(bank, story, COHORT, "me")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            mates = app.screen.query_one("#cohort-mates", OptionList)
            prompts = {str(mates.get_option_at_index(i).prompt)
                       for i in range(mates.option_count)}
            assert prompts == set(evil)
            for _ in evil:
                await pilot.press("down")
                await pilot.pause()
            assert app.is_running  # no MarkupError, no live [@click] action
            gate = _text(_split(app, "gate"))
            assert "[bold]fast[/]" in gate  # an author's label shown literally
    finally:
        bank.close()


async def test_the_screen_can_be_pushed_from_another_app_and_closed(
    world: tuple[Bank, Story, Path]
) -> None:
    _, story, path = world

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("host", id="host")

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        # the player pushes it with its bank location (the screen opens and closes it)
        await app.push_screen(CohortScreen(str(path), story, COHORT, "ana"))
        await loaded(pilot)
        assert app.screen.query(SplitView)  # read from the bank the screen opened
        assert isinstance(app.screen, CohortScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, CohortScreen) and app.is_running


@pytest.mark.parametrize("where", ["unreachable", "not-a-bank", "no-folder"])
async def test_a_bank_that_cannot_be_opened_is_a_notice_not_a_crash(
    where: str, tmp_path: Path
) -> None:
    """The player's ending screen pushes the view with a bank location; reading it fails."""
    location = {
        "unreachable": "postgresql://nobody@127.0.0.1:1/none",  # nothing listens on port 1
        "not-a-bank": str(tmp_path / "garbage.sqlite3"),
        "no-folder": str(tmp_path / "missing" / "bank.sqlite3"),
    }[where]
    (tmp_path / "garbage.sqlite3").write_text("not a database\n" * 200)
    story = load_path(STORY_PATH)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("host", id="host")

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = CohortScreen(location, story, COHORT, "ana")
        await app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and app.screen is screen
        assert not screen.loaded and screen.problem
        summary = _text(screen.query_one("#cohort-summary", Static))
        assert summary.startswith("The cohort's paths could not be read: ")
        notices = [n.message for n in app._notifications]
        assert any(n.startswith("Could not read the cohort's paths") for n in notices)
        await pilot.press("escape", "tab", "q")  # the keys still work on the empty view
        await pilot.pause()
        assert not isinstance(app.screen, CohortScreen) and app.is_running
    assert app.return_code in (None, 0)


def test_cohort_json_shows_paths_and_where_they_parted(
    world: tuple[Bank, Story, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, path = world
    code = main(["cohort", COHORT, str(STORY_PATH), "--bank", str(path), "--as", "di",
                 "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["me"]["scenes"] == ["gate", "hill", "bridge", "mixed"]
    assert [m["learner"] for m in out["mates"]] == ["ana", "bo", "cy", "eve"]
    assert out["parted"]["eve"] == {"alike": 1, "scene": "hill"}
    assert out["parted"]["ana"] == {"alike": 0, "scene": "gate"}
    gate = out["report"]["scenes"][0]
    assert {c["key"]: c["count"] for c in gate["choices"]} == {"river": 3, "hill": 2}


def test_cohort_command_errors_are_one_line(
    world: tuple[Bank, Story, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, path = world
    assert main(["cohort", "nope", "--bank", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"no cohort with the code 'nope' in the story bank {path} "
        "(see 'crossroads bank list cohorts')")
    # the cohort played a story that is not shipped: ask for its file
    assert main(["cohort", COHORT, "--bank", str(path), "--json"]) == 2
    assert "give the story's file instead" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["cohort", COHORT, "--bank", str(path), "--min-group", "1"])
    assert exc.value.code == 2
    assert "raised, not lowered" in capsys.readouterr().err


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
def test_cohort_view_snapshot(snap_compare: Any, size: tuple[int, int],
                              world: tuple[Bank, Story, Path]) -> None:
    bank, story, _ = world

    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("down", "down", "down")  # compare with eve
        await pilot.pause()

    assert snap_compare(CohortApp(bank, story, COHORT, "di"), terminal_size=size,
                        run_before=run_before)
