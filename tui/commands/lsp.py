"""``crossroads lsp``: the language server for authors' editors (over standard input/output)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``lsp`` subcommand."""
    p = sub.add_parser(
        "lsp",
        help="the language server for story files (your editor starts it; see docs/authoring.md)",
        description="Speak the Language Server Protocol on standard input and output: "
        "diagnostics as you type, go to definition, references, completion, hover, rename and "
        "quick fixes for crossroads/1 stories. Your editor starts it; see docs/authoring.md.",
    )
    p.add_argument("--stdio", action="store_true",
                   help="use standard input and output (the default and only transport)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until the editor says exit."""
    from crossroads.lsp import main

    return main()
