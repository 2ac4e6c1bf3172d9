"""First Week in Spanish, full screen: the shipped translation and the Spanish UI together."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from crossroads.engine.loader import load_path
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.flow import in_language
from crossroads.tui.i18n import set_ui_language
from crossroads.tui.screens.picker import PickerScreen
from crossroads.tui.screens.play import PlayScreen
from crossroads.tui.screens.reflection import ReflectionScreen
from tests.tui.helpers import FIRST_WEEK
from tests.tui.test_app import SIZE, options, screen_text


@pytest.fixture(autouse=True)
def spanish() -> None:
    """The UI in Spanish, as ``play --lang es`` sets it (conftest puts English back after)."""
    set_ui_language("es")


def spanish_first_week(**kwargs: Any) -> CrossroadsApp:
    story = in_language(load_path(FIRST_WEEK), FIRST_WEEK, "es")
    return CrossroadsApp(story=story, story_path=FIRST_WEEK, learner="lucia", lang="es", **kwargs)


async def test_first_week_plays_in_spanish_full_screen() -> None:
    app = spanish_first_week()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.story.lang == "es"
        shown = screen_text(app)
        assert "Lunes, 8:02 a. m." in shown
        assert "Es lunes 6 de enero." in shown  # {fact.announcement_day}, translated
        assert "Confianza del equipo" in shown  # a meter's label
        assert "Monday" not in shown and "Team trust" not in shown
        assert options(app)[1].startswith("2. Preguntar a tus tres nuevos responsables"), \
            options(app)
        await pilot.press("2", "1", "1")  # the leads, ask Wen, the whole first session
        await pilot.pause()
        assert "Priya pasó por tu mesa" in screen_text(app)  # Dana now: {if asked_leads}
        await pilot.press("1")  # write the question down: then the reflection
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)  # Dana's reflection, in Spanish
        reflection = screen_text(app)
        assert "¿En qué momento alguien muy por encima de ti en una organización" in reflection
        assert "Reflexión" in reflection


async def test_the_picker_offers_first_week_in_spanish() -> None:
    from crossroads.engine.paths import stories_dir

    app = CrossroadsApp(folders=[stories_dir()], learner="lucia", lang="es")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        (line,) = [p for p in prompts if "Idioma:" in p]
        assert "La primera semana" in line or "The First Week" in line, line


def test_first_scene_snapshot_in_spanish(snap_compare: Any) -> None:
    async def still(pilot: Pilot[Any]) -> None:
        await pilot.pause()

    app = spanish_first_week(theme="textual-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=still)
