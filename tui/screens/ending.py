"""The ending: its title and kind, the path taken, how each meter moved, and what next."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Sparkline, Static

from crossroads.tui import flow
from crossroads.tui.catalog import Entry

if TYPE_CHECKING:
    from crossroads.tui.app import CrossroadsApp

KIND_TEXT = {"good": "a good ending", "mixed": "a mixed ending", "hard": "a hard ending"}


class EndingScreen(Screen[None]):
    """Shown once an ending's passage has been read; the playthrough is archived on mount."""

    app: CrossroadsApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replay", "Play again"),
        Binding("p", "paired", "Paired story", show=False),
        Binding("c", "cohort", "Your cohort", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, player: flow.Player, paired: list[Entry]) -> None:
        super().__init__()
        self.player = player
        self.paired = paired

    def compose(self) -> ComposeResult:
        """Title, path, meters, buttons."""
        s = self.player.session
        ending = s.ending
        assert ending is not None
        with Vertical(id="ending"):
            yield Static(
                Content.from_markup(
                    "[b]$title[/b]  [dim]($kind)[/dim]",
                    title=s.ending_title(),
                    kind=KIND_TEXT[ending.kind],
                ),
                id="ending-title",
                classes=f"ending--{ending.kind}",
            )
            with VerticalScroll(id="ending-body"):
                yield Static(Content("Your path"), classes="ending--heading")
                for entry in flow.path_taken(s):
                    yield Static(
                        Content.from_markup(
                            "[b]$title[/b] → $choice", title=entry.title, choice=entry.choice
                        ),
                        classes="ending--step",
                    )
                history = flow.meter_history(s)
                if s.story.show_meters and history:
                    yield Static(Content("How things moved"), classes="ending--heading")
                    for mid, values in history.items():
                        with Horizontal(classes="ending--meter"):
                            label = s.story.meters[mid].label
                            yield Static(
                                Content(f"{label}: {values[0]} → {values[-1]}"),
                                classes="ending--meter-label",
                            )
                            yield Sparkline(values, classes="ending--spark")
            with Horizontal(id="ending-buttons"):
                yield Button("Play again (r)", id="replay", variant="primary")
                for i, other in enumerate(self.paired):
                    key = " (p)" if i == 0 else ""
                    yield Button(Content(f"Play {other.story.title}{key}"), id=f"paired-{i}")
                if self._cohort_bank() is not None:
                    yield Button("Your cohort's paths (c)", id="cohort")
                yield Button("Quit (q)", id="quit")
        yield Footer()

    def on_mount(self) -> None:
        """Archive the finished playthrough and focus the first button."""
        try:
            self.player.finish()
        except OSError as err:
            self.notify(f"Could not archive the save: {err}", severity="error", markup=False)
        self.query_one("#replay", Button).focus()

    def action_replay(self) -> None:
        """Play the same story again from the start."""
        self.app.open_story(self.player.story, None, fresh=True)

    def _cohort_bank(self) -> object | None:
        """The open story bank, when this playthrough was played in a cohort."""
        if not getattr(self.app, "cohort", None):
            return None
        return getattr(self.player.store, "bank", None)

    def action_cohort(self) -> None:
        """Compare your path with your cohort's, choice by choice."""
        bank = self._cohort_bank()
        cohort = self.app.cohort
        if bank is None or cohort is None:
            self.notify("Play with --cohort CODE to compare paths with your cohort.")
            return
        from crossroads.engine.bank import Bank
        from crossroads.tui.screens.cohort import CohortScreen

        assert isinstance(bank, Bank)
        self.app.push_screen(
            CohortScreen(bank, self.player.story, cohort, self.player.session.learner)
        )

    def action_paired(self) -> None:
        """Play the first paired story."""
        if self.paired:
            self.app.open_story(self.paired[0].story, self.paired[0].path)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid == "replay":
            self.action_replay()
        elif bid == "cohort":
            self.action_cohort()
        elif bid == "quit":
            self.app.exit(0)
        elif bid.startswith("paired-"):
            entry = self.paired[int(bid.split("-")[1])]
            self.app.open_story(entry.story, entry.path)
