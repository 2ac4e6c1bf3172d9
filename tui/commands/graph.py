"""``crossroads graph STORY``: the scene graph as Mermaid, Graphviz DOT, or SVG."""

from __future__ import annotations

import argparse
from typing import Any

from crossroads.engine.graphviz import render
from crossroads.tui.commands._common import (
    STORY_HELP,
    add_output_option,
    load_despite_errors,
    write_output,
)


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
    p.add_argument("story", metavar="STORY", help=STORY_HELP)
    p.add_argument(
        "--format", choices=["mermaid", "dot", "svg"], default="mermaid", help="default: mermaid"
    )
    add_output_option(p, "write to FILE instead of the screen")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the graph (problems marked) to standard output or a file."""
    story, _ = load_despite_errors(args.story, "graph", play=False)
    text = render(story, args.format)
    write_output(args.output, text)
    return 0
