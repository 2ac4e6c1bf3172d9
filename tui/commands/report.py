"""``crossroads report COHORT``: the facilitator's report as one HTML page, CSV or JSON.

Aggregates only: splits of groups below the minimum size are withheld, reflections are counted,
never quoted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.bank import open_bank
from engine.cohort import analyse
from engine.diagnostics import UsageError
from tui.commands.cohort import add_bank_args, resolve_story


def register(sub: Any) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report",
        help="a cohort's report for the facilitator (HTML, CSV or JSON)",
        description="How a cohort played a story: the flow of choices scene to scene, where "
        "paths parted, endings, completion and drop-off, check-in changes and how many stories "
        "were shared at each reflection prompt. Splits of small groups are withheld.",
    )
    p.add_argument("cohort", metavar="COHORT", help="the cohort's join code")
    p.add_argument("--story", metavar="ID",
                   help="a story file or shipped story id (default: the one the cohort played)")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--html", metavar="FILE", type=Path,
                     help="write one self-contained HTML page")
    out.add_argument("--csv", metavar="FILE", type=Path, help="write the report as CSV")
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    add_bank_args(p)
    p.set_defaults(func=run)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None


def run(args: argparse.Namespace) -> int:
    """Build the report and write it."""
    bank = open_bank(args.bank)
    try:
        story = resolve_story(bank, args.cohort, args.story)
        report = analyse(bank, story, args.cohort, args.min_group)
    finally:
        bank.close()
    if args.json:
        from engine.export.json import render_json

        sys.stdout.write(render_json(report))
        return 0
    if args.csv is not None:
        from engine.export.csv import render_csv

        _write(args.csv, render_csv(report))
        print(f"wrote {args.csv}")
        return 0
    from engine.export.html import render_html

    _write(args.html, render_html(report, story))
    print(f"wrote {args.html}")
    return 0
