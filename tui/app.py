"""The Crossroads player: a thin Textual app that moves between the screens.

The screens live in :mod:`crossroads.tui.screens`, the widgets in :mod:`crossroads.tui.widgets`,
and what a choice or
a reflection does (record, then save) in :mod:`crossroads.tui.flow`, shared with ``--plain``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from crossroads.engine.paths import stories_dir
from crossroads.engine.records import ReflectionReader
from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore, SessionStore
from crossroads.tui import flow
from crossroads.tui.startup import resume_gc

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory

THEMES = ("textual-dark", "textual-light")


class CrossroadsApp(App[int]):
    """Plays one story, or offers a picker of the stories in some folders."""

    CSS_PATH = "app.tcss"
    TITLE = "Crossroads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(
        self,
        *,
        story: Story | PlayStory | None = None,
        story_path: Path | None = None,
        folders: Sequence[Path] = (),
        learner: str = "you",
        store: SessionStore | None = None,
        reader: ReflectionReader | None = None,
        resume: bool = False,
        cohort: str | None = None,
        bank: str | None = None,
        theme: str = "textual-dark",
        bench_first_frame: str | None = None,
    ) -> None:
        super().__init__()
        self.story = story
        self.story_path = story_path
        self.folders = list(folders) or [stories_dir()]
        self.learner = learner
        self.store: SessionStore = store if store is not None else FileSessionStore()
        self.reader = reader
        self.resume = resume
        self.cohort = cohort
        self.bank = bank
        self.start_theme = theme
        self.bench_first_frame = bench_first_frame

    def on_mount(self) -> None:
        """Open the story given, or the picker."""
        self.set_timer(1.0, resume_gc)  # in case the first screen is not one that calls first_frame
        self.theme = self.start_theme
        if self.story is not None:
            self.open_story(self.story, self.story_path)
        else:
            from crossroads.tui.catalog import discover
            from crossroads.tui.screens.picker import PickerScreen

            self._show(PickerScreen(discover(self.folders)))

    def first_frame(self) -> None:
        """Called by the first interactive screen; benchmarks exit after its first frame."""
        self.call_after_refresh(resume_gc)  # start-up is over (see tui.startup)
        if self.bench_first_frame:
            self.call_after_refresh(self._bench_exit, self.bench_first_frame)
            self.bench_first_frame = None

    def _bench_exit(self, report: str) -> None:
        import time

        with open(report, "a", encoding="utf-8") as fh:
            fh.write(f"{time.time():.6f}\n")
        self.exit(0)

    # ------------------------------------------------------------------ navigation
    def _show(self, screen: Screen[None]) -> None:
        if len(self.screen_stack) <= 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def open_story(self, story: Story | PlayStory, path: Path | None, fresh: bool = False) -> None:
        """Start ``story``: offer to resume a saved session, or explain why it cannot be used."""
        self.story, self.story_path = story, path or self.story_path
        opening = flow.open_story(story, self.learner, self.store)
        if opening.problem:
            from crossroads.tui.screens.dialogs import MessageScreen

            self.push_screen(
                MessageScreen(
                    "Your saved progress could not be used",
                    f"{opening.problem}.\n\nThe old save was archived, not deleted. "
                    "The story starts afresh.",
                    "Start afresh",
                ),
                lambda _: self.play(Session.start(story, self.learner)),
            )
        elif opening.saved is not None and not fresh:
            saved = opening.saved
            if self.resume:
                self.play(saved)
                return
            from crossroads.tui.screens.dialogs import ResumeScreen

            def answer(resume: bool | None) -> None:
                if resume:
                    self.play(saved)
                else:
                    self.store.discard(story, self.learner)
                    self.play(Session.start(story, self.learner))

            where = flow.scene_heading(story, saved.scene)
            self.push_screen(ResumeScreen(story.title, where, len(saved.steps)), answer)
        else:
            if opening.saved is not None:
                self.store.discard(story, self.learner)
            self.play(Session.start(story, self.learner))

    def play(self, session: Session) -> None:
        """Show the play screen for a session."""
        from crossroads.tui.screens.play import PlayScreen

        self._show(PlayScreen(flow.Player(session, self.store)))

    def show_ending(self, player: flow.Player) -> None:
        """Show the ending screen, offering the paired stories found in the story folders."""
        from crossroads.tui.catalog import discover
        from crossroads.tui.screens.ending import EndingScreen

        wanted = [sid for sid in player.story.pairs_with if sid != player.story.id]
        paired = []
        if wanted:
            folders = [*self.folders]
            if self.story_path is not None:
                folders.append(self.story_path.parent)
            catalog = discover(folders)
            paired = [e for sid in wanted if (e := catalog.find(sid)) is not None]
        self.switch_screen(EndingScreen(player, paired))

    # ------------------------------------------------------------------ app-wide actions
    def action_help(self) -> None:
        """Show the keys."""
        from crossroads.tui.screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette: the usual commands plus help and the theme toggle."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Show the keys (F1)", self.action_help)
        yield SystemCommand(
            "Light/dark theme", "Toggle between the light and dark theme", self.action_toggle_theme
        )
