"""The banner that always says whose shoes the learner is in, and whether progress is saved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from crossroads.tui.fill import fill
from crossroads.tui.i18n import _


class PovBanner(Horizontal):
    """``You are Name, role`` on the left; the story title and save state on the right."""

    DEFAULT_CSS = """
    PovBanner { height: 1; dock: top; background: $primary-background; }
    PovBanner .pov-banner--who { width: 1fr; padding: 0 1; text-style: bold; }
    PovBanner .pov-banner--status { width: auto; padding: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        """The two halves of the banner."""
        yield Static(id="pov-who", classes="pov-banner--who")
        yield Static(id="pov-status", classes="pov-banner--status")

    def show(self, who: str, story_title: str, saved: bool, offline: bool = False) -> None:
        """Update the banner (all text is shown literally).

        ``offline``: the story bank is unreachable and saves wait in the local journal.
        """
        label = fill(_("You are {who}"), who=(who, "bold")) if who else Content("")
        self.query_one("#pov-who", Static).update(label)
        state = _("saved ✓") if saved else _("not saved yet")
        if saved and offline:
            state = _("saved on this computer ✓ (bank offline; sent when it is back)")
        self.query_one("#pov-status", Static).update(Content(f"{story_title} · {state}"))
