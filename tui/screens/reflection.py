"""The reflection screen: a prompt, a text area with a live word count, and who may read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, RadioButton, RadioSet, Static, TextArea

from crossroads.engine.records import VISIBILITIES, Visibility
from crossroads.tui.flow import word_count
from crossroads.tui.i18n import N_, _, ngettext, translate_bindings

VISIBILITY_LABELS: dict[Visibility, str] = {
    # Translators: who may read a reflection: only the learner (and facilitators), the learner's
    # cohort, or everyone using the story bank.
    "private": N_("Private"),
    "cohort": N_("My cohort"),
    "bank": N_("Everyone"),
}


@dataclass(frozen=True, slots=True)
class ReflectionResult:
    """What the learner wrote and who may read it."""

    text: str
    visibility: Visibility
    anonymous: bool


class ReflectionScreen(Screen[ReflectionResult | None]):
    """Dismisses with a :class:`ReflectionResult`, or None when skipped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", N_("Submit"), priority=True),
        Binding("escape", "skip", N_("Skip")),
        Binding("ctrl+d", "dismiss_nudge", N_("Hide hint"), show=False, priority=True),
    ]

    def __init__(self, prompt: str, required: bool = False, in_cohort: bool = False,
                 audience: dict[str, str] | None = None) -> None:
        """Ask ``prompt``; "my cohort" is offered only ``in_cohort`` (played in a cohort).

        ``audience``: who can read a reflection of each visibility, in words (a cohort server
        says, e.g. "your cohort: 4 people and your facilitator"); shown under the choice.
        """
        super().__init__()
        translate_bindings(self)
        self.audience = audience
        self.prompt = prompt
        self.required = required
        self.visibilities: tuple[Visibility, ...] = tuple(
            v for v in VISIBILITIES if in_cohort or v != "cohort"
        )
        self.nudged = False
        """True once the story-not-opinion hint was shown (it is shown at most once)."""

    def compose(self) -> ComposeResult:
        """Prompt, text area, sharing options, buttons."""
        with Vertical(id="reflection"):
            yield Static(Content(_("Reflection")), id="reflection-heading")
            yield Static(Content(self.prompt), id="reflection-prompt")
            yield TextArea(id="reflection-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="reflection-sharing"):
                yield Static(Content(ngettext("{n} word", "{n} words", 0).format(n=0)),
                             id="reflection-words")
                with RadioSet(id="reflection-visibility"):
                    for v in self.visibilities:
                        yield RadioButton(_(VISIBILITY_LABELS[v]), value=v == "private", name=v)
                yield Checkbox(_("Anonymous"), id="reflection-anonymous")
            if self.audience:
                yield Static(self._readers("private"), id="reflection-audience")
            yield Static(id="reflection-nudge")
            with Horizontal(id="reflection-buttons"):
                yield Button(_("Submit (ctrl+s)"), id="submit", variant="primary")
                if not self.required:
                    yield Button(_("Skip (esc)"), id="skip")
                else:
                    yield Static(Content(_("This reflection is required.")),
                                 id="reflection-required")
        yield Footer()

    def on_mount(self) -> None:
        """Start typing straight away."""
        self.query_one("#reflection-nudge").display = False
        self.query_one(TextArea).focus()

    @on(TextArea.Changed)
    def _count(self, event: TextArea.Changed) -> None:
        n = word_count(event.text_area.text)
        self.query_one("#reflection-words", Static).update(
            Content(ngettext("{n} word", "{n} words", n).format(n=n))
        )

    def _readers(self, visibility: Visibility) -> Content:
        assert self.audience is not None
        return Content(_("Who will be able to read it: {who}").format(
            who=self.audience.get(visibility, visibility)))

    @on(RadioSet.Changed)
    def _audience(self) -> None:
        if self.audience:
            self.query_one("#reflection-audience", Static).update(self._readers(self.visibility))

    @property
    def visibility(self) -> Visibility:
        """The visibility chosen (private unless another is pressed)."""
        pressed = self.query_one(RadioSet).pressed_button
        name = pressed.name if pressed is not None else "private"
        for v in self.visibilities:
            if v == name:
                return v
        return "private"

    def action_submit(self) -> None:
        """Submit the text (an empty text counts as skipping, unless required)."""
        text = self.query_one(TextArea).text.strip()
        if not text:
            if self.required:
                self.notify(_("Please write something first: this reflection is required."),
                            markup=False)
                return
            self.dismiss(None)
            return
        if not self.nudged and self._nudge(text):
            return
        anonymous = self.query_one(Checkbox).value
        self.dismiss(ReflectionResult(text, self.visibility, anonymous))

    def _nudge(self, text: str) -> bool:
        """Show the gentle hint when the text reads as an opinion; True when it was shown.

        It never blocks: the next ctrl+s submits the text as it is.
        """
        from crossroads.engine.reflections.nudge import NUDGE, opinion_nudge

        verdict = opinion_nudge(text)
        if verdict is None:
            return False
        self.nudged = True
        phrases = [e.phrase for e in verdict.evidence if e.leans == "opinion"][:2]
        nudge = self.query_one("#reflection-nudge", Static)
        if phrases:
            quoted = _("“{phrase}”")
            view = _("This reads more like a view than a story ({phrases}).").format(
                phrases=", ".join(quoted.format(phrase=p) for p in phrases))
        else:
            view = _("This reads more like a view than a story.")
        nudge.update(
            Content(
                _("{view} {nudge} Add it if you like — or press ctrl+s again to submit it as "
                  "it is. (ctrl+d hides this)").format(view=view, nudge=_(NUDGE))
            )
        )
        nudge.display = True
        self.query_one(TextArea).focus()
        return True

    def action_dismiss_nudge(self) -> None:
        """Hide the story-not-opinion hint."""
        self.query_one("#reflection-nudge").display = False

    def action_skip(self) -> None:
        """Skip, unless the reflection is required."""
        if self.required:
            self.notify(_("This reflection is required; write a few words and press ctrl+s."),
                        markup=False)
            return
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#skip")
    def _skip(self) -> None:
        self.action_skip()
