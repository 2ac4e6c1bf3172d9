"""Read the reflections others shared at the same moment of the story."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from crossroads.engine.records import ReflectionReader, SharedReflection
from crossroads.tui.fill import fill
from crossroads.tui.i18n import N_, _, translate_bindings


def byline(item: SharedReflection) -> Content:
    """``author · date`` ("anonymous" when the author is not revealed), literal text."""
    who = item.author if item.author is not None else _("anonymous")
    if item.mine:
        return fill(_("{who} (you) · {date}"), who=(who, "bold"), date=item.created[:10])
    return fill(_("{who} · {date}"), who=(who, "bold"), date=item.created[:10])


class SharedScreen(Screen[None]):
    """Newest first, with a search box; Escape goes back to the story."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back to the story"))
    ]

    def __init__(
        self, reader: ReflectionReader, story_id: str, prompt_id: str, learner: str, prompt: str
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.reader = reader
        self.story_id = story_id
        self.prompt_id = prompt_id
        self.learner = learner
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        """Prompt, search box, the list."""
        with Vertical(id="shared"):
            yield Static(Content(_("Others' stories at this moment")), id="shared-heading")
            yield Static(Content(self.prompt), id="shared-prompt")
            yield Input(placeholder=_("Search these stories…"), id="shared-search")
            yield VerticalScroll(id="shared-list")
        yield Footer()

    async def on_mount(self) -> None:
        """List every shared reflection."""
        await self.show(None)

    @on(Input.Changed, "#shared-search")
    async def _search(self, event: Input.Changed) -> None:
        await self.show(event.value.strip() or None)

    async def show(self, query: str | None) -> None:
        """Fetch and list the reflections (newest first, as the reader returns them)."""
        items = self.reader.shared_reflections(
            self.story_id, self.prompt_id, self.learner, query=query
        )
        box = self.query_one("#shared-list", VerticalScroll)
        await box.remove_children()
        if not items:
            empty = _("No stories match.") if query else _("Nobody has shared a story here yet.")
            await box.mount(Static(Content(empty), classes="shared--empty"))
            return
        widgets: list[Static] = []
        for item in items:
            widgets.append(Static(byline(item), classes="shared--byline"))
            widgets.append(Static(Content(item.text), classes="shared--text"))
        await box.mount_all(widgets)
