"""``crossroads import twee FILE.twee [-o STORY.yaml]`` (and the work behind ``crossroads export
twee``): Twine interop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crossroads.engine.diagnostics import StoryError, UsageError
from crossroads.tui.commands._common import (
    STORY_HELP,
    add_output_option,
    load_valid,
    write_output,
)


def register(sub: Any) -> None:
    """Add the ``import`` subcommand and its ``twee`` format."""
    p = sub.add_parser("import", help="import a story from another tool (Twine's Twee 3)",
                       description="Bring a story written elsewhere into Crossroads.")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    t = formats.add_parser(
        "twee",
        help="a Twine story in Twee 3 (SugarCube, Harlowe or Snowman)",
        description="Import a Twee 3 file as a Crossroads story: passages become scenes, links "
        "(and macro links to literal passages) choices, literal state changes meters, flags and "
        "effects, an if around a link its condition. What cannot be brought over is listed "
        "as FILE:line:col with a code; a broken link in the source stays broken, so "
        "'crossroads check' fails there.",
    )
    t.add_argument("file", metavar="FILE.twee", type=Path, help="the Twee 3 file")
    add_output_option(t, "where to write the story (default: FILE.yaml next to it; - for "
                      "standard output)")
    t.add_argument("--id", metavar="ID", help="the story's id (default: from its title)")
    t.add_argument("--force", action="store_true", help="overwrite an existing output file")
    t.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import the file; print what was not brought over; write the story."""
    from crossroads.engine.twee import import_twee

    path: Path = args.file
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    result = import_twee(text, str(path), args.id)
    for d in result.diagnostics:
        print(d.format(), file=sys.stderr)
    if not result.yaml:
        raise StoryError(f"{path}: nothing to import")
    out = Path(args.output) if args.output is not None else path.with_suffix(".yaml")
    if str(out) == "-":
        write_output(None, result.yaml)
        return 1 if result.errors else 0
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; give --force to overwrite it, or -o another file")
    write_output(out, result.yaml)
    warnings = sum(1 for d in result.diagnostics if d.severity == "warning")
    summary = (f"wrote {out}: {result.scenes} scenes, {result.choices} choices from a "
               f"{result.story_format} story; {warnings} thing{'s' if warnings != 1 else ''} "
               "not brought over (listed above)")
    if result.errors:
        summary += (f"; {result.errors} broken link{'s' if result.errors != 1 else ''} kept, so "
                    "'crossroads check' fails there")
    print(summary)
    return 1 if result.errors else 0


def add_export(formats: Any) -> None:
    """Add ``export twee STORY [-o FILE.twee]`` to the ``export`` command's formats."""
    t = formats.add_parser(
        "twee",
        help="a story as Twee 3 (SugarCube) for Twine's story map",
        description="Write a story as Twee 3 with SugarCube state: one passage per scene, "
        "choices as links with their effects, conditions as <<if>>, a stable IFID.",
    )
    t.add_argument("story", metavar="STORY", help=STORY_HELP)
    add_output_option(t, "write the Twee file here (default: standard output)")
    t.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Export a valid story as Twee 3."""
    from crossroads.engine.twee import export_twee

    text = export_twee(load_valid(args.story))
    written = write_output(args.output, text)
    if written is not None:
        print(f"wrote {written}")
    return 0
