"""The cohort view: the story's scenes in order with the cohort's split at each choice, your own
choice marked, and a cohort-mate's path beside yours with the point where you parted.

Push :class:`CohortScreen` from any app (the player's ending screen does, after a cohort
playthrough), or run :class:`CohortApp` (``crossroads cohort CODE``). The cohort's paths are read
from the bank in a worker; a bank that cannot be opened or reached is said so on the screen (and
in a notice), never a crash. Who may see whose path is decided in
:mod:`crossroads.engine.cohort.view`, not here.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.cohort import MIN_GROUP, CohortView, LearnerPath, cohort_view
from crossroads.engine.cohort.analysis import choice_labels
from crossroads.engine.cohort.view import cohort_facts
from crossroads.engine.diagnostics import CrossroadsError
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayStory
from crossroads.tui.fill import fill
from crossroads.tui.i18n import N_, _, ngettext, translate_bindings
from crossroads.tui.widgets.cohort_split import PathColumn, SplitView, step_lines


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


class CohortScreen(Screen[None]):
    """A cohort's paths through one story, as one learner may see them."""

    DEFAULT_CSS = """
    CohortScreen { layout: vertical; }
    #cohort-head { padding: 1 2 0 2; height: auto; }
    #cohort-summary { padding: 0 2 1 2; height: auto; color: $text-muted; }
    #cohort-facts { padding: 1 1 1 1; height: auto; }
    #cohort-body { height: 1fr; }
    #cohort-splits { width: 3fr; border: round $primary 50%; }
    #cohort-splits:focus { border: round $primary; }
    #cohort-side { width: 2fr; min-width: 30; }
    #cohort-mates { height: auto; max-height: 10; border: round $secondary 50%; }
    #cohort-mates:focus { border: round $secondary; }
    #cohort-mates-note { padding: 0 1; height: auto; color: $text-muted; }
    #cohort-compare { height: 1fr; border: round $secondary 30%; }
    #cohort-compare-note { padding: 0 1 1 1; height: auto; }
    #cohort-columns { height: auto; }
    #cohort-legend { padding: 0 1 1 1; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", N_("Stop comparing")),
        Binding("tab", "app.focus_next", N_("Next panel"), show=False),
        Binding("q", "close", N_("Close")),
    ]

    def __init__(self, bank: Bank | str | None, story: Story | PlayStory, cohort_code: str,
                 learner: str, min_group: int = MIN_GROUP, lang: str | None = None) -> None:
        """Show ``cohort_code``'s paths through ``story`` as ``learner`` may see them (those
        played in ``lang`` when given; ``"source"``: as written).

        ``bank`` is an open bank (left open) or a location to open (closed with the screen);
        either way it is read in a worker once the screen is up.
        """
        super().__init__()
        translate_bindings(self)
        self._owns_bank = not isinstance(bank, Bank)
        self._location = None if isinstance(bank, Bank) else bank
        self.bank: Bank | None = bank if isinstance(bank, Bank) else None
        self.story = story
        self.cohort_code = cohort_code
        self.learner = learner
        self.min_group = min_group
        self.lang = lang
        self._view: CohortView | None = None
        self.problem: str | None = None
        """Why the cohort's paths could not be read (None: not yet tried, or read)."""
        self.labels = {k: v.label for k, v in choice_labels(story).items()}
        self.mate: LearnerPath | None = None

    @property
    def view(self) -> CohortView:
        """What the learner may see of the cohort (only once loaded)."""
        assert self._view is not None, "the cohort view is not loaded yet"
        return self._view

    @property
    def loaded(self) -> bool:
        """True once the cohort's paths are on screen."""
        return self._view is not None

    # ------------------------------------------------------------------ layout
    def _summary(self) -> Content:
        r = self.view.report
        parts = [ngettext("{n} learner", "{n} learners", r.learners).format(n=r.learners),
                 _("{finished} of {started} finished ({share})").format(
                     finished=r.finished, started=r.started, share=_pct(r.completion))]
        if r.endings_withheld:
            parts.append(_("endings withheld (small group)"))
        elif any(e.count for e in r.endings):
            parts.append(_("endings: {endings}").format(endings=", ".join(
                f"{e.title} {e.count}" for e in r.endings if e.count)))
        else:
            parts.append(_("no ending reached yet"))
        if r.splits:
            parts.append(_("paths parted at {scenes}").format(scenes=", ".join(
                ngettext("{scene} ({n} pair)", "{scene} ({n} pairs)", sp.pairs).format(
                    scene=sp.title, n=sp.pairs) for sp in r.splits)))
        me = self.view.me
        if me is not None and me.ending:
            scene = self.story.scenes.get(me.ending)
            if scene is not None and scene.ending is not None:
                parts.append(_("yours: {ending}").format(ending=scene.ending.title))
        return Content(" · ".join(parts))

    def compose(self) -> ComposeResult:
        """Heading and summary; the body comes once the bank has been read."""
        yield Static(Content.assemble(
            (self.story.title, "bold"), "  ",
            fill(_("cohort {code}"), "dim", code=(self.cohort_code, "bold"))),
            id="cohort-head")
        yield Static(Content(_("Reading the cohort's paths from the story bank…")),
                     id="cohort-summary")
        yield Footer()

    def _body(self) -> Horizontal:
        """The splits scene by scene, and the cohort-mates to compare with."""
        mine = dict(self.view.me.steps) if self.view.me is not None else {}
        shown = [s for s in self.view.report.scenes if s.learners]
        splits: list[Static] = [Static(self._legend(), id="cohort-legend")]
        if not shown:
            splits.append(Static(Content(_("No one in this cohort has made a choice yet."))))
        splits += [SplitView(sp, self.view.report.min_group, mine.get(sp.scene)) for sp in shown]
        facts = cohort_facts(self.view.report, self.story)
        splits.append(Static(Content.assemble((_("The cohort as a whole"), "bold"), "\n",
                                              "\n".join(facts)), id="cohort-facts"))
        side: list[Static | OptionList | VerticalScroll] = [
            Static(self._mates_note(), id="cohort-mates-note")]
        if self.view.mates:
            side.append(OptionList(
                *(Option(Content(m.learner), id=str(i)) for i, m in enumerate(self.view.mates)),
                id="cohort-mates",
            ))
        side.append(VerticalScroll(
            Static(Content(_("Pick a cohort-mate to see their path beside yours.")),
                   id="cohort-compare-note"),
            Horizontal(PathColumn(id="cohort-you"), PathColumn(id="cohort-mate"),
                       id="cohort-columns"),
            id="cohort-compare",
        ))
        return Horizontal(VerticalScroll(*splits, id="cohort-splits"),
                          Vertical(*side, id="cohort-side"), id="cohort-body")

    def _legend(self, mate: str | None = None) -> Content:
        parts: list[str | Content] = []
        if self.view.me is not None:
            parts.append(fill(_("{mark} your choice"), mark=("◆", "bold $accent")))
        if mate is not None:
            # Translators: the legend of the cohort-mate's mark: "○ Ana's" (choice).
            parts += ["   ", fill(_("{mark} {name}'s"), mark=("○", "bold $secondary"),
                                  name=(mate, "bold"))]
        return Content.assemble(*parts) if parts else Content(_("The cohort's choices"))

    def _mates_note(self) -> Content:
        if self.view.me is None:
            return Content(
                _("Paths are shared between learners who played this story in cohort {code}. "
                  "Play it in the cohort to compare your path with theirs.").format(
                      code=self.cohort_code))
        if not self.view.mates:
            return Content(_("No cohort-mate has shared a path of this story yet."))
        return Content(_("Cohort-mates who shared their path:"))

    def on_mount(self) -> None:
        """Read the cohort's paths in a worker."""
        self._load()

    @work(exclusive=True, group="cohort-view")
    async def _load(self) -> None:
        """Read what the learner may see (in a thread, off the event loop), then show it."""
        try:
            view = await asyncio.to_thread(self._read)
        except CrossroadsError as err:
            self.problem = str(err)
            self.query_one("#cohort-summary", Static).update(
                Content(_("The cohort's paths could not be read: {problem}").format(
                    problem=err)))
            self.notify(_("Could not read the cohort's paths: {problem}").format(problem=err),
                        severity="error", markup=False)
            return
        self._view = view
        self.query_one("#cohort-summary", Static).update(self._summary())
        await self.mount(self._body(), before=self.query_one(Footer))
        self._show_body()

    def _read(self) -> CohortView:
        if self.bank is None:
            self.bank = open_bank(self._location)
        return cohort_view(self.bank, self.story, self.cohort_code, self.learner, self.min_group,
                           self.lang)

    def _show_body(self) -> None:
        """Your own path, and focus on the cohort-mates when there are any, else the splits."""
        if self.view.me is not None:
            self.query_one("#cohort-you", PathColumn).show(
                _("You"), step_lines(self.story, self.view.me, self.labels), None)
        target = "#cohort-mates" if self.view.mates else "#cohort-splits"
        self.query_one(target).focus()

    # ------------------------------------------------------------------ comparing
    @on(OptionList.OptionHighlighted, "#cohort-mates")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.compare(self.view.mates[int(event.option.id)])

    def compare(self, mate: LearnerPath | None) -> None:
        """Show ``mate``'s path beside the learner's (None: stop comparing)."""
        if not self.loaded:
            return
        self.mate = mate
        me = self.view.me
        parted_step: int | None = None
        parted_scene: str | None = None
        note: Content
        if mate is None or me is None:
            note = Content(_("Pick a cohort-mate to see their path beside yours."))
        else:
            parted_step, parted_scene = me.diverges_from(mate)
            if parted_scene is not None:
                found = self.story.scenes.get(parted_scene)
                title = (found.title if found is not None else "") or parted_scene
                n = parted_step or 0
                note = fill(ngettext("You and {name} parted at {scene}, after {n} choice alike.",
                                     "You and {name} parted at {scene}, after {n} choices alike.",
                                     n),
                            name=(mate.learner, "bold"), scene=(title, "bold"), n=str(n))
            elif len(me.steps) == len(mate.steps):
                note = fill(_("{name} took the same path as you."), name=(mate.learner, "bold"))
            else:
                note = fill(_("You and {name} chose alike until one of you stopped."),
                            name=(mate.learner, "bold"))
                parted_step = None
        self.query_one("#cohort-compare-note", Static).update(note)
        self.query_one("#cohort-legend", Static).update(
            self._legend(mate.learner if mate is not None else None))
        mate_steps = dict(mate.steps) if mate is not None else {}
        for view in self.query(SplitView):
            view.compare(mate_steps.get(view.split.scene) if mate is not None else None,
                         mate.learner if mate is not None else "",
                         parted_scene is not None and view.split.scene == parted_scene)
        if me is not None:
            self.query_one("#cohort-you", PathColumn).show(
                _("You"), step_lines(self.story, me, self.labels), parted_step)
        column = self.query_one("#cohort-mate", PathColumn)
        if mate is None:
            column.update("")
        else:
            column.show(mate.learner, step_lines(self.story, mate, self.labels), parted_step)

    def action_clear(self) -> None:
        """Stop comparing with a cohort-mate."""
        self.compare(None)
        if self.loaded and self.view.mates:
            self.query_one("#cohort-mates", OptionList).highlighted = None

    def action_close(self) -> None:
        """Back to where the view was opened from (or quit when it is the whole app)."""
        if isinstance(self.app, CohortApp) or len(self.app.screen_stack) <= 1:
            self.app.exit()
        else:
            self.app.pop_screen()

    def on_unmount(self) -> None:
        """Close the bank if this screen opened it."""
        if self._owns_bank and self.bank is not None:
            self.bank.close()


class CohortApp(App[None]):
    """``crossroads cohort``: the cohort view as a whole app."""

    TITLE = "Crossroads — cohort"

    def __init__(self, bank: Bank | str | None, story: Story | PlayStory, cohort_code: str,
                 learner: str, min_group: int = MIN_GROUP, theme: str = "textual-dark",
                 lang: str | None = None) -> None:
        super().__init__()
        self._screen = CohortScreen(bank, story, cohort_code, learner, min_group, lang)
        self.start_theme = theme

    def on_mount(self) -> None:
        """Show the cohort view."""
        self.theme = self.start_theme
        self.push_screen(self._screen)
