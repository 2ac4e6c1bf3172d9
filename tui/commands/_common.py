"""The command-line plumbing every command shares: story arguments, ``--bank PATH|URL``,
``-o FILE`` outputs, cohorts, and text safe for a terminal.

One place, so every ``--help`` names things the same way (``STORY``, ``COHORT``, ``-o FILE``,
``--bank PATH|URL``) and every command fails the same way (one line, naming what to fix).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.engine.diagnostics import StoryError, UsageError
from crossroads.engine.paths import stories_dir

if TYPE_CHECKING:
    from crossroads.engine.bank import Bank, Cohort
    from crossroads.engine.model import Story

STORY_HELP = "a story file or a shipped story's id (e.g. first-week)"
"""The help of every ``STORY`` argument that names one story."""

BANK_HELP = ("the story bank: an SQLite file or a postgresql:// URL (default: $CROSSROADS_BANK, "
             "else bank.sqlite3 in your data folder)")
"""The help of every ``--bank PATH|URL`` option."""

COHORT_HELP = "the cohort's join code"
"""The help of every ``COHORT`` argument."""

# ---------------------------------------------------------------------- stories
def shipped_story(arg: str) -> Path | None:
    """The shipped story file a bare id names (``first-week``), if there is one."""
    if not arg or "/" in arg or "\\" in arg or arg.startswith("."):
        return None
    for suffix in ("", ".yaml", ".yml"):
        path = stories_dir() / f"{arg}{suffix}"
        if path.suffix in (".yaml", ".yml") and path.is_file():
            return path
    return None


def story_path(arg: str, *, folder_ok: bool = False) -> Path:
    """The story a ``STORY`` argument names: a file, a folder of stories (where ``folder_ok``),
    or a shipped story's id.

    Raises:
        UsageError: nothing by that name, or a folder where one story is needed.
    """
    path = Path(arg)
    if path.is_dir():
        if folder_ok:
            return path
        raise UsageError(f"{arg}: is a folder; give one story file (or a shipped story's id)")
    if path.exists():
        return path
    shipped = shipped_story(arg)
    if shipped is not None:
        return shipped
    what = "story file, folder" if folder_ok else "story file"
    raise UsageError(f"{arg}: no {what} or shipped story by that name (the shipped stories "
                     f"are in {stories_dir()})")


def check_arg(arg: str) -> str | Path:
    """A ``crossroads check`` path: a shipped story's file for a bare id that names no file or
    folder here; otherwise the argument as given (``check`` reports a missing path itself)."""
    if Path(arg).exists():
        return arg
    return shipped_story(arg) or arg


def load_valid(arg: str) -> Story:
    """Load and validate the story a ``STORY`` argument names.

    Raises:
        UsageError: nothing by that name (see :func:`story_path`).
        StoryError: it cannot be loaded, or it has errors (printed like ``crossroads check``).
    """
    from crossroads.engine.check import check_story_file

    path = story_path(arg)
    report = check_story_file(path)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if report.story is None or errors:
        raise StoryError(f"{path}: the story has errors; run 'crossroads check {path}'", errors)
    return report.story


def story_id(arg: str) -> str:
    """The story id a ``--story`` filter names: a story file's id, or the argument itself."""
    if Path(arg).is_file() or Path(arg).suffix in (".yaml", ".yml"):
        return load_valid(arg).id  # a file, or a missing one (a one-line error)
    return arg


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
    from crossroads.engine.lenient import blocking_errors, load_lenient, playable

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


def resolve_story(bank: Bank, cohort: str | None, story: str | None) -> Story:
    """The story a cohort command reports on: a file, a shipped story's id (the id inside the
    file, for stories whose file is named otherwise), or the one story the cohort played.

    Raises:
        UsageError: no such story or cohort, or the cohort played several and none was named.
        StoryError: the story file has errors.
    """
    if story is not None:
        if Path(story).exists() or shipped_story(story) is not None:
            return load_valid(story)
        wanted = story
    else:
        if cohort is not None:
            require_cohort(bank, cohort)
        played = sorted({p.story_id for p in bank.playthroughs(cohort=cohort)})
        if not played:
            who = f"cohort {cohort!r}" if cohort else "the story bank"
            raise UsageError(f"{who} has no playthroughs yet")
        if len(played) > 1:
            raise UsageError(f"cohort {cohort!r} played {len(played)} stories "
                             f"({', '.join(played)}): name one with --story STORY")
        wanted = played[0]
    from crossroads.tui.catalog import discover

    entry = discover([stories_dir()]).find(wanted)
    if entry is None:
        raise UsageError(f"{wanted}: no story file or shipped story by that name (in "
                         f"{stories_dir()}); give the story's file instead")
    return entry.story


# ---------------------------------------------------------------------- bank and cohorts
def add_bank_option(p: argparse.ArgumentParser) -> None:
    """Add ``--bank PATH|URL``, the same in every command."""
    p.add_argument("--bank", metavar="PATH|URL", help=BANK_HELP)


def min_group(text: str) -> int:
    """``--min-group``: a whole number, at least the default (it can only be raised)."""
    from crossroads.engine.cohort.model import MIN_GROUP

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < MIN_GROUP:
        raise argparse.ArgumentTypeError(
            f"the minimum group size can be raised, not lowered below {MIN_GROUP}")
    return value


def add_cohort_options(p: argparse.ArgumentParser) -> None:
    """Add ``--bank PATH|URL`` and ``--min-group N`` (the commands that show a cohort's
    aggregates)."""
    from crossroads.engine.cohort.model import MIN_GROUP

    add_bank_option(p)
    p.add_argument("--min-group", type=min_group, default=MIN_GROUP, metavar="N",
                   help=f"withhold the split of any group smaller than N (default {MIN_GROUP})")


def require_cohort(bank: Bank, code: str) -> Cohort:
    """The cohort with this join code.

    Raises:
        UsageError: the bank holds no such cohort.
    """
    cohort = bank.cohort(code)
    if cohort is None:
        raise UsageError(f"no cohort with the code {code!r} in the story bank {bank.url} "
                         "(see 'crossroads bank list cohorts')")
    return cohort


# ---------------------------------------------------------------------- outputs
def add_output_option(p: argparse.ArgumentParser, help_text: str) -> None:
    """Add ``-o/--output FILE`` (``-`` or none: standard output)."""
    p.add_argument("-o", "--output", metavar="FILE", help=help_text)


def write_output(target: str | Path | None, text: str) -> Path | None:
    """Write ``text`` to the file ``target`` atomically, or to standard output when ``target``
    is None or ``-``; return the file written, if any.

    Raises:
        OutputError: the file cannot be written (``path: reason``).
    """
    if target is None or str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    from crossroads.engine.files import write_text

    return write_text(target, text)
