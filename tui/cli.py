"""The ``crossroads`` command line.

Each subcommand lives in ``tui/commands/<name>.py`` and exposes ``register(subparsers)``, which
adds its parser and sets ``func`` to a handler ``(args) -> int`` (the exit code). Only the chosen
command's module is imported; ``--help`` lists the commands from :data:`COMMANDS`, a static table.

This is the one error boundary: an error a person can fix is a
:class:`~crossroads.engine.diagnostics.CrossroadsError`, printed as one line (one per diagnostic)
on standard error; an ``OSError`` that escapes a command is printed as ``path: reason``. Neither
ends in a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from crossroads import __version__
from crossroads.engine.diagnostics import CrossroadsError

#: Every subcommand and its one-line help, in the order ``--help`` lists them. The module
#: :func:`module_of` registers the command with the same help (a test checks).
COMMANDS: dict[str, str] = {
    "play": "play a story (with no STORY: choose one)",
    "check": "check stories for broken links, dead ends and other problems",
    "new": "start a new story from a small, valid template",
    "schema": "write schema/story.schema.json for editor completion",
    "playtest": "play a story many times at random; show which scenes and choices were never "
    "reached",
    "graph": "draw the scene graph (Mermaid, DOT, or SVG through Graphviz)",
    "stats": "scenes, words, choices, endings, reading time and routes to each ending",
    "bank": "list, search, export, import or forget the story bank's records",
    "cohort": "compare your path with your cohort's, choice by choice",
    "report": "a cohort's report for the facilitator (HTML, CSV or JSON)",
    "programme": "a cohort's programme: which story each session plays, by when, and who is "
    "where",
    "export": "export playthroughs for other tools (xAPI)",
    "themes": "group the reflections of a cohort or a story (or one prompt) into themes",
    "classify": "label reflections (standard input) as stories or opinions, as JSON Lines",
    "serve": "run the cohort server: the one program that opens a shared story bank",
    "facilitator": "add a facilitator to a cohort server's bank (prints their token once)",
    "server-role": "make the cohort server's least-privilege PostgreSQL role (run as the bank's "
    "owner)",
    "import": "import a story from another tool (Twine's Twee 3)",
    "l10n": "translate a story with gettext: extract a template, update a language, show "
    "progress",
    "lsp": "the language server for story files (your editor starts it; see docs/authoring.md)",
    "join": "join a cohort on a cohort server with your invitation code (signs you in)",
    "login": "save a facilitator's token for a cohort server (from $CROSSROADS_TOKEN or "
    "standard input)",
    "logout": "sign out of the cohort server (the saved token stops working)",
    "forget-me": "erase all your records on the cohort server, then sign out",
    "debrief": "print a story's notes for the facilitator, or a cohort's printable debrief "
    "guide (--html/--md)",
}

#: Commands whose module is not named after them (``import`` is a Python keyword).
_MODULES = {"import": "twee"}


#: Commands whose first word may name an action another module registers: ``crossroads cohort
#: create …`` (a facilitator's cohorts) beside ``crossroads cohort COHORT`` (the cohort view).
_ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "cohort": ("_cohort_admin", frozenset({"create", "list", "invite", "revoke", "erase"})),
}


def module_of(name: str, action: str | None = None) -> str:
    """The module under ``crossroads.tui.commands`` that registers the command ``name`` (or,
    for ``crossroads cohort create`` and the like, its ``action``)."""
    if name in _ACTIONS and action in _ACTIONS[name][1]:
        return _ACTIONS[name][0]
    return _MODULES.get(name, name.replace("-", "_"))


class _Parser(argparse.ArgumentParser):
    """argparse that prints a one-line usage error and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(only: str | None = None, action: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command listed, only ``only`` (if it is one) fully registered,
    so that ``crossroads play`` or ``crossroads --help`` imports no other command's module."""
    parser = _Parser(
        prog="crossroads",
        description="Crossroads: live a story from someone else's point of view.",
        epilog="Run 'crossroads COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"crossroads {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        if name == only:
            module = module_of(name, action)
            importlib.import_module(f"crossroads.tui.commands.{module}").register(sub)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:
        words = ["play"]
    try:
        parser = build_parser(words[0], words[1] if len(words) > 1 else None)
        args = parser.parse_args(words)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args))
    except CrossroadsError as err:
        from crossroads.engine.terminal_text import one_line

        for line in err.lines():
            print(one_line(line), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``crossroads bank list | head``): say nothing more. Python would
        # otherwise complain when it flushes standard output at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as err:
        from crossroads.engine.files import describe
        from crossroads.engine.terminal_text import one_line

        text = one_line(describe(err))
        print(text if err.filename is not None else f"crossroads: {text}", file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
