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

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, attempt: Attempt, server: str) -> None:
        super().__init__()
        self.attempt = attempt
        self.server = server
        self.busy = False

    def compose(self) -> ComposeResult:
        """A heading, the two fields, a button and a line for problems."""
        with Vertical(id="sign-in"):
            yield Static("Welcome to Crossroads", id="sign-in-title")
            yield Static(Content(f"Sign in to the cohort on {self.server} with the invitation "
                                 "code your facilitator gave you. Using it again, here or on "
                                 "another device, continues where you stopped."),
                         id="sign-in-intro")
            yield Label("Invitation code", id="code-label")
            yield Input(placeholder="e.g. 3PHF1-NBSBJ-EEHBB-…", id="code", max_length=80)
            yield Label("Your name, as others see it (first time only; optional)",
                        id="name-label")
            yield Input(placeholder="e.g. Ana", id="name", max_length=80)
            yield Button("Sign in", id="sign-in-button", variant="primary")
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
            problem.update("Type your invitation code first.")
            self.query_one("#code", Input).focus()
            return
        self.busy = True
        problem.update("Signing in…")
        try:
            answer = await self.attempt(code, self.query_one("#name", Input).value.strip())
        finally:
            self.busy = False
        if answer.login is not None:
            self.dismiss(answer.login)
            return
        if answer.tries_left <= 0:
            problem.update(Content(f"{answer.problem}\nNo tries left in this session: check the "
                                   "code with your facilitator, then reload the page."))
            for widget in self.query(Input):
                widget.disabled = True
            self.query_one("#sign-in-button", Button).disabled = True
            return
        tries = f"{answer.tries_left} {'try' if answer.tries_left == 1 else 'tries'} left"
        problem.update(Content(f"{answer.problem} ({tries})"))
        code_input = self.query_one("#code", Input)
        code_input.focus()
        code_input.action_select_all()
