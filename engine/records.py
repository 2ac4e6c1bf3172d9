"""What the player needs from wherever reflections are shared (the story bank implements it).

Kept apart from the bank so the UI depends on a small interface, not on a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Visibility = Literal["private", "cohort", "bank"]
VISIBILITIES: tuple[Visibility, ...] = ("private", "cohort", "bank")


@dataclass(frozen=True, slots=True)
class SharedReflection:
    """A reflection as a particular reader may see it."""

    id: str
    text: str
    author: str | None
    """The author's display name; None when the reflection is anonymous (never revealed)."""
    created: str
    visibility: Visibility
    mine: bool = False


class ReflectionReader(Protocol):
    """Reads the reflections others shared at the same prompt, as the access rules allow."""

    def shared_reflections(
        self,
        story_id: str,
        prompt_id: str,
        reader: str,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SharedReflection]:
        """Reflections ``reader`` may see at this prompt, newest first, optionally searched."""
        ...
