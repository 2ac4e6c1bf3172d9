"""Small dialogs: resume a saved session, explain a save that could not be used, help."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from crossroads.tui.i18n import N_, _, ngettext, translate_bindings

# Translators: keep the two columns aligned (spaces, a fixed-width font).
HELP = N_("""\
Playing
  1–9          pick a choice          ↑ ↓ Enter   move and pick
  m            show/hide the meters   o           others' stories (after a reflection)
Reflecting
  ctrl+s       submit                 Escape      skip (unless required)
Everywhere
  F1           this help              ctrl+t      light/dark theme
  ctrl+p       command palette        ctrl+q      quit (progress is saved)

Progress is saved after every choice, reflection and check-in; the banner says
"saved ✓" once it is on disk. Run `crossroads play STORY --resume` to continue.""")


class ResumeScreen(ModalScreen[bool]):
    """Dismisses True to resume the saved session, False to start over."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose(True)", N_("Resume")),
        Binding("n", "choose(False)", N_("Start over")),
        Binding("escape", "choose(True)", N_("Resume"), show=False),
    ]

    def __init__(self, story_title: str, where: str, choices: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.message = ngettext(
            "You have a saved session of {title}: {n} choice made, at “{scene}”.",
            "You have a saved session of {title}: {n} choices made, at “{scene}”.",
            choices,
        ).format(title=story_title, n=choices, scene=where)

    def compose(self) -> ComposeResult:
        """The question and two buttons."""
        with Vertical(classes="dialog"):
            yield Static(Content(self.message), classes="dialog--text")
            with Horizontal(classes="dialog--buttons"):
                yield Button(_("Resume (r)"), id="resume", variant="primary")
                yield Button(_("Start over (n)"), id="restart")

    def on_mount(self) -> None:
        """Enter resumes."""
        self.query_one("#resume", Button).focus()

    def action_choose(self, resume: bool) -> None:
        """Close with the answer."""
        self.dismiss(resume)

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#restart")
    def _restart(self) -> None:
        self.dismiss(False)


class MessageScreen(ModalScreen[None]):
    """A message with one button (Enter or Escape closes it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

    def __init__(self, title: str, message: str, button: str | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.message = message
        self.button = button if button is not None else _("OK")

    def compose(self) -> ComposeResult:
        """Title, message, button."""
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog--title")
            with VerticalScroll(classes="dialog--body"):
                yield Static(Content(self.message), classes="dialog--text")
            with Horizontal(classes="dialog--buttons"):
                yield Button(self.button, id="ok", variant="primary")

    def on_mount(self) -> None:
        """Enter presses the button."""
        self.query_one("#ok", Button).focus()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys (F1 or Escape closes it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "app.pop_screen", N_("Close"))
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        """The key table."""
        with Vertical(classes="dialog", id="help"):
            yield Static(Content(_("Crossroads — keys")), classes="dialog--title")
            yield Static(Content(_(HELP)), classes="dialog--text")
