"""`crossroads play STORY --from SCENE --set …`: an author's test, in --plain and full screen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.runtime import Session
from crossroads.tui import flow
from crossroads.tui.author_play import author_app, author_session, parse_state
from crossroads.tui.screens.play import PlayScreen
from tests.conftest import ROOT
from tests.tui.helpers import first_week


def _play(args: list[str], answers: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROSSROADS_HOME": str(home)}
    env.pop("CROSSROADS_BANK", None)
    return subprocess.run(
        [sys.executable, "-m", "crossroads", "play", "first-week", "--plain", *args],
        input=answers, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )


def _files(home: Path) -> list[Path]:
    """Files in the data folder, but the cache of stories known valid (not a record)."""
    return sorted(p for p in home.rglob("*") if p.is_file() and "cache" not in p.parts)


def test_plain_plays_from_a_scene_with_the_state_given(crossroads_home: Path) -> None:
    before = _files(crossroads_home)
    done = _play(["--from", "leads", "--set", "trust=60,asked_leads"], "1\n1\n", crossroads_home)
    assert done.returncode == 3, done.stderr  # input ended before an ending
    lines = done.stdout.splitlines()
    assert lines[0] == ("Author's test: from scene 'leads' with trust=60, asked_leads. "
                        "Nothing is saved or recorded.")
    assert "Monday, 2:00 p.m." in done.stdout  # the scene asked for, not the start
    assert "Monday, 8:02" not in done.stdout
    assert "Priya stopped by your desk" in done.stdout  # {if asked_leads} holds
    assert "(saved)" not in done.stderr
    assert "nothing was saved" in done.stderr
    assert "Traceback" not in done.stderr
    assert _files(crossroads_home) == before  # no save, no bank


def test_plain_test_reaches_an_ending_and_shows_the_path(crossroads_home: Path) -> None:
    state = "voices=80,trust=55,honest,wrote_question"  # the good ending's assumptions
    done = _play(["--from", "friday", "--set", state], "\n1\n", crossroads_home)
    assert done.returncode == 0, done.stderr
    assert "The team starts listening for you" in done.stdout
    assert _files(crossroads_home) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "nowhere"], "--from: 'nowhere' is not a scene of this story"),
        (["--set", "trsut=5"], "--set: 'trsut' is not a meter of this story (did you mean "
                               "'trust'?)"),
        (["--set", "asked_lead"], "--set: 'asked_lead' is not a flag of this story (did you "
                                  "mean 'asked_leads'?)"),
        (["--set", "trust=lots"], "--set: trust='lots' is not a whole number"),
        (["--set", "trust=101"], "--set: trust=101 is outside 0..100"),
        (["--set", "trust"], "--set: 'trust' is a meter: give it a value"),
    ],
)
def test_unknown_names_and_bad_values_are_one_line_errors(
    args: list[str], message: str, crossroads_home: Path
) -> None:
    done = _play(args, "", crossroads_home)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(message)
    assert done.stdout == ""


def test_session_at_replays_from_where_it_began() -> None:
    story = first_week()
    session = Session.at(story, "leads", {"trust": 60}, {"asked_leads"}, "ann")
    assert (session.scene, session.meters["trust"], session.flags) == ("leads", 60,
                                                                       {"asked_leads"})
    session.choose(0)
    entries = flow.path_taken(session)
    assert [e.scene for e in entries] == ["leads"]
    assert session.restarted().meters == session.began_with[0]  # type: ignore[index]
    assert flow.meter_history(session)["trust"][1] == session.meters["trust"]


def test_parse_state_reads_meters_and_flags() -> None:
    assert parse_state(first_week(), " trust = 60 , asked_leads,,time=0") == (
        {"trust": 60, "time": 0}, {"asked_leads"})
    with pytest.raises(UsageError):
        author_session(first_week(), "leads", "voices=-1", "ann")


async def test_full_screen_marks_the_test_and_starts_at_the_scene() -> None:
    session = author_session(first_week(), "leads", "trust=60,asked_leads", "ann")
    app = author_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Monday, 2:00 p.m." in shown
        notes = [n.message for n in app._notifications]
        assert any(m.startswith("Author's test: from scene 'leads'") for m in notes)
        assert app.sub_title.startswith("Author's test")
