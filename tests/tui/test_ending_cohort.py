"""After an ending played in a cohort, the ending screen opens the cohort view."""

from __future__ import annotations

from pathlib import Path

from crossroads.engine.bank import open_session_store
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.screens.cohort import CohortScreen
from crossroads.tui.screens.ending import EndingScreen
from tests.tui.helpers import ending_paths, first_week
from tests.tui.test_app import SIZE, play_path


async def _play_to_ending(app: CrossroadsApp, path: list[int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_path(pilot, app, path, "I remember my first lead.")
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("c")
        await pilot.pause()
        app.result = app.screen  # type: ignore[attr-defined]


async def test_cohort_button_opens_the_cohort_view(tmp_path: Path) -> None:
    story = first_week()
    path = ending_paths(story)["carried"]
    bank = str(tmp_path / "bank.sqlite3")
    store = open_session_store(bank, "TEAM5")
    app = CrossroadsApp(story=story, learner="ann", store=store, reader=store, cohort="TEAM5",
                        bank=bank)
    await _play_to_ending(app, path)
    assert isinstance(app.result, CohortScreen)  # type: ignore[attr-defined]
    assert app.result.cohort_code == "TEAM5"  # type: ignore[attr-defined]


async def test_without_a_cohort_there_is_no_cohort_button(tmp_path: Path) -> None:
    story = first_week()
    path = ending_paths(story)["carried"]
    store = open_session_store(str(tmp_path / "bank.sqlite3"), None)
    app = CrossroadsApp(story=story, learner="ann", store=store, reader=store)
    await _play_to_ending(app, path)
    assert isinstance(app.result, EndingScreen)  # type: ignore[attr-defined]
    assert not app.result.query("#cohort")  # type: ignore[attr-defined]
