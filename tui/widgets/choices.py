"""The list of what the learner can do now, numbered for the digit keys."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the choice list."""

    key: str
    """What picking it means: ``choice:N``, ``gate``, ``others``."""
    text: str
    enabled: bool = True
    numbered: bool = True


class ChoiceList(OptionList):
    """An option list whose prompts are literal text, numbered 1–9."""

    DEFAULT_CSS = """
    ChoiceList { height: auto; max-height: 11; border: round $primary 50%; }
    ChoiceList:focus { border: round $primary; }
    """

    def show(self, items: list[Item]) -> None:
        """Replace the options; the first enabled one is highlighted."""
        options: list[Option] = []
        n = 0
        for item in items:
            if item.numbered:
                n += 1
                prefix = f"{n}. " if n <= 9 else "   "
            else:
                prefix = "   "
            suffix = "" if item.enabled else "  (not available)"
            prompt = Content(f"{prefix}{item.text}{suffix}")
            options.append(Option(prompt, id=item.key, disabled=not item.enabled))
        self.set_options(options)
        first = next((i for i, item in enumerate(items) if item.enabled), None)
        self.highlighted = first
