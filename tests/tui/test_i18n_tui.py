"""The full-screen player in Spanish: the picker, the play screen, a reflection, the help and
resume dialogs (the story's own words stay as written), and two Spanish screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, OptionList, RadioButton, Static, TextArea

from crossroads.engine.saves import FileSessionStore
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.i18n import set_ui_language
from crossroads.tui.screens.dialogs import HelpScreen, ResumeScreen
from crossroads.tui.screens.picker import PickerScreen
from crossroads.tui.screens.play import PlayScreen
from crossroads.tui.screens.reflection import ReflectionScreen
from tests.tui.helpers import FIRST_WEEK, first_week

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def spanish() -> None:
    """The UI in Spanish for this test (conftest puts it back in English for the next)."""
    set_ui_language("es")


def text(widget: Static) -> str:
    return str(widget.render())


def footer_descriptions(app: CrossroadsApp) -> set[str]:
    return {active.binding.description for active in app.screen.active_bindings.values()}


def picker_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "first-week.yaml").write_text(FIRST_WEEK.read_text())
    (folder / "broken.yaml").write_text("format: crossroads/1\n")
    return folder


async def test_the_picker_and_the_play_screen_in_spanish(tmp_path: Path) -> None:
    app = CrossroadsApp(folders=[picker_folder(tmp_path)], learner="ana",
                        store=FileSessionStore())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        heading = text(picker.query_one("#picker-heading", Static))
        assert heading == "Elige una historia para vivirla"
        assert text(picker.query_one("#picker-broken", Static)).startswith(
            "Se omitió 1 archivo de historia con errores: broken.yaml")
        line = str(picker.query_one(OptionList).get_option_at_index(0).prompt)
        assert "The First Week" in line  # the story's title and summary as written
        assert "Eres Akira Johns, newly promoted manager · unos " in line
        assert "Advertencias de contenido: rumors of job cuts" in line
        assert "Ayuda" in footer_descriptions(app)
        assert [b.description for b in picker._bindings.key_to_bindings["enter"]] == ["Jugar"]

        await pilot.press("enter")
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen)
        who = text(play.query_one("#pov-who", Static))
        assert who == "Eres Akira Johns, newly promoted manager"
        assert text(play.query_one("#pov-status", Static)) == "The First Week · aún sin guardar"
        assert text(play.query_one("#transition", Static)).startswith("Advertencia de contenido: ")
        choices = play.query_one("#choices", OptionList)
        assert "Book fifteen minutes" in str(choices.get_option_at_index(0).prompt)
        assert {"Indicadores", "Ayuda", "Tema"} <= footer_descriptions(app)
        palette = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert palette["Ayuda"] == "Mostrar las teclas (F1)"  # ours
        assert palette["Salir"] == "Salir de la aplicación cuanto antes"  # Textual's own
        assert "paleta" in footer_descriptions(app)

        await pilot.press("1")
        await pilot.pause()
        assert text(play.query_one("#pov-status", Static)) == "The First Week · guardado ✓"
        await pilot.press("1")
        await pilot.pause()
        assert text(play.query_one("#transition", Static)).startswith(
            "⟶ Ahora eres Dana Ruiz, analyst")
        gate = str(play.query_one("#choices", OptionList).get_option_at_index(0).prompt)
        assert gate.endswith("Detente a reflexionar sobre este momento…")

        await pilot.press("1")
        await pilot.pause()
        reflection = app.screen
        assert isinstance(reflection, ReflectionScreen)
        assert text(reflection.query_one("#reflection-heading", Static)) == "Reflexión"
        assert text(reflection.query_one("#reflection-words", Static)) == "0 palabras"
        assert [str(b.label) for b in reflection.query(RadioButton)] == ["Privada", "Todos"]
        assert str(reflection.query_one(Checkbox).label) == "De forma anónima"
        assert str(reflection.query_one("#submit", Button).label) == "Enviar (ctrl+s)"
        assert str(reflection.query_one("#skip", Button).label) == "Omitir (esc)"
        reflection.query_one(TextArea).insert("Mi primera jefa me escuchó")
        await pilot.pause()
        assert text(reflection.query_one("#reflection-words", Static)) == "5 palabras"

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(text(s) for s in app.screen.query(Static))
        assert "Crossroads — teclas" in shown and "elegir una opción" in shown


async def test_the_resume_dialog_in_spanish() -> None:
    store = FileSessionStore()
    app = CrossroadsApp(story=first_week(), learner="ana", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1")
        await pilot.pause()
    again = CrossroadsApp(story=first_week(), learner="ana", store=store)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = again.screen
        assert isinstance(dialog, ResumeScreen)
        assert dialog.message.startswith(
            "Tienes una partida guardada de The First Week: 2 decisiones tomadas, en «")
        labels = [str(b.label) for b in dialog.query(Button)]
        assert labels == ["Reanudar (r)", "Empezar de nuevo (n)"]
        assert {"Reanudar", "Empezar de nuevo"} <= footer_descriptions(again)


async def still(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query("TextArea, Input"):
        assert isinstance(widget, TextArea | Input)
        widget.cursor_blink = False
    await pilot.pause()


def test_picker_snapshot_in_spanish(snap_compare: Any, tmp_path: Path) -> None:
    app = CrossroadsApp(folders=[picker_folder(tmp_path)], learner="ann", theme="textual-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=still)


def test_reflection_snapshot_in_spanish(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("3", "1", "1")
        await pilot.pause()
        pilot.app.screen.query_one(TextArea).insert("Mi primera jefa me preguntó.")
        await still(pilot)

    app = CrossroadsApp(story=first_week(), learner="ann", theme="textual-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
