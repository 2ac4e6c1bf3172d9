"""``crossroads schema``: write the story format's JSON Schema for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from crossroads.engine.schema import story_schema

DEFAULT_PATH = Path("schema/story.schema.json")


def register(sub: Any) -> None:
    """Add the ``schema`` subcommand."""
    p = sub.add_parser("schema", help="write schema/story.schema.json for editor completion")
    p.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_PATH, help="where to write (- for stdout)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the schema."""
    text = json.dumps(story_schema(), indent=2, ensure_ascii=False) + "\n"
    if str(args.output) == "-":
        print(text, end="")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0
