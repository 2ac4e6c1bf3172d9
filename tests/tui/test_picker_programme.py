"""The picker shows what the learner's cohort programme has due (Textual Pilot, a real bank)."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from crossroads.engine.bank import BankSessionStore, open_bank
from crossroads.engine.bank.base import Batch, now
from crossroads.engine.paths import stories_dir
from crossroads.engine.programme_bank import local_cohort_id, set_programme
from crossroads.engine.programme_status import short_day
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.screens.picker import PickerScreen

SIZE = (100, 30)
TODAY = dt.date.today()


def _programme(first: dt.date, second: dt.date) -> str:
    return ("format: crossroads-programme/1\nsessions:\n"
            f"  - story: first-week\n    date: {first}\n"
            f"  - story: break-room\n    date: {second}\n    title: After the meeting\n")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "stories"
    out.mkdir()
    for sid in ("first-week", "break-room"):
        shutil.copy(stories_dir() / f"{sid}.yaml", out / f"{sid}.yaml")
    return out


def _bank(tmp_path: Path, programme: str | None, finished: list[str]) -> str:
    path = str(tmp_path / "bank.sqlite3")
    with open_bank(path) as bank:
        cohort = local_cohort_id(bank, "spring", create=True)
        if programme is not None:
            set_programme(bank, cohort, programme, "p.yaml", None)
        for story in finished:
            bank.write(Batch(str(uuid.uuid4()), "ana", "spring", story, "h", now(),
                             status="finished", finished=now()))
    return path


async def _picker(folder: Path, bank_path: str, cohort: str | None) -> tuple[str, list[str],
                                                                             bool]:
    store = BankSessionStore(open_bank(bank_path), cohort)
    app = CrossroadsApp(folders=[folder], learner="ana", store=store, cohort=cohort)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen)
            due = app.screen.query_one("#picker-due", Static)
            ol = app.screen.query_one(OptionList)
            rows = [str(ol.get_option(str(i)).prompt).splitlines()[0] for i in range(2)]
            return str(due.render()), rows, due.display
    finally:
        store.close()


async def test_the_next_session_is_due_and_its_row_marked(tmp_path: Path,
                                                          folder: Path) -> None:
    later = TODAY + dt.timedelta(days=5)
    bank = _bank(tmp_path, _programme(TODAY - dt.timedelta(days=9), later), ["first-week"])
    line, rows, shown = await _picker(folder, bank, "spring")
    assert shown
    assert line == f"Due by {short_day(later)}: After the meeting (session 2 of 2)"
    assert rows == ["The Break Room  ◆ due next", "The First Week  (finished)"]


async def test_an_overdue_session_says_so(tmp_path: Path, folder: Path) -> None:
    past = TODAY - dt.timedelta(days=3)
    bank = _bank(tmp_path, _programme(past, TODAY + dt.timedelta(days=11)), [])
    line, rows, shown = await _picker(folder, bank, "spring")
    assert shown
    assert line == f"Overdue since {short_day(past)}: The First Week (session 1 of 2)"
    assert rows == ["The Break Room", "The First Week  ◆ overdue"]


@pytest.mark.parametrize(("programme", "cohort", "finished"), [
    (None, "spring", []),                                   # a cohort without a programme
    (_programme(TODAY, TODAY + dt.timedelta(days=14)), None, []),  # not playing in a cohort
    (_programme(TODAY, TODAY + dt.timedelta(days=14)), "spring",
     ["first-week", "break-room"]),                         # every session done
])
async def test_nothing_is_shown_without_something_due(tmp_path: Path, folder: Path,
                                                      programme: str | None,
                                                      cohort: str | None,
                                                      finished: list[str]) -> None:
    bank = _bank(tmp_path, programme, finished)
    line, rows, shown = await _picker(folder, bank, cohort)
    assert not shown and line == ""
    assert not any("◆" in row for row in rows)


def test_the_plain_players_story_choice_shows_the_same_line(tmp_path: Path,
                                                           folder: Path) -> None:
    import os
    import subprocess
    import sys

    later = TODAY + dt.timedelta(days=5)
    bank = _bank(tmp_path, _programme(TODAY - dt.timedelta(days=9), later), ["first-week"])
    env = {**os.environ, "CROSSROADS_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-m", "crossroads", "play", str(folder), "--plain", "--bank", bank,
         "--cohort", "spring", "--as", "ana"], input="", capture_output=True, text=True,
        env=env, timeout=60, cwd=Path(__file__).resolve().parents[2])
    lines = out.stdout.splitlines()
    assert lines[0] == f"Due by {short_day(later)}: After the meeting (session 2 of 2)"
    assert lines[1].startswith("1. The Break Room  ◆ due next — ")
    assert next(x for x in lines if x.startswith("2.")).startswith("2. The First Week — ")
