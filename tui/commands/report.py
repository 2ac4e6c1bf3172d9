"""``crossroads report COHORT``: the facilitator's report as one HTML page, CSV or JSON.

Aggregates: splits of groups below the minimum size are withheld and reflections are counted. The
HTML page also shows the themes at each prompt over the reflections its reader may see (``--as
NAME``; without it, only those shared with the whole bank), never private ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crossroads.engine.bank import open_bank
from crossroads.engine.cohort import analyse
from crossroads.engine.diagnostics import UsageError
from crossroads.tui.commands._common import (
    COHORT_HELP,
    STORY_HELP,
    add_cohort_options,
    resolve_story,
    write_output,
)
from crossroads.tui.commands._lang import add_lang_option, check_lang_filter
from crossroads.tui.commands._remote import add_local_option, mirror_story, open_mirror


def register(sub: Any) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report",
        help="a cohort's report for the facilitator (HTML, CSV or JSON)",
        description="How a cohort played a story: the flow of choices scene to scene, where "
        "paths parted, endings, completion and drop-off, check-in changes and how many stories "
        "were shared at each reflection prompt (in HTML, with the themes in what was shared). "
        "Splits of small groups are withheld.",
    )
    p.add_argument("cohort", metavar="COHORT", help=COHORT_HELP)
    p.add_argument("--story", metavar="STORY",
                   help=f"{STORY_HELP} (default: the one the cohort played)")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--html", metavar="FILE", type=Path,
                     help="write one self-contained HTML page to FILE ('-': standard output)")
    out.add_argument("--csv", metavar="FILE", type=Path,
                     help="write the report as CSV to FILE ('-': standard output)")
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--as", dest="reader", metavar="NAME",
                   help="the HTML's themes section reads what this learner may see (default: "
                   "only reflections shared with the whole bank); never private ones")
    add_lang_option(p)
    add_cohort_options(p)
    add_local_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the report and write it."""
    check_lang_filter(args.lang)
    mirror = open_mirror(args)
    if mirror is not None:
        if args.reader is not None:
            raise UsageError("--as is for a local bank; through a cohort server the themes "
                             "read what you may see (add --local to read a local bank)")
        with mirror:
            code = mirror.cohort(args.cohort)
            assert code is not None
            story = mirror_story(mirror, code, args.story)
            report = analyse(mirror.bank, story, code, args.min_group, args.lang)
            themes = None
            if args.html is not None:
                from crossroads.engine.reflections.codebook import story_codebooks
                from crossroads.engine.reflections.prompts import prompt_themes

                themes = prompt_themes(mirror.bank, story.id,
                                       [p.prompt for p in report.reflections], code,
                                       mirror.reader, codebooks=story_codebooks(story))
        return _write(args, report, story, themes, None)
    bank = open_bank(args.bank)
    themes = None
    try:
        story = resolve_story(bank, args.cohort, args.story)
        report = analyse(bank, story, args.cohort, args.min_group, args.lang)
        if args.html is not None:
            from crossroads.engine.reflections.codebook import story_codebooks
            from crossroads.engine.reflections.prompts import prompt_themes

            if args.reader is not None and bank.learner(args.reader, create=False) is None:
                raise UsageError(f"no learner named {args.reader!r} in the bank at {bank.url}")
            themes = prompt_themes(bank, story.id, [p.prompt for p in report.reflections],
                                   args.cohort, args.reader, codebooks=story_codebooks(story))
    finally:
        bank.close()
    return _write(args, report, story, themes, args.reader)


def _write(args: argparse.Namespace, report: Any, story: Any, themes: Any,
           reader: str | None) -> int:
    """Write the report in the format asked for."""
    if args.json:
        from crossroads.engine.export.json import render_json

        sys.stdout.write(render_json(report))
        return 0
    if args.csv is not None:
        from crossroads.engine.export.csv import render_csv

        if write_output(args.csv, render_csv(report)) is not None:
            print(f"wrote {args.csv}")
        return 0
    from crossroads.engine.export.html import render_html

    if write_output(args.html, render_html(report, story, themes, reader)) is not None:
        print(f"wrote {args.html}")
    return 0
