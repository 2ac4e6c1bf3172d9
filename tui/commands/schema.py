"""``crossroads schema``: write the story format's JSON Schema for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from crossroads.engine.files import make_folder
from crossroads.engine.schema import story_schema
from crossroads.tui.commands._common import write_output

DEFAULT_PATH = Path("schema/story.schema.json")


def register(sub: Any) -> None:
    """Add the ``schema`` subcommand."""
    p = sub.add_parser(
        "schema",
        help="write schema/story.schema.json for editor completion",
        description="Write the story format's JSON Schema, which editors use to complete and "
        "check stories (point at it from a story's first line).",
    )
    p.add_argument("-o", "--output", metavar="FILE", type=Path, default=DEFAULT_PATH,
                   help=f"where to write ('-' for standard output; default {DEFAULT_PATH}; "
                   "missing folders are created)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the schema."""
    return write_schema(story_schema(), args.output)


def write_schema(schema: dict[str, Any], output: Path) -> int:
    """Write ``schema`` as JSON to ``output`` (``-``: standard output), making missing folders."""
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if str(output) == "-":
        write_output(None, text)
        return 0
    make_folder(output.parent)
    write_output(output, text)
    print(f"wrote {output}")
    return 0
