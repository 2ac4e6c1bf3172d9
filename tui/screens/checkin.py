"""A short self-assessment: each statement answered on a 1–5 scale."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from crossroads.tui.i18n import N_, _, translate_bindings

SCALE = (N_("not at all"), N_("a little"), N_("somewhat"), N_("mostly"), N_("completely"))


class CheckinScreen(ModalScreen[dict[str, int] | None]):
    """Asks one statement at a time; dismisses with the answers, or None when skipped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"answer({n})", str(n), show=False) for n in range(1, 6)),
        Binding("escape", "skip", N_("Skip")),
    ]

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__()
        translate_bindings(self)
        self.items = items
        self.position = 0
        self.answers: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        """The statement, the scale, and a skip button."""
        with Vertical(id="checkin"):
            yield Static(id="checkin-heading")
            yield Static(id="checkin-statement")
            with Horizontal(id="checkin-scale"):
                for n in range(1, 6):
                    yield Button(f"{n} {_(SCALE[n - 1])}", id=f"answer-{n}")
            yield Static(Content(_("Press 1–5, or Escape to skip.")), id="checkin-help")

    def on_mount(self) -> None:
        """Show the first statement."""
        self._show()

    def _show(self) -> None:
        total = len(self.items)
        self.query_one("#checkin-heading", Static).update(
            Content(_("Check-in {n} of {total}: how true is this for you?").format(
                n=self.position + 1, total=total))
        )
        self.query_one("#checkin-statement", Static).update(Content(self.items[self.position][1]))

    def action_answer(self, n: int) -> None:
        """Answer the current statement and move to the next."""
        self.answers[self.items[self.position][0]] = n
        self.position += 1
        if self.position >= len(self.items):
            self.dismiss(dict(self.answers))
        else:
            self._show()

    def action_skip(self) -> None:
        """Leave the check-in (answers given so far are kept)."""
        self.dismiss(dict(self.answers) or None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("answer-"):
            self.action_answer(int(event.button.id.split("-")[1]))
