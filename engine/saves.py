"""Saving and resuming sessions, behind one interface.

:class:`SessionStore` is what the player talks to. :class:`FileSessionStore` keeps one JSON file
per learner and story, written atomically (temporary file, fsync, rename, fsync of the folder):
once :meth:`SessionStore.save` returns, the save survives a crash or ``kill -9``. The story bank
provides another implementation, which makes the bank the durable record.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from crossroads.engine.diagnostics import SaveError
from crossroads.engine.paths import data_dir
from crossroads.engine.runtime import Session

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


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
            raise SaveError(f"cannot read the save {path}: {err.strerror}") from None
        return Session.loads(story, text)

    def discard(self, story: Story | PlayStory, learner: str) -> None:
        """Move the save to ``saves/finished/`` (nothing a learner wrote is deleted)."""
        path = self.path_for(story.id, learner)
        if path.exists():
            done = self.root / "finished"
            done.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            os.replace(path, done / f"{path.stem}-{stamp}-{os.getpid()}.json")
