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
from crossroads.tui.i18n import N_, _, ngettext, translate_bindings
from crossroads.tui.messages import OpenStory, ScreenReady

if TYPE_CHECKING:
    from crossroads.engine.programme_status import Due
    from crossroads.engine.saves import Progress, SessionStore

PROGRESS_TEXT = {"in progress": N_("in progress"), "finished": N_("finished")}
DUE_TEXT = {"due next": N_("due next"), "overdue": N_("overdue")}


def entry_prompt(
    entry: Entry, progress: Progress | None = None, langs: tuple[str, ...] = (),
    lang: str | None = None, due: str | None = None,
) -> Content:
    """A picker line: the title (and whether the learner has it in progress or finished), then
    whose shoes and how long, then the summary; for a story with translations, the language
    it will be played in (``langs``: those it has; ``lang``: the one chosen, None as written);
    ``due``: whether the cohort's programme has it "due next" or "overdue"."""
    story = entry.story
    who = _("You are {who}").format(who=entry.pov) if entry.pov else _("No fixed point of view")
    notes = "\n[i]$notes[/i]" if story.content_notes else ""
    if langs:
        notes += "\n[dim]$language[/dim]"
    return Content.from_markup(
        "[b]$title[/b]$mark[b]$due[/b]\n[dim]$who · $minutes[/dim]\n$summary" + notes,
        language=_("Language: {lang} (L: {langs})").format(
            lang=lang or _("as written"), langs=", ".join((_("as written"), *langs))),
        title=story.title,
        mark=f"  ({_(PROGRESS_TEXT.get(progress, progress))})" if progress else "",
        due=f"  ◆ {_(DUE_TEXT.get(due, due))}" if due else "",
        who=who,
        minutes=entry.minutes,
        summary=" ".join(story.summary.split()),
        notes=_("Content notes: {notes}").format(notes="; ".join(story.content_notes)),
    )


class PickerScreen(Screen[None]):
    """Lists the stories of a catalog; Enter (or a click) plays one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "play", N_("Play"), show=True),
        Binding("l", "language", N_("Language"), show=False),
    ]

    def __init__(
        self, catalog: Catalog, store: SessionStore | None = None, learner: str = "you",
        lang: str | None = None,
    ) -> None:
        """List ``catalog``; ``store`` tells which stories ``learner`` has in progress or
        finished (looked up in a worker once the list is on screen). ``lang``: the language
        chosen at first for each story that has a translation into it."""
        super().__init__()
        translate_bindings(self)
        self.catalog = catalog
        self.store = store
        self.learner = learner
        self.progress: dict[str, Progress] = {}
        from crossroads.engine.l10n.locale import languages

        self.langs = [tuple(languages(e.path)) for e in catalog.entries]
        """The languages each story has a translation into."""
        self.chosen: list[str | None] = [lang if lang in have else None for have in self.langs]
        """The language each story will be played in (None: as written)."""
        self.due: Due | None = None
        """What the learner's cohort programme has due next (None: nothing, or no programme)."""

    def _prompt(self, i: int) -> Content:
        entry = self.catalog.entries[i]
        due = None
        if self.due is not None and self.due.story_id == entry.story.id:
            due = "overdue" if self.due.overdue else "due next"
        return entry_prompt(entry, self.progress.get(entry.story.id), self.langs[i],
                            self.chosen[i], due)

    def compose(self) -> ComposeResult:
        """Heading, the list, and a note about files that could not be loaded."""
        with Vertical(id="picker"):
            yield Static(Content(_("Choose a story to live")), id="picker-heading")
            yield Static(Content(""), id="picker-due", classes="-empty")
            items: list[Option | None] = []
            for i in range(len(self.catalog.entries)):
                if i:
                    items.append(None)  # a separator line between stories
                items.append(Option(self._prompt(i), id=str(i)))
            yield OptionList(*items, id="picker-list")
            if not self.catalog.entries:
                yield Static(Content(_("No playable stories were found.")), id="picker-empty")
            if self.catalog.broken:
                names = "; ".join(f"{p.name} ({why})" for p, why in self.catalog.broken)
                n = len(self.catalog.broken)
                yield Static(
                    Content(ngettext("Skipped {n} story file with errors: {names}",
                                     "Skipped {n} story files with errors: {names}", n
                                     ).format(n=n, names=names)),
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
            self.notify(_("Could not tell which stories you have played: {problem}").format(
                problem=err),
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
            self.notify(_("Could not read your cohort's programme: {problem}").format(
                problem=err), severity="warning", markup=False)
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
        """Redraw the rows of these stories with their progress, due mark and language."""
        options = self.query_one("#picker-list", OptionList)
        for i, entry in enumerate(self.catalog.entries):
            if entry.story.id in story_ids:
                options.replace_option_prompt(str(i), self._prompt(i))

    def action_language(self) -> None:
        """Play the highlighted story in its next language (as written, then each translation)."""
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None:
            return
        i = int(option.id)
        cycle: list[str | None] = [None, *self.langs[i]]
        if len(cycle) == 1:
            self.notify(_("This story has no translations."), markup=False)
            return
        self.chosen[i] = cycle[(cycle.index(self.chosen[i]) + 1) % len(cycle)]
        self.query_one("#picker-list", OptionList).replace_option_prompt(str(i), self._prompt(i))

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
        self.post_message(OpenStory(entry.story, entry.path, lang=self.chosen[index]))
