"""Load one story for ``graph``, ``stats`` or ``playtest``, errors and all (see
:mod:`crossroads.engine.lenient`): its errors are printed to standard error first, as warnings."""

from __future__ import annotations

import sys

from crossroads.engine.diagnostics import StoryError
from crossroads.engine.lenient import blocking_errors, load_lenient, playable
from crossroads.engine.model import Story
from crossroads.tui.commands._story import story_path


def load_despite_errors(arg: str, command: str, *, play: bool) -> tuple[Story, Story]:
    """Load the story ``arg`` names even when it has errors; print them to standard error.

    Args:
        arg: the STORY argument (a file, or a shipped story's id).
        command: the command's name, for the messages.
        play: the command steps through the story (``stats``, ``playtest``), which needs every
            error outside the graph's shape fixed first.

    Returns:
        (the story as loaded, the story to step through: :func:`playable`'s copy).

    Raises:
        StoryError: it cannot be loaded, or (``play``) it has errors that stop any playthrough.
    """
    path = story_path(arg)
    report = load_lenient(path)
    assert report.story is not None
    errors = [d for d in report.diagnostics if d.severity == "error"]
    blocking = blocking_errors(report) if play else []
    for diag in errors:
        print(diag.format(), file=sys.stderr)
    n = len(errors)
    plural = "" if n == 1 else "s"
    if blocking:
        codes = ", ".join(sorted({d.code for d in blocking}))
        raise StoryError(
            f"{path}: {command} cannot play this story until its {codes} error"
            f"{'' if len(blocking) == 1 else 's'} above are fixed (see 'crossroads check {arg}'); "
            "'crossroads graph' draws it as it is"
        )
    if errors:
        print(
            f"{path}: warning: the story has {n} error{plural} (above; see 'crossroads check "
            f"{arg}'); {command} shows it as it is",
            file=sys.stderr,
        )
    return report.story, playable(report.story) if play else report.story
