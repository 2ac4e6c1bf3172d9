"""What the player's screens ask of the app: attributes go down, these messages come up.

A screen gets what it needs in its constructor and posts one of these when something beyond
itself must happen (open a story, show an ending); :class:`~crossroads.tui.app.CrossroadsApp`
handles them. So no screen imports the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory
    from crossroads.tui.flow import Player


@dataclass
class OpenStory(Message):
    """Open a story: resume it, ask, or start it afresh, as ``flow.open_story`` decides."""

    story: Story | PlayStory
    path: Path | None = None
    fresh: bool = False
    lang: str | None = None
    """Play the story's translation into this language (None: as the app was started)."""


@dataclass
class EndingReached(Message):
    """The learner read an ending's passage: show the ending screen."""

    player: Player


@dataclass
class CompareWithCohort(Message):
    """Show the cohort view of the story the player just finished."""

    player: Player


class ScreenReady(Message):
    """The first interactive screen is on show: start-up is over."""
