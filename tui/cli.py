"""The ``crossroads`` command line.

Each subcommand lives in ``tui/commands/<name>.py`` and exposes ``register(subparsers)``, which
adds its parser and sets ``func`` to a handler ``(args) -> int`` (the exit code). Errors that a
person can fix are :class:`~crossroads.engine.diagnostics.CrossroadsError`; they are printed as one
line each
on standard error, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from crossroads.engine.diagnostics import CrossroadsError

#: Subcommand modules under ``crossroads.tui.commands``, in the order ``--help`` lists them.
COMMANDS = ["play", "check", "new", "schema", "playtest", "graph", "stats", "bank", "cohort",
            "report", "export", "themes", "classify", "twee"]


class _Parser(argparse.ArgumentParser):
    """argparse that prints a one-line usage error and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand (or just ``only``, which keeps
    start-up lean: ``crossroads play`` does not import the other commands)."""
    parser = _Parser(
        prog="crossroads",
        description="Crossroads: live a story from someone else's point of view.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    registered = 0
    for name in [only] if only in COMMANDS else COMMANDS:
        try:
            module = importlib.import_module(f"crossroads.tui.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"crossroads.tui.commands.{name}":
                continue  # not built yet
            raise
        module.register(sub)
        registered += 1
    if only in COMMANDS and not registered:
        return build_parser()
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        if args.command is None and "crossroads.tui.commands.play" in sys.modules:
            return main(["play"])
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except CrossroadsError as err:
        for line in err.lines():
            print(line, file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
