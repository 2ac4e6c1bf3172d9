"""The story picker: title, summary, point of view and length of every playable story."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from crossroads.engine.diagnostics import CrossroadsError
from crossroads.tui.catalog import Catalog, Entry
from crossroads.tui.messages import OpenStory, ScreenReady

if TYPE_CHECKING:
    from crossroads.engine.programme_status import Due
    from crossroads.engine.saves import Progress, SessionStore


def entry_prompt(entry: Entry, progress: Progress | None = None, due: str | None = None) \
        -> Content:
    """A picker line: the title (and whether the learner has it in progress or finished, and
    whether their cohort's programme has it due), then whose shoes and how long, then the
    summary."""
    story = entry.story
    who = f"You are {entry.pov}" if entry.pov else "No fixed point of view"
    notes = "\n[i]Content notes: $notes[/i]" if story.content_notes else ""
    return Content.from_markup(
        "[b]$title[/b]$mark[b]$due[/b]\n[dim]$who · $minutes[/dim]\n$summary" + notes,
        title=story.title,
        mark=f"  ({progress})" if progress else "",
        due=f"  ◆ {due}" if due else "",
        who=who,
        minutes=entry.minutes,
        summary=" ".join(story.summary.split()),
        notes="; ".join(story.content_notes),
    )


class PickerScreen(Screen[None]):
    """Lists the stories of a catalog; Enter (or a click) plays one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "play", "Play", show=True)]

    def __init__(
        self, catalog: Catalog, store: SessionStore | None = None, learner: str = "you"
    ) -> None:
        """List ``catalog``; ``store`` tells which stories ``learner`` has in progress or
        finished (looked up in a worker once the list is on screen)."""
        super().__init__()
        self.catalog = catalog
        self.store = store
        self.learner = learner
        self.progress: dict[str, Progress] = {}
        self.due: Due | None = None
        """What the learner's cohort programme has due next (None: nothing, or no programme)."""

    def compose(self) -> ComposeResult:
        """Heading, the list, and a note about files that could not be loaded."""
        with Vertical(id="picker"):
            yield Static(Content("Choose a story to live"), id="picker-heading")
            yield Static(Content(""), id="picker-due", classes="-empty")
            items: list[Option | None] = []
            for i, entry in enumerate(self.catalog.entries):
                if i:
                    items.append(None)  # a separator line between stories
                items.append(Option(entry_prompt(entry), id=str(i)))
            yield OptionList(*items, id="picker-list")
            if not self.catalog.entries:
                yield Static(Content("No playable stories were found."), id="picker-empty")
            if self.catalog.broken:
                names = "; ".join(f"{p.name} ({why})" for p, why in self.catalog.broken)
                n = len(self.catalog.broken)
                yield Static(
                    Content(f"Skipped {n} story file{'' if n == 1 else 's'} with errors: {names}"),
                    id="picker-broken",
                )
        yield Footer()

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(OptionList).focus()
        self.post_message(ScreenReady())
        if self.store is not None and self.catalog.entries:
            self._load_progress(self.store)
            self._load_due(self.store)

    @work(exclusive=True, group="picker-progress")
    async def _load_progress(self, store: SessionStore) -> None:
        """Mark the stories in progress or finished (looked up in a thread, off the event loop)."""
        stories = [e.story for e in self.catalog.entries]
        try:
            found = await asyncio.to_thread(store.progress, stories, self.learner)
        except (CrossroadsError, OSError) as err:
            self.notify(f"Could not tell which stories you have played: {err}",
                        severity="warning", markup=False)
            return
        self.progress = found
        self._redraw(set(found))

    @work(exclusive=True, group="picker-due")
    async def _load_due(self, store: SessionStore) -> None:
        """Show what the learner's cohort programme has due (looked up in a thread)."""
        from crossroads.engine.programme_due import learner_due

        try:
            due = await asyncio.to_thread(learner_due, store, self.learner)
        except (CrossroadsError, OSError) as err:
            self.notify(f"Could not read your cohort's programme: {err}", severity="warning",
                        markup=False)
            return
        if due is None:
            return
        self.due = due
        titles = {e.story.id: e.story.title for e in self.catalog.entries}
        line = self.query_one("#picker-due", Static)
        line.update(Content(due.line(titles)))
        line.set_class(False, "-empty")
        line.set_class(due.overdue, "-overdue")
        self._redraw({due.story_id})

    def _redraw(self, story_ids: set[str]) -> None:
        """Redraw the rows of these stories with their progress and due marks."""
        options = self.query_one("#picker-list", OptionList)
        for i, entry in enumerate(self.catalog.entries):
            sid = entry.story.id
            if sid in story_ids:
                due = None
                if self.due is not None and self.due.story_id == sid:
                    due = "overdue" if self.due.overdue else "due next"
                options.replace_option_prompt(str(i), entry_prompt(entry, self.progress.get(sid),
                                                                   due))

    def action_play(self) -> None:
        """Play the highlighted story."""
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id is not None:
            self._play(int(option.id))

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._play(int(event.option.id))

    def _play(self, index: int) -> None:
        entry = self.catalog.entries[index]
        self.post_message(OpenStory(entry.story, entry.path))
