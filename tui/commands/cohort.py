"""``crossroads cohort COHORT [STORY]``: you and your cohort, choice by choice."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crossroads.engine.bank import open_bank
from crossroads.engine.bank.names import admit_learner
from crossroads.engine.cohort import cohort_view
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.terminal_text import json_safe
from crossroads.tui.commands._common import (
    COHORT_HELP,
    STORY_HELP,
    add_cohort_options,
    require_cohort,
    resolve_story,
)
from crossroads.tui.commands._lang import add_lang_option, check_lang_filter
from crossroads.tui.commands._remote import add_local_option, mirror_story, open_mirror


def register(sub: Any) -> None:
    """Add the ``cohort`` subcommand."""
    p = sub.add_parser(
        "cohort",
        help="compare your path with your cohort's, choice by choice",
        description="The story's scenes in order with your cohort's split at each choice, your "
        "own choice marked; pick a cohort-mate who shared their path to see it beside yours. "
        "Paths are shared between learners who played the story in the cohort.",
    )
    p.add_argument("code", metavar="COHORT",
                   help=f"{COHORT_HELP} (signed in to a cohort server: its name or id)")
    p.add_argument("story", nargs="?", metavar="STORY",
                   help=f"{STORY_HELP} (default: the one the cohort played)")
    p.add_argument("--as", dest="learner", metavar="NAME", help="your name (default: your login)")
    p.add_argument("--json", action="store_true",
                   help="print what you may see (report, your path, shared paths) as JSON")
    add_lang_option(p)
    add_cohort_options(p)
    add_local_option(p)
    p.epilog = ("A facilitator's cohorts on a cohort server: 'crossroads cohort create|list|"
                "invite|revoke|erase' (see 'crossroads cohort create --help').")
    p.set_defaults(func=run)


def default_learner() -> str:
    """The learner when ``--as`` is not given (the player's default)."""
    from crossroads.tui.commands.play import default_learner as play_default

    return play_default()


def run(args: argparse.Namespace) -> int:
    """Open the cohort view (or print it as JSON)."""
    check_lang_filter(args.lang)
    mirror = open_mirror(args)
    if mirror is not None:
        if args.learner:
            raise UsageError("--as is for a local bank; signed in to a cohort server, you are "
                             "who the server knows (add --local to read a local bank)")
        with mirror:
            code = mirror.cohort(args.code)
            assert code is not None
            story = mirror_story(mirror, code, args.story)
            return _show(args, mirror.bank, story, code, mirror.reader)
    learner = args.learner or default_learner()
    bank = open_bank(args.bank)
    try:
        learner = admit_learner(bank, learner)
        require_cohort(bank, args.code)
        story = resolve_story(bank, args.code, args.story)
        return _show(args, bank, story, args.code, learner)
    finally:
        bank.close()


def _show(args: argparse.Namespace, bank: Any, story: Any, code: str, learner: str) -> int:
    """Print the view as JSON, or open it."""
    if args.json:
        view = cohort_view(bank, story, code, learner, args.min_group, args.lang)
        text = json.dumps({
            "format": "crossroads-cohort-view/1",
            "learner": learner,
            "lang": args.lang,
            "report": view.report.to_json(),
            "me": None if view.me is None else _path_json(view.me),
            "mates": [_path_json(m) for m in view.mates],
            "parted": {m.learner: dict(zip(("alike", "scene"), view.me.diverges_from(m),
                                           strict=True))
                       for m in view.mates} if view.me is not None else {},
        }, indent=2, ensure_ascii=False)
        print(json_safe(text))
        return 0
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("cohort: the comparison is a full-screen view and needs a terminal; "
                         "add --json for the same view as JSON")
    from crossroads.tui.screens.cohort import CohortApp

    CohortApp(bank, story, code, learner, args.min_group, lang=args.lang).run()
    return 0


def _path_json(path: Any) -> dict[str, Any]:
    return {"learner": path.learner, "status": path.status, "ending": path.ending,
            "scenes": list(path.scenes), "choices": [list(s) for s in path.steps]}
