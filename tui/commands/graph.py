"""``crossroads graph STORY``: the scene graph as Mermaid, Graphviz DOT, or SVG."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.graphviz import render
from crossroads.tui.commands._lenient import load_despite_errors


def register(sub: Any) -> None:
    """Add the ``graph`` subcommand."""
    p = sub.add_parser(
        "graph",
        help="draw the scene graph (Mermaid, DOT, or SVG through Graphviz)",
        description="Print the scene graph: endings by kind, points of view and reflection "
        "scenes marked. A story with errors is drawn as it is, its errors printed first: a "
        "missing scene as a red dashed 'missing: ID' node, unreachable scenes grey and dashed, "
        "dead ends with a red border. SVG needs Graphviz's 'dot' program.",
    )
    p.add_argument("story", metavar="STORY", help="a story file (or a shipped story's id)")
    p.add_argument(
        "--format", choices=["mermaid", "dot", "svg"], default="mermaid", help="default: mermaid"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the screen")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the graph (problems marked) to standard output or a file."""
    story, _ = load_despite_errors(args.story, "graph", play=False)
    text = render(story, args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot write {args.output}: {err.strerror}") from None
    else:
        print(text, end="")
    return 0
