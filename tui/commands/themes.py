"""``crossroads themes (COHORT | --story STORY) [--prompt ID]``: the themes in the reflections a
reader may see.

Reads the bank through its access rules and groups what it reads into themes, printing each with a
short summary and representative quotes, ending with "N of N voices represented". Anonymous
reflections are quoted as "anonymous". ``--json`` prints the same as data.

Who reads: the learner named by ``--as`` (their own reflections, their cohort-mates' ``cohort``
ones and everyone's ``bank`` ones); without ``--as``, nobody in particular, so only reflections
shared with the whole bank. A facilitator is no special reader: without ``--as`` they see what
everyone may see; reading ``--as`` themselves, a cohort's ``cohort`` reflections too if they are a
member (they played in it). The bank applies these rules, never this command.

``COHORT`` narrows the reading to the reflections written in that cohort's playthroughs; when the
cohort played several stories, ``--story`` says which (as for ``crossroads report``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
from typing import Any

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.reflections import ThemeReport, find_themes
from crossroads.engine.reflections.source import visible_reflections
from crossroads.engine.terminal_text import json_safe, one_line
from crossroads.tui.commands._common import (
    COHORT_HELP,
    STORY_HELP,
    add_bank_option,
    require_cohort,
    story_id,
)
from crossroads.tui.commands._remote import add_local_option, open_mirror


def register(sub: Any) -> None:
    """Add the ``themes`` subcommand."""
    p = sub.add_parser(
        "themes",
        help="group the reflections of a cohort or a story (or one prompt) into themes",
        description="Group the reflections a reader may see into themes, each with a short "
        "summary and quotes; every reflection is in exactly one theme. Give a cohort's join code "
        "(its playthroughs only), a story, or both. Without --as, only reflections shared with "
        "the whole bank are read; --as NAME reads what that learner may see (a member of the "
        "cohort also sees its cohort-only reflections).",
    )
    p.add_argument("cohort", nargs="?", metavar="COHORT",
                   help=f"{COHORT_HELP}: only reflections written in its playthroughs")
    p.add_argument("--story", metavar="STORY",
                   help=f"{STORY_HELP} (default with COHORT: the one story the cohort played)")
    p.add_argument("--prompt", metavar="ID", help="only this reflection prompt")
    p.add_argument("--as", dest="reader", metavar="NAME", help="read as this learner")
    add_bank_option(p)
    add_local_option(p)
    p.add_argument("--seed", type=int, default=0, help="grouping seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the themes as JSON")
    p.set_defaults(func=run)


def _story(bank: Bank, cohort: str | None, story: str | None) -> str:
    """The story to read: the one given, or the cohort's only story.

    Raises:
        UsageError: neither given, no such cohort, or the cohort played none or several.
    """
    if cohort is None:
        if story is None:
            raise UsageError("give a cohort's join code or --story STORY "
                             "(crossroads themes (COHORT | --story STORY) [--prompt ID])")
        return story_id(story)
    require_cohort(bank, cohort)
    if story is not None:
        return story_id(story)
    played = sorted({p.story_id for p in bank.playthroughs(cohort=cohort)})
    if not played:
        raise UsageError(f"cohort {cohort!r} has no playthroughs yet")
    if len(played) > 1:
        raise UsageError(f"cohort {cohort!r} played {len(played)} stories "
                         f"({', '.join(played)}): name one with --story STORY")
    return played[0]


def run(args: argparse.Namespace) -> int:
    """Read, group and print."""
    from crossroads.tui.progress import progress_bar

    mirror = open_mirror(args)
    if mirror is not None:
        if args.reader is not None:
            raise UsageError("--as is for a local bank; through a cohort server you read what "
                             "you may see (add --local to read a local bank)")
        with mirror:
            cohort = mirror.cohort(args.cohort) if args.cohort is not None else None
            story = _story(mirror.bank, cohort, args.story)
            reflections = list(visible_reflections(mirror.bank, story, args.prompt,
                                                   mirror.reader, cohort=cohort))
            args.reader = "you"
    else:
        with open_bank(args.bank) as bank:
            story = _story(bank, args.cohort, args.story)
            if args.reader is not None and bank.learner(args.reader, create=False) is None:
                raise UsageError(f"no learner named {args.reader!r} in the bank at {bank.url}")
            reflections = list(
                visible_reflections(bank, story, args.prompt, args.reader, cohort=args.cohort)
            )
    with progress_bar("finding themes") as bar:
        report = find_themes(reflections, seed=args.seed, progress=bar)
    if args.json:
        data = {"cohort": args.cohort, "story": story, "prompt": args.prompt,
                "reader": args.reader}
        print(json_safe(json.dumps({**data, **report.to_json()}, indent=2, ensure_ascii=False)))
    else:
        print(render(report, story, args.prompt, args.reader, cohort=args.cohort))
    return 0


def _voices(n: int) -> str:
    return f"{n:,} voice{'' if n == 1 else 's'}"


def render(
    report: ThemeReport,
    story: str,
    prompt: str | None,
    reader: str | None,
    width: int = 0,
    cohort: str | None = None,
) -> str:
    """The report as plain text, wrapped to the terminal (learner text is never markup)."""
    width = width or max(60, min(100, shutil.get_terminal_size((100, 24)).columns))
    where = f"prompt {prompt!r} of {story!r}" if prompt else f"story {story!r}"
    if cohort is not None:
        where += f" in cohort {cohort!r}"
    who = f"as {reader} may see them" if reader else "shared with the whole bank"
    lines = [one_line(f"Themes in the reflections at {where}, {who}"), ""]
    if not report.themes:
        lines += ["No reflections to group.", ""]
    for number, theme in enumerate(report.themes, start=1):
        lines.append(one_line(f"{number}. {theme.title} — {_voices(theme.size)}"))
        if theme.summary:
            lines += textwrap.wrap(
                one_line(theme.summary), width, initial_indent="   ", subsequent_indent="   "
            )
        for quote in theme.quotes:
            lines += textwrap.wrap(
                one_line(f"“{quote.text}” — {quote.byline}"),
                width,
                initial_indent="   > ",
                subsequent_indent="     ",
            )
        lines.append("")
    lines.append(report.voices)
    return "\n".join(lines)
