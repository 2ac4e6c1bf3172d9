"""The ending: its title and kind, the path taken, how each meter moved, and what next."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Sparkline, Static

from crossroads.tui import flow
from crossroads.tui.catalog import Entry
from crossroads.tui.i18n import N_, _, translate_bindings
from crossroads.tui.messages import CompareWithCohort, OpenStory

KIND_TEXT = {
    "good": N_("a good ending"),
    "mixed": N_("a mixed ending"),
    "hard": N_("a hard ending"),
}


def own_checkins(session: object) -> list[tuple[str, int, int | None]]:
    """The learner's own check-in answers, per statement: the first answer and the last (None
    when it was asked once), in the order first asked."""
    events = getattr(session, "events", [])
    story = getattr(session, "story", None)
    statements: dict[str, str] = {}
    for scene in getattr(story, "scenes", {}).values():
        for item in scene.checkin or []:
            statements.setdefault(item.id, item.statement)
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for event in events:
        if event.get("type") != "checkin":
            continue
        for item, value in event.get("answers", {}).items():
            if item in first:
                last[item] = int(value)
            else:
                first[item] = int(value)
    return [(statements.get(i, i), v, last.get(i)) for i, v in first.items()]


class EndingScreen(Screen[None]):
    """Shown once an ending's passage has been read; the playthrough is archived on mount."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replay", N_("Play again")),
        Binding("p", "paired", N_("Paired story"), show=False),
        Binding("c", "cohort", N_("Your cohort"), show=False),
        Binding("q", "app.quit", N_("Quit")),
    ]

    def __init__(self, player: flow.Player, paired: list[Entry], in_cohort: bool = False) -> None:
        """The ending of ``player``'s session; offers the ``paired`` stories, and the cohort's
        paths when the story was played ``in_cohort``."""
        super().__init__()
        translate_bindings(self)
        self.player = player
        self.paired = paired
        self.in_cohort = in_cohort

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
                    kind=_(KIND_TEXT[ending.kind]),
                ),
                id="ending-title",
                classes=f"ending--{ending.kind}",
            )
            with VerticalScroll(id="ending-body"):
                yield Static(Content(_("Your path")), classes="ending--heading")
                for entry in flow.path_taken(s):
                    yield Static(
                        Content.from_markup(
                            "[b]$title[/b] → $choice", title=entry.title, choice=entry.choice
                        ),
                        classes="ending--step",
                    )
                answers = own_checkins(s)
                if answers:
                    yield Static(Content(_("Your check-in answers (1–5), before and after")),
                                 classes="ending--heading")
                    for statement, before, after in answers:
                        moved = "" if after is None else f" → {after}"
                        with Horizontal(classes="ending--meter ending--checkin"):
                            yield Static(Content(statement), classes="ending--meter-label")
                            yield Static(Content(f"{before}{moved}"),
                                         classes="ending--meter-figures")
                history = flow.meter_history(s)
                if s.story.show_meters and history:
                    yield Static(Content(_("How things moved")), classes="ending--heading")
                    for mid, values in history.items():
                        # the label may wrap; the figures are never cut
                        with Horizontal(classes="ending--meter"):
                            yield Static(
                                Content(s.story.meters[mid].label),
                                classes="ending--meter-label",
                            )
                            yield Static(
                                Content(f"{values[0]} → {values[-1]}"),
                                classes="ending--meter-figures",
                            )
                            yield Sparkline(values, classes="ending--spark")
            with Horizontal(id="ending-buttons"):
                yield Button(_("Play again (r)"), id="replay", variant="primary")
                for i, other in enumerate(self.paired):
                    play = _("Play {title} (p)") if i == 0 else _("Play {title}")
                    yield Button(Content(play.format(title=other.story.title)),
                                 id=f"paired-{i}")
                if self.in_cohort:
                    yield Button(_("Your cohort's paths (c)"), id="cohort")
                yield Button(_("Quit (q)"), id="quit")
        yield Footer()

    def on_mount(self) -> None:
        """Archive the finished playthrough and focus the first button."""
        try:
            self.player.finish()
        except OSError as err:
            self.notify(_("Could not archive the save: {problem}").format(problem=err),
                        severity="error", markup=False)
        self.query_one("#replay", Button).focus()

    def action_replay(self) -> None:
        """Play the same story again from the start."""
        self.post_message(OpenStory(self.player.story, fresh=True))

    def action_cohort(self) -> None:
        """Compare your path with your cohort's, choice by choice."""
        if not self.in_cohort:
            self.notify(_("Play with --cohort CODE to compare paths with your cohort."),
                        markup=False)
            return
        self.post_message(CompareWithCohort(self.player))

    def action_paired(self) -> None:
        """Play the first paired story."""
        if self.paired:
            self.post_message(OpenStory(self.paired[0].story, self.paired[0].path))

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid == "replay":
            self.action_replay()
        elif bid == "cohort":
            self.action_cohort()
        elif bid == "quit":
            await self.run_action("app.quit")
        elif bid.startswith("paired-"):
            entry = self.paired[int(bid.split("-")[1])]
            self.post_message(OpenStory(entry.story, entry.path))
