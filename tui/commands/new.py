"""``crossroads new STORY-ID``: write a small, valid starter story to edit."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crossroads.engine.scaffold import write_starter


def register(sub: Any) -> None:
    """Add the ``new`` subcommand."""
    p = sub.add_parser(
        "new",
        help="start a new story from a small, valid template",
        description="Write STORY-ID.yaml: a starter story with two points of view, a meter, a "
        "flag, reflection prompts and three endings. It passes 'crossroads check' as written.",
    )
    p.add_argument("story_id", metavar="STORY-ID", help="the story's id, e.g. 'night-shift'")
    p.add_argument("--title", help="the title learners see (default: from the id)")
    p.add_argument("--dir", type=Path, default=Path("stories"), metavar="FOLDER",
                   help="the folder to write to, created if missing (default: stories)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the starter story and say what to do next."""
    path = write_starter(args.story_id, args.dir, title=args.title, force=args.force)
    print(f"wrote {path}")
    print(f"next: edit it, then run 'crossroads check {path}'")
    return 0
