"""The play screen: whose shoes you are in, the passage, the meters, and what you can do."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from crossroads.engine.diagnostics import CrossroadsError
from crossroads.tui import flow
from crossroads.tui.i18n import N_, _, translate_bindings
from crossroads.tui.messages import EndingReached, ScreenReady
from crossroads.tui.widgets.choices import ChoiceList, Item
from crossroads.tui.widgets.meters import MetersPanel
from crossroads.tui.widgets.passage import Passage
from crossroads.tui.widgets.pov import PovBanner

if TYPE_CHECKING:
    from crossroads.engine.records import ReflectionReader
    from crossroads.tui.screens.reflection import ReflectionResult

GATE_TEXT = {
    "checkin": N_("Answer a short check-in (1–5) about yourself"),
    "reflect": N_("Pause and reflect on this moment…"),
    "ending": N_("See how your story ended"),
}


class PlayScreen(Screen[None]):
    """Plays one session; every record goes through :class:`crossroads.tui.flow.Player` (which
    saves)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)),
        Binding("m", "toggle_meters", N_("Meters")),
        Binding("o", "others", N_("Others' stories"), show=False),
    ]

    def __init__(
        self, player: flow.Player, reader: ReflectionReader | None = None, in_cohort: bool = False
    ) -> None:
        """Play ``player``'s session; ``reader`` serves others' shared reflections (None: none
        offered); ``in_cohort``: the story is played in a cohort (its reflections may be shared
        with the cohort)."""
        super().__init__()
        translate_bindings(self)
        self.player = player
        self.reader = reader
        self.in_cohort = in_cohort
        self.items: list[Item] = []
        self.shown_at = time.monotonic()
        self.saved = player.saves > 0 or bool(player.session.events)
        """A resumed session came from the store, so it is saved."""

    def compose(self) -> ComposeResult:
        """Banner, passage (with the meters beside it), choices, footer."""
        yield PovBanner()
        with Horizontal(id="play-body"):
            with VerticalScroll(id="passage-scroll"):
                yield Static(id="transition", markup=False)
                yield Static(id="scene-title", markup=False)
                yield Passage(id="passage")
            yield MetersPanel(id="meters")
        yield ChoiceList(id="choices")
        yield Footer()

    def on_mount(self) -> None:
        """Show the current scene."""
        meters = self.query_one(MetersPanel)
        meters.display = self.player.story.show_meters and bool(self.player.story.meters)
        self.show_scene()
        self.post_message(ScreenReady())

    # ------------------------------------------------------------------ drawing
    def show_scene(self) -> None:
        """Redraw everything for the session's current scene and state."""
        s = self.player.session
        self.query_one(PovBanner).show(
            flow.pov_text(s),
            s.story.title,
            self.saved,
            offline=bool(getattr(self.player.store, "offline", False)),
        )
        transition = self.query_one("#transition", Static)
        member = s.pov_member
        if member is not None and flow.pov_changed(s):
            about = f"\n{member.about}" if member.about else ""
            now = _("You are now {who}.").format(who=flow.pov_text(s))
            transition.update(Content(f"⟶ {now}{about}"))
            transition.display = True
        elif not s.steps and s.story.content_notes:  # before the first scene
            notes = "\n".join(_("Content note: {note}").format(note=note)
                              for note in s.story.content_notes)
            transition.update(Content(notes))
            transition.display = True
        else:
            transition.display = False
        title = self.query_one("#scene-title", Static)
        title.update(Content(s.current.title))
        title.display = bool(s.current.title)
        self.query_one(Passage).show(s.passage())
        self.query_one("#passage-scroll", VerticalScroll).scroll_home(animate=False)
        self.query_one(MetersPanel).show(s)
        self.items = self._items()
        choices = self.query_one(ChoiceList)
        choices.show(self.items)
        choices.focus()
        self.shown_at = time.monotonic()

    def _items(self) -> list[Item]:
        pending = self.player.pending()
        if pending != "choose":
            items = [Item("gate", _(GATE_TEXT[pending]))]
        else:
            items = [
                Item(f"choice:{o.index}", flow.choice_text(o), o.enabled)
                for o in self.player.session.options()
            ]
        if self._others_available():
            items.append(Item("others", _("Read others' stories at this moment (o)"),
                              numbered=False))
        return items

    def _others_available(self) -> bool:
        s = self.player.session
        return (
            self.reader is not None
            and s.current.reflect is not None
            and s.answered_at_scene("reflection")
        )

    # ------------------------------------------------------------------ actions
    def action_pick(self, n: int) -> None:
        """Pick the n-th numbered line of the choice list."""
        numbered = [item for item in self.items if item.numbered]
        if 1 <= n <= len(numbered) and numbered[n - 1].enabled:
            self.pick(numbered[n - 1].key)

    def action_toggle_meters(self) -> None:
        """Show or hide the meters (never shown when the story hides them)."""
        if self.player.story.show_meters and self.player.story.meters:
            meters = self.query_one(MetersPanel)
            meters.display = not meters.display

    def action_others(self) -> None:
        """Open the reflections others shared at this prompt."""
        if self._others_available():
            self.pick("others")

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.pick(event.option.id)

    def pick(self, key: str) -> None:
        """Act on a line of the choice list."""
        if key.startswith("choice:"):
            ms = int((time.monotonic() - self.shown_at) * 1000)
            self._record(lambda: self.player.choose(int(key.split(":", 1)[1]), ms))
            if self.player.session.choice_prompt is not None:
                self._open_gate()  # the choice's own prompt, before the next scene
        elif key == "others":
            self._open_others()
        elif key == "gate":
            self._open_gate()

    def _record(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except (CrossroadsError, OSError) as err:
            self.saved = False
            self.notify(_("Could not save: {problem}").format(problem=err), severity="error",
                        markup=False)
        else:
            self.saved = True
        self.show_scene()

    def _open_gate(self) -> None:
        pending = self.player.pending()
        s = self.player.session
        if pending == "checkin":
            from crossroads.tui.screens.checkin import CheckinScreen

            items = [(i.id, s.render(i.statement)) for i in s.current.checkin or []]
            self.app.push_screen(CheckinScreen(items), self._checked_in)
        elif pending == "reflect":
            from crossroads.tui.screens.reflection import ReflectionScreen

            prompt = s.prompt
            assert prompt is not None
            self.app.push_screen(
                ReflectionScreen(s.render(prompt.prompt), prompt.required, self.in_cohort,
                                 getattr(self.player.store, "audience", None)),
                self._reflected,
            )
        elif pending == "ending":
            self.post_message(EndingReached(self.player))

    def _checked_in(self, answers: dict[str, int] | None) -> None:
        self._record(lambda: self.player.checkin(answers))

    def _reflected(self, result: ReflectionResult | None) -> None:
        if result is None:
            self._record(lambda: self.player.reflect(None))
        else:
            self._record(
                lambda: self.player.reflect(result.text, result.visibility, result.anonymous)
            )

    def _open_others(self) -> None:
        from crossroads.tui.screens.shared import SharedScreen

        s = self.player.session
        prompt = s.current.reflect
        reader = self.reader
        if prompt is None or reader is None:
            return
        self.app.push_screen(
            SharedScreen(reader, s.story.id, prompt.id, s.learner, s.render(prompt.prompt))
        )
