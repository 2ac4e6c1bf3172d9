"""``crossroads themes --story ID [--prompt ID]``: the themes in the reflections a reader may see.

Reads the bank through its access rules (``--as NAME`` reads as that learner; without it, only
reflections shared with the whole bank), groups them into themes, and prints each theme with a
short summary and representative quotes, ending with "N of N voices represented". Anonymous
reflections are quoted as "anonymous". ``--json`` prints the same as data.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import textwrap
from typing import Any

from engine.bank import open_bank
from engine.diagnostics import UsageError
from engine.reflections import ThemeReport, find_themes
from engine.reflections.source import visible_reflections

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def register(sub: Any) -> None:
    """Add the ``themes`` subcommand."""
    p = sub.add_parser(
        "themes",
        help="group the reflections of a story (or one prompt) into themes with summaries",
        description="Group the reflections a reader may see into themes, each with a short "
        "summary and quotes; every reflection is in exactly one theme. Without --as, only "
        "reflections shared with the whole bank are read.",
    )
    p.add_argument("--story", metavar="ID", required=True, help="the story")
    p.add_argument("--prompt", metavar="ID", help="only this reflection prompt")
    p.add_argument("--as", dest="reader", metavar="NAME", help="read as this learner")
    p.add_argument("--bank", metavar="PATH|URL", help="the bank (a file or postgresql:// URL)")
    p.add_argument("--seed", type=int, default=0, help="grouping seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the themes as JSON")
    p.set_defaults(func=run)


def _plain(text: str) -> str:
    """Text safe for a terminal: control characters (escape sequences) made visible."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def run(args: argparse.Namespace) -> int:
    """Read, group and print."""
    from tui.progress import progress_bar

    with open_bank(args.bank) as bank:
        if args.reader is not None and bank.learner(args.reader, create=False) is None:
            raise UsageError(f"no learner named {args.reader!r} in the bank at {bank.url}")
        reflections = list(visible_reflections(bank, args.story, args.prompt, args.reader))
    with progress_bar("finding themes") as bar:
        report = find_themes(reflections, seed=args.seed, progress=bar)
    if args.json:
        data = {"story": args.story, "prompt": args.prompt, "reader": args.reader}
        print(json.dumps({**data, **report.to_json()}, indent=2, ensure_ascii=False))
    else:
        print(render(report, args.story, args.prompt, args.reader))
    return 0


def _voices(n: int) -> str:
    return f"{n:,} voice{'' if n == 1 else 's'}"


def render(
    report: ThemeReport, story: str, prompt: str | None, reader: str | None, width: int = 0
) -> str:
    """The report as plain text, wrapped to the terminal (learner text is never markup)."""
    width = width or max(60, min(100, shutil.get_terminal_size((100, 24)).columns))
    where = f"prompt {prompt!r} of {story!r}" if prompt else f"story {story!r}"
    who = f"as {reader} may see them" if reader else "shared with the whole bank"
    lines = [_plain(f"Themes in the reflections at {where}, {who}"), ""]
    if not report.themes:
        lines += ["No reflections to group.", ""]
    for number, theme in enumerate(report.themes, start=1):
        lines.append(_plain(f"{number}. {theme.title} — {_voices(theme.size)}"))
        if theme.summary:
            lines += textwrap.wrap(
                _plain(theme.summary), width, initial_indent="   ", subsequent_indent="   "
            )
        for quote in theme.quotes:
            lines += textwrap.wrap(
                _plain(f"“{quote.text}” — {quote.byline}"),
                width,
                initial_indent="   > ",
                subsequent_indent="     ",
            )
        lines.append("")
    lines.append(report.voices)
    return "\n".join(lines)
