"""The meters panel: each meter's label, value, a bar and the last change."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from crossroads.engine.runtime import Session

BAR = 12


def meter_lines(session: Session) -> list[Content]:
    """One line per meter: ``label  value  bar  (+change)`` (author text shown literally)."""
    story = session.story
    previous = session.steps[-2].meters if len(session.steps) > 1 else None
    lines: list[Content] = []
    for mid, meter in story.meters.items():
        value = session.meters[mid]
        before = previous.get(mid, meter.initial) if previous is not None else meter.initial
        span = max(1, meter.max - meter.min)
        filled = round(BAR * (value - meter.min) / span)
        bar = "█" * filled + "░" * (BAR - filled)
        change = value - before if session.steps else 0
        delta = f" {change:+d}" if change else ""
        lines.append(Content(meter.label))
        lines.append(Content.from_markup("$bar [b]$value[/b]$delta", bar=bar, value=str(value),
                                         delta=delta))
    return lines


class MetersPanel(Static):
    """Shows the story's meters; the play screen toggles it and hides it for ``show_meters``."""

    DEFAULT_CSS = """
    MetersPanel { width: 24; height: auto; padding: 0 1; border-left: vkey $foreground 30%; }
    """

    def show(self, session: Session) -> None:
        """Redraw for the session's current state."""
        self.update(Content("\n").join(meter_lines(session)))
