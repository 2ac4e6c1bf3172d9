"""Saving and resuming sessions, behind one interface.

:class:`SessionStore` is what the player talks to. :class:`FileSessionStore` keeps one JSON file
per learner and story, written atomically (temporary file, fsync, rename, fsync of the folder):
once :meth:`SessionStore.save` returns, the save survives a crash or ``kill -9``. The story bank
provides another implementation, which makes the bank the durable record.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from crossroads.engine.diagnostics import SaveError
from crossroads.engine.files import make_folder, write_bytes
from crossroads.engine.paths import data_dir
from crossroads.engine.runtime import Session

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory

Progress = Literal["in progress", "finished"]
"""Where a learner stands with a story: a playthrough under way, or one that reached an ending."""


def reached_ending(story: Story, events: Iterable[Mapping[str, Any]]) -> bool:
    """True when the last choice of these saved events led to one of the story's endings."""
    last = None
    for event in events:
        if event.get("type") == "choice":
            last = event.get("to")
    scene = story.scenes.get(last) if isinstance(last, str) else None
    return scene is not None and scene.ending is not None


class SessionStore(Protocol):
    """Durable storage for a learner's session of a story."""

    def save(self, session: Session) -> None:
        """Persist the session; durable when this returns."""

    def load(self, story: Story | PlayStory, learner: str) -> Session | None:
        """Return the saved unfinished session, None when there is none.

        Raises:
            SaveError: a save exists but cannot be used with this story (explain it).
        """

    def discard(self, story: Story | PlayStory, learner: str) -> None:
        """Forget the saved session (after an ending, or when starting over)."""

    def progress(self, stories: Iterable[Story], learner: str) -> dict[str, Progress]:
        """Which of ``stories`` (by id) the learner has under way or has finished.

        Raises:
            CrossroadsError: the store cannot be read now (e.g. the story bank is unreachable).
        """


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    Raises:
        OutputError: the save cannot be written (``path: reason``).
    """
    make_folder(path.parent)
    write_bytes(path, data, fsync_folder=True, private=True)  # the learner's alone


class FileSessionStore:
    """One JSON file per (learner, story) under ``<data dir>/saves``."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else data_dir() / "saves"

    def path_for(self, story_id: str, learner: str) -> Path:
        """The save file of a learner's session of a story."""
        who = hashlib.sha256(learner.encode()).hexdigest()[:12]
        return self.root / f"{story_id}--{who}.json"

    def save(self, session: Session) -> None:
        """Write the session atomically."""
        atomic_write(
            self.path_for(session.story.id, session.learner), session.dumps().encode("utf-8")
        )

    def load(self, story: Story | PlayStory, learner: str) -> Session | None:
        """Return the saved session, or None."""
        path = self.path_for(story.id, learner)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as err:
            raise SaveError(f"cannot read the save {path}: {err.strerror}") from err
        return Session.loads(story, text)

    def discard(self, story: Story | PlayStory, learner: str) -> None:
        """Move the save to ``saves/finished/`` (nothing a learner wrote is deleted)."""
        path = self.path_for(story.id, learner)
        if path.exists():
            done = self.root / "finished"
            done.mkdir(parents=True, exist_ok=True)
            stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
            target = done / f"{path.stem}-{stamp}.json"
            n = 1
            while target.exists():  # two archives within a second: keep both
                target = done / f"{path.stem}-{stamp}-{n}.json"
                n += 1
            os.replace(path, target)

    def progress(self, stories: Iterable[Story], learner: str) -> dict[str, Progress]:
        """An unfinished save means "in progress"; an archived save that reached an ending (of
        the story as it is now) means "finished". Unreadable files are passed over."""
        found: dict[str, Progress] = {}
        for story in stories:
            current = self.path_for(story.id, learner)
            archived = sorted((self.root / "finished").glob(f"{current.stem}-*.json"))
            for path in [current, *archived]:
                events = _saved_events(path)
                if events is None:
                    continue
                if reached_ending(story, events):
                    found[story.id] = "finished"
                elif path == current:
                    found[story.id] = "in progress"
                    break
        return found


def _saved_events(path: Path) -> list[Any] | None:
    """The events of a save file, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    events = data.get("events") if isinstance(data, dict) else None
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else None
