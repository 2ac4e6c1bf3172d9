"""The full-screen player plays translations: ``play --lang`` and the picker's language key."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import OptionList

from crossroads.engine.loader import load_path
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.flow import in_language
from crossroads.tui.screens.picker import PickerScreen
from crossroads.tui.screens.play import PlayScreen
from tests.tui.helpers import FIRST_WEEK, ROOT
from tests.tui.test_app import SIZE, options, screen_text

FIXTURES = ROOT / "tests" / "engine" / "l10n" / "fixtures"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "stories"
    shutil.copytree(FIXTURES, folder)
    (folder / "first-week.yaml").write_text(FIRST_WEEK.read_text())  # no translations
    return folder


async def test_a_translation_plays_full_screen(tmp_path: Path) -> None:
    kettle = _folder(tmp_path) / "kettle.yaml"
    story = in_language(load_path(kettle), kettle, "es")
    app = CrossroadsApp(story=story, story_path=kettle, learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        shown = screen_text(app)
        assert "Ben está llenando la tetera. La confianza es 40." in shown
        assert "Lunes, 10:40" in shown
        assert "\n".join(options(app)).count("Preguntar a Ben cómo empezó la semana") == 1
        assert "No decir nada" in "\n".join(options(app)), options(app)
        assert app.screen.player.story.lang == "es"


async def test_the_picker_offers_a_storys_languages(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    app = CrossroadsApp(folders=[folder], learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        ol = app.screen.query_one(OptionList)
        prompts = [str(ol.get_option(str(i)).prompt) for i in range(2)]
        kettle = next(i for i, p in enumerate(prompts) if p.startswith("The Kettle"))
        assert "Language: as written (L: as written, es)" in prompts[kettle]
        assert "Language:" not in prompts[1 - kettle]  # First Week has no translation
        ol.highlighted = ol.get_option_index(str(kettle))
        await pilot.press("l")
        await pilot.pause()
        assert "Language: es (L: as written, es)" in str(ol.get_option(str(kettle)).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.story.lang == "es"
        assert "Ben está llenando la tetera" in screen_text(app)


async def test_play_lang_chooses_the_pickers_language(tmp_path: Path) -> None:
    app = CrossroadsApp(folders=[_folder(tmp_path)], learner="ann", lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert sum("Language: es (L: as written, es)" in p for p in prompts) == 1, prompts
