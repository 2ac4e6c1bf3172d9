"""The story picker: title, summary, point of view and length of every playable story."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from crossroads.tui.catalog import Catalog, Entry

if TYPE_CHECKING:
    from crossroads.tui.app import CrossroadsApp


def entry_prompt(entry: Entry) -> Content:
    """A picker line: the title, then whose shoes and how long, then the summary."""
    story = entry.story
    who = f"You are {entry.pov}" if entry.pov else "No fixed point of view"
    return Content.from_markup(
        "[b]$title[/b]\n[dim]$who · $minutes[/dim]\n$summary",
        title=story.title,
        who=who,
        minutes=entry.minutes,
        summary=" ".join(story.summary.split()),
    )


class PickerScreen(Screen[None]):
    """Lists the stories of a catalog; Enter (or a click) plays one."""

    app: CrossroadsApp

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "play", "Play", show=True)]

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog

    def compose(self) -> ComposeResult:
        """Heading, the list, and a note about files that could not be loaded."""
        with Vertical(id="picker"):
            yield Static(Content("Choose a story to live"), id="picker-heading")
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
        self.app.first_frame()

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
        self.app.open_story(entry.story, entry.path)
