"""Small builders shared by the bank tests."""

from __future__ import annotations

import uuid
from typing import Any

from crossroads.engine.bank import Bank, Batch

STORY = "s1"


def reflection(text: str | None, visibility: str = "private", anonymous: bool = False,
               at: str = "2024-03-01T10:00:00.000+00:00", prompt: str = "p1",
               scene: str = "a") -> dict[str, Any]:
    """A reflection event as the runtime records it."""
    return {"type": "reflection", "scene": scene, "prompt": prompt, "text": text,
            "visibility": visibility, "anonymous": anonymous, "at": at}


def choice(seq: int, at: str = "2024-03-01T09:00:00.000+00:00") -> dict[str, Any]:
    """A choice event as the runtime records it."""
    return {"type": "choice", "scene": f"s{seq}", "index": 0, "key": f"k{seq}",
            "to": f"s{seq + 1}", "meters": {"trust": 50 + seq}, "ms": 100 + seq, "at": at}


def play(bank: Bank, learner: str, cohort: str | None, events: list[dict[str, Any]],
         story: str = STORY, pt: str | None = None, first: int = 0) -> str:
    """Write events as one playthrough of ``learner``; return its id."""
    pt = pt or str(uuid.uuid4())
    bank.write(Batch(pt, learner, cohort, story, "hash1", "2024-03-01T08:00:00.000+00:00",
                     first, events))
    return pt


def texts(items: list[Any]) -> list[str]:
    """The texts of shared reflections, in order."""
    return [r.text for r in items]
