"""``crossroads cohort CODE [STORY]``: you and your cohort, choice by choice.

Also the shared argument handling of ``report`` and ``export``: which bank, which cohort, which
story (a file, a shipped story id, or the one story the cohort played).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.cohort import MIN_GROUP, cohort_view
from crossroads.engine.diagnostics import StoryError, UsageError
from crossroads.engine.model import Story
from crossroads.engine.paths import stories_dir


def min_group(text: str) -> int:
    """``--min-group``: at least the default (it can only be raised)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < MIN_GROUP:
        raise argparse.ArgumentTypeError(
            f"the minimum group size can be raised, not lowered below {MIN_GROUP}")
    return value


def add_bank_args(p: argparse.ArgumentParser) -> None:
    """``--bank`` and ``--min-group``."""
    p.add_argument("--bank", metavar="URL",
                   help="the story bank (a file or postgresql:// URL; default: yours)")
    p.add_argument("--min-group", type=min_group, default=MIN_GROUP, metavar="N",
                   help=f"withhold the split of any group smaller than N (default {MIN_GROUP})")


def register(sub: Any) -> None:
    """Add the ``cohort`` subcommand."""
    p = sub.add_parser(
        "cohort",
        help="compare your path with your cohort's, choice by choice",
        description="The story's scenes in order with your cohort's split at each choice, your "
        "own choice marked; pick a cohort-mate who shared their path to see it beside yours. "
        "Paths are shared between learners who played the story in the cohort.",
    )
    p.add_argument("code", metavar="CODE", help="the cohort's join code")
    p.add_argument("story", nargs="?", metavar="STORY",
                   help="a story file or shipped story id (default: the one the cohort played)")
    p.add_argument("--as", dest="learner", metavar="NAME", help="your name (default: your login)")
    p.add_argument("--json", action="store_true",
                   help="print what you may see (report, your path, shared paths) as JSON")
    add_bank_args(p)
    p.set_defaults(func=run)


def _load(path: Path) -> Story:
    from crossroads.engine.check import check_story_file

    report = check_story_file(path)
    if report.story is None or report.errors:
        raise StoryError(f"{path}: the story has errors (see 'crossroads check {path}')",
                         [d for d in report.diagnostics if d.severity == "error"])
    return report.story


def resolve_story(bank: Bank, cohort: str | None, story: str | None) -> Story:
    """The story to report on: a file, a shipped story id, or the cohort's only story.

    Raises:
        UsageError: no such story, or the cohort played several and none was named.
        StoryError: the story file has errors.
    """
    if story is not None:
        path = Path(story)
        if path.is_file():
            return _load(path)
        wanted = story
    else:
        if cohort is not None and bank.cohort(cohort) is None:
            raise UsageError(f"no cohort with the code {cohort!r} in the story bank {bank.url}")
        played = sorted({p.story_id for p in bank.playthroughs(cohort=cohort)})
        if not played:
            who = f"cohort {cohort!r}" if cohort else "the story bank"
            raise UsageError(f"{who} has no playthroughs yet")
        if len(played) > 1:
            raise UsageError(f"cohort {cohort!r} played {len(played)} stories "
                             f"({', '.join(played)}): name one with --story ID")
        wanted = played[0]
    from crossroads.tui.catalog import discover

    entry = discover([stories_dir()]).find(wanted)
    if entry is None:
        raise UsageError(f"no story file or shipped story with the id {wanted!r} (in "
                         f"{stories_dir()}); give the story's file instead")
    return entry.story


def default_learner() -> str:
    """The learner when ``--as`` is not given (the player's default)."""
    from crossroads.tui.commands.play import default_learner as play_default

    return play_default()


def run(args: argparse.Namespace) -> int:
    """Open the cohort view (or print it as JSON)."""
    learner = args.learner or default_learner()
    bank = open_bank(args.bank)
    try:
        if bank.cohort(args.code) is None:
            raise UsageError(f"no cohort with the code {args.code!r} in the story bank "
                             f"{bank.url}")
        story = resolve_story(bank, args.code, args.story)
        if args.json:
            view = cohort_view(bank, story, args.code, learner, args.min_group)
            json.dump({
                "format": "crossroads-cohort-view/1",
                "learner": learner,
                "report": view.report.to_json(),
                "me": None if view.me is None else _path_json(view.me),
                "mates": [_path_json(m) for m in view.mates],
                "parted": {m.learner: dict(zip(("alike", "scene"), view.me.diverges_from(m),
                                               strict=True))
                           for m in view.mates} if view.me is not None else {},
            }, sys.stdout, indent=2, ensure_ascii=False)
            print()
            return 0
        from crossroads.tui.screens.cohort import CohortApp

        CohortApp(bank, story, args.code, learner, args.min_group).run()
        return 0
    finally:
        bank.close()


def _path_json(path: Any) -> dict[str, Any]:
    return {"learner": path.learner, "status": path.status, "ending": path.ending,
            "scenes": list(path.scenes), "choices": [list(s) for s in path.steps]}
