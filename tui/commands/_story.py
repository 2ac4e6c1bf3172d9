"""Load one story for a command that needs it valid (playtest, graph, stats)."""

from __future__ import annotations

from pathlib import Path

from crossroads.engine.check import check_story_file
from crossroads.engine.diagnostics import StoryError
from crossroads.engine.model import Story
from crossroads.engine.paths import stories_dir


def story_path(arg: str) -> Path:
    """A story file path; a bare id names a shipped story (``first-week``)."""
    path = Path(arg)
    if not path.exists() and path.suffix == "" and "/" not in arg:
        shipped = stories_dir() / f"{arg}.yaml"
        if shipped.exists():
            return shipped
    return path


def load_valid(arg: str) -> Story:
    """Load and validate a story.

    Raises:
        StoryError: it cannot be loaded, or it has errors (printed like ``crossroads check``).
    """
    report = check_story_file(story_path(arg))
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if report.story is None or errors:
        raise StoryError("the story has errors; run 'crossroads check' on it", errors)
    return report.story
