"""The stories a learner can pick from: every loadable story file in a folder.

Files that fail to load or validate are kept aside (with the reason) so the picker can mention them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crossroads.engine.check import check_story_file
from crossroads.engine.diagnostics import StoryError
from crossroads.engine.loader import find_story_files
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayStory
from crossroads.tui.i18n import _


@dataclass(frozen=True, slots=True)
class Entry:
    """A playable story and where it came from."""

    path: Path
    story: Story

    @property
    def pov(self) -> str:
        """"Name, role" of the story's default point of view ('' when none)."""
        member = self.story.cast.get(self.story.pov or "")
        if member is None:
            return ""
        return f"{member.name}, {member.role}" if member.role else member.name

    @property
    def minutes(self) -> str:
        """The estimated playing time, for display."""
        m = self.story.estimated_minutes
        return _("about {minutes} min").format(minutes=m) if m else _("length unknown")


@dataclass
class Catalog:
    """Stories found in some folders, and the files that could not be loaded."""

    entries: list[Entry] = field(default_factory=list)
    broken: list[tuple[Path, str]] = field(default_factory=list)

    def find(self, story_id: str) -> Entry | None:
        """The story with this id, if any."""
        return next((e for e in self.entries if e.story.id == story_id), None)


def discover(folders: Iterable[Path]) -> Catalog:
    """Load and validate every story file under ``folders`` (missing folders are ignored)."""
    catalog = Catalog()
    seen: set[Path] = set()
    for folder in folders:
        if not folder.exists():
            continue
        try:
            files = find_story_files([folder])
        except StoryError:
            continue
        for path in files:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            report = check_story_file(path)
            if report.story is not None and not report.errors:
                catalog.entries.append(Entry(path, report.story))
            else:
                first = next(d for d in report.diagnostics if d.severity == "error")
                catalog.broken.append((path, f"{first.line}:{first.col}: {first.message}"))
    catalog.entries.sort(key=lambda e: e.story.title.lower())
    return catalog


def paired_stories(story: Story | PlayStory, folders: Iterable[Path]) -> list[Entry]:
    """The stories ``story`` pairs with (``pairs_with``) that are found under ``folders``."""
    wanted = [sid for sid in story.pairs_with if sid != story.id]
    if not wanted:
        return []
    catalog = discover(folders)
    return [e for sid in wanted if (e := catalog.find(sid)) is not None]
