"""The Crossroads player: a thin Textual app that moves between the screens.

Attributes go down, messages come up: each screen (:mod:`crossroads.tui.screens`) gets what it
needs in its constructor and posts a message (:mod:`crossroads.tui.messages`) when something
beyond it must happen; the app handles those messages and never is imported by a screen. How a
story opens, and what a choice or a reflection does (record, then save), is decided in
:mod:`crossroads.tui.flow`, shared with ``--plain``.
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
from crossroads.engine.saves import FileSessionStore, SessionStore
from crossroads.tui import flow
from crossroads.tui.i18n import N_, _, translate_bindings
from crossroads.tui.messages import CompareWithCohort, EndingReached, OpenStory, ScreenReady
from crossroads.tui.startup import resume_gc

if TYPE_CHECKING:
    from crossroads.engine.bank import Bank
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory

THEMES = ("textual-dark", "textual-light")

TEXTUAL_WORDS = (
    # Translators: the footer's name for the command palette (ctrl+p); Textual's own word.
    N_("palette"),
    # Translators: the command palette's built-in commands (Textual's own), each a title and
    # its help line.
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)
"""Textual's own words in the footer and the command palette, translated like ours."""


class CrossroadsApp(App[int]):
    """Plays one story, or offers a picker of the stories in some folders."""

    CSS_PATH = "app.tcss"
    TITLE = "Crossroads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", N_("Help")),
        Binding("ctrl+t", "toggle_theme", N_("Theme")),
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
        lang: str | None = None,
        bench_first_frame: str | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
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
        self.lang = lang
        """The language to play in (``play --lang``); the picker can choose another."""
        self.bench_first_frame = bench_first_frame

    def on_mount(self) -> None:
        """Open the story given, or the picker."""
        self.set_timer(1.0, resume_gc)  # in case the first screen never says it is ready
        self.theme = self.start_theme
        if self.story is not None:
            self._open(self.story, self.story_path)
        else:
            from crossroads.tui.catalog import discover
            from crossroads.tui.screens.picker import PickerScreen

            self._show(PickerScreen(discover(self.folders), self.store, self.learner,
                                    self.lang))

    def on_screen_ready(self, _: ScreenReady) -> None:
        """Start-up is over; benchmarks exit after this first frame."""
        self.call_after_refresh(resume_gc)  # (see tui.startup)
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

    def on_open_story(self, message: OpenStory) -> None:
        """Open the story a screen asked for."""
        story = message.story
        lang = message.lang if message.lang is not None else getattr(message.story, "lang", None)
        if lang is not None and getattr(story, "lang", None) != lang:
            from crossroads.engine.diagnostics import CrossroadsError

            try:
                story = flow.in_language(story, message.path or self.story_path, lang)
            except CrossroadsError as err:
                self.notify(f"{err.message}: playing the story as written", severity="warning",
                            markup=False)
        self._open(story, message.path, message.fresh)

    def _open(self, story: Story | PlayStory, path: Path | None, fresh: bool = False) -> None:
        """Open a story as :func:`flow.open_story` decides: explain, ask, or play."""
        self.story, self.story_path = story, path or self.story_path
        opening = flow.open_story(story, self.learner, self.store, resume=self.resume, fresh=fresh)
        if opening.problem:
            from crossroads.tui.screens.dialogs import MessageScreen

            if opening.archived:
                told = _("{problem}.\n\nThe old save was archived, not deleted. The story "
                         "starts afresh.")
            else:
                told = _("{problem}.\n\nThe story starts afresh.")
            self.push_screen(
                MessageScreen(
                    _("Your saved progress could not be used"),
                    told.format(problem=opening.problem),
                    _("Start afresh"),
                ),
                lambda _: self._play(opening.begin(False)),
            )
        elif opening.ask and opening.saved is not None:
            from crossroads.tui.screens.dialogs import ResumeScreen

            saved = opening.saved
            where = flow.scene_heading(saved.story, saved.scene)
            self.push_screen(
                ResumeScreen(saved.story.title, where, len(saved.steps)),
                lambda resume: self._play(opening.begin(bool(resume))),
            )
        else:
            self._play(opening.begin())

    def _play(self, player: flow.Player) -> None:
        from crossroads.tui.screens.play import PlayScreen

        self.player = player
        self._show(PlayScreen(player, self.reader, in_cohort=self.cohort is not None))

    def on_ending_reached(self, message: EndingReached) -> None:
        """Show the ending screen, offering the paired stories found in the story folders."""
        from crossroads.tui.catalog import paired_stories
        from crossroads.tui.screens.ending import EndingScreen

        folders = [*self.folders, *([self.story_path.parent] if self.story_path else [])]
        paired = paired_stories(message.player.story, folders)
        self.switch_screen(EndingScreen(message.player, paired, self._cohort_bank() is not None))

    def _cohort_bank(self) -> Bank | None:
        """The open story bank, when the story is played in a cohort."""
        if not self.cohort:
            return None
        from crossroads.engine.bank import Bank

        bank = getattr(self.store, "bank", None)
        if getattr(bank, "login", None) is not None:
            return None  # a cohort server: 'crossroads cohort' compares paths through it
        return bank if isinstance(bank, Bank) else None

    def on_compare_with_cohort(self, message: CompareWithCohort) -> None:
        """Compare the learner's path with their cohort's, choice by choice."""
        from crossroads.tui.screens.cohort import CohortScreen

        bank = self._cohort_bank()
        if bank is None or self.cohort is None:
            self.notify(_("Play with --cohort CODE to compare paths with your cohort (on a "
                          "cohort server: run 'crossroads cohort' after playing)."),
                        markup=False)
            return
        session = message.player.session
        self.push_screen(CohortScreen(bank, session.story, self.cohort, session.learner))

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
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))
        yield SystemCommand(_("Help"), _("Show the keys (F1)"), self.action_help)
        yield SystemCommand(
            _("Light/dark theme"), _("Toggle between the light and dark theme"),
            self.action_toggle_theme,
        )
