"""The web player's first screen: the learner's invitation code (and a name on first use)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from crossroads.engine.remote.login import Login
from crossroads.tui.i18n import N_, _, ngettext, translate_bindings


@dataclass(frozen=True)
class SignInAnswer:
    """What one try gave: a login, or a one-line problem and how many tries are left."""

    login: Login | None = None
    problem: str = ""
    tries_left: int = 0


Attempt = Callable[[str, str], Awaitable[SignInAnswer]]
"""Try a code and a display name (may be empty)."""


class SignInScreen(Screen[Login]):
    """Asks for the invitation code; dismisses with the login once the server accepts it.

    When no tries are left it says so and leaves the session to end (ctrl+q quits).
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", N_("Quit"))]

    def __init__(self, attempt: Attempt, server: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.attempt = attempt
        self.server = server
        self.busy = False

    def compose(self) -> ComposeResult:
        """A heading, the two fields, a button and a line for problems."""
        with Vertical(id="sign-in"):
            yield Static(Content(_("Welcome to Crossroads")), id="sign-in-title")
            yield Static(Content(_("Sign in to the cohort on {server} with the invitation code "
                                   "your facilitator gave you. Using it again, here or on "
                                   "another device, continues where you stopped.").format(
                                       server=self.server)),
                         id="sign-in-intro")
            yield Label(Content(_("Invitation code")), id="code-label")
            yield Input(placeholder=_("e.g. 3PHF1-NBSBJ-EEHBB-…"), id="code", max_length=80)
            yield Label(Content(_("Your name, as others see it (first time only; optional)")),
                        id="name-label")
            yield Input(placeholder=_("e.g. Ana"), id="name", max_length=80)
            yield Button(_("Sign in"), id="sign-in-button", variant="primary")
            yield Static("", id="sign-in-problem")

    def on_mount(self) -> None:
        """The code field has the focus."""
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _code_entered(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#sign-in-button")
    async def _submit(self) -> None:
        if self.busy:
            return
        code = self.query_one("#code", Input).value.strip()
        problem = self.query_one("#sign-in-problem", Static)
        if not code:
            problem.update(Content(_("Type your invitation code first.")))
            self.query_one("#code", Input).focus()
            return
        self.busy = True
        problem.update(Content(_("Signing in…")))
        try:
            answer = await self.attempt(code, self.query_one("#name", Input).value.strip())
        finally:
            self.busy = False
        if answer.login is not None:
            self.dismiss(answer.login)
            return
        if answer.tries_left <= 0:
            problem.update(Content(_("{problem}\nNo tries left in this session: check the "
                                     "code with your facilitator, then reload the page.").format(
                                         problem=answer.problem)))
            for widget in self.query(Input):
                widget.disabled = True
            self.query_one("#sign-in-button", Button).disabled = True
            return
        left = ngettext("{problem} ({n} try left)", "{problem} ({n} tries left)",
                        answer.tries_left)
        problem.update(Content(left.format(problem=answer.problem, n=answer.tries_left)))
        code_input = self.query_one("#code", Input)
        code_input.focus()
        code_input.action_select_all()
