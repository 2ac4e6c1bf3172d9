"""``crossroads debrief STORY|COHORT``: a story's notes for the facilitator, or the printable
guide to a 60-minute debrief of a cohort.

Which one: with ``--html``, ``--md`` or ``--story`` the argument is a cohort and the guide is
written; without them, a story file or a shipped story's id prints the story's notes (as before),
and anything else is read as a cohort whose guide is printed as Markdown. The cohort is read from
the story bank (``--bank PATH|URL``), or through the cohort server as the signed-in facilitator
(whose role decides what is visible; a learner is refused).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.model import Story
from crossroads.engine.terminal_text import terminal_safe as printable
from crossroads.tui.commands._common import (
    COHORT_HELP,
    STORY_HELP,
    add_cohort_options,
    load_valid,
    shipped_story,
    write_output,
)
from crossroads.tui.commands._remote import add_local_option, server_login

HELP = ("print a story's notes for the facilitator, or a cohort's printable debrief "
        "guide (--html/--md)")

RULE = (
    "STORY or COHORT: with --html, --md or --story, the argument is a cohort (its join code; "
    "signed in to a cohort server, its name or id) and the debrief guide is written. Without "
    "them, a story file or a shipped story's id prints that story's notes, and anything else "
    "is a cohort whose guide is printed as Markdown. A cohort named like a shipped story: add "
    "'--md -'. The cohort is read from the story bank (--bank), or, signed in to a cohort "
    "server, through it as the cohort's facilitator (a learner is refused)."
)


def register(sub: Any) -> None:
    """Add the ``debrief`` subcommand."""
    p = sub.add_parser(
        "debrief",
        help=HELP,
        description="A story: print what its 'facilitator:' block holds — learning objectives, "
        "a session plan, and debrief questions for each reflection prompt, beside the prompt "
        "itself — together with its content notes. A cohort: a guide a facilitator can print "
        "for a 60-minute debrief — content notes first, a plan in time boxes, per decision how "
        "many learners chose each option (each learner once, by their latest choice there) and "
        "where paths parted, per reflection prompt questions and two or three quotes, only from "
        "reflections shared with the cohort or with everyone (anonymous unless the writer "
        "shared with their name).",
        epilog=RULE,
    )
    p.add_argument("target", metavar="STORY|COHORT",
                   help=f"{STORY_HELP}; or {COHORT_HELP} (see below)")
    p.add_argument("--story", metavar="STORY",
                   help=f"the cohort's story: {STORY_HELP} (needed when the cohort played "
                   "several)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--html", metavar="FILE", type=Path,
                     help="write the guide as one printable HTML page to FILE ('-': standard "
                     "output)")
    out.add_argument("--md", metavar="FILE", type=Path,
                     help="write the guide as Markdown to FILE ('-': standard output)")
    add_cohort_options(p)
    add_local_option(p)
    p.set_defaults(func=run)


def debrief_text(story: Story) -> str:
    """The facilitator's notes of ``story`` as plain text."""
    lines = [f"{story.title} ({story.id})"]
    if story.content_notes:
        lines += ["", "Content notes:", *(f"  - {note}" for note in story.content_notes)]
    notes = story.facilitator
    if notes is None:
        lines += ["", "This story has no 'facilitator:' notes."]
        return "\n".join(printable(line) for line in lines)
    if notes.objectives:
        lines += ["", "Learning objectives:", *(f"  - {o}" for o in notes.objectives)]
    if notes.session_plan:
        lines += ["", "Session plan:", *(f"  {k}. {step}" for k, step in
                                         enumerate(notes.session_plan, 1))]
    if notes.debrief:
        prompts = _prompts(story)
        lines += ["", "Debrief questions, by reflection prompt:"]
        for pid, questions in notes.debrief.items():
            lines.append(f"  {pid}: {' '.join(prompts.get(pid, '').split())}")
            lines += [f"    - {q}" for q in questions]
    return "\n".join(printable(line) for line in lines)


def _prompts(story: Story) -> dict[str, str]:
    out: dict[str, str] = {}
    for scene in story.scenes.values():
        if scene.reflect is not None:
            out[scene.reflect.id] = scene.reflect.prompt
        for choice in scene.choices:
            if choice.reflect is not None:
                out[choice.reflect.id] = choice.reflect.prompt
    return out


def names_story(arg: str) -> bool:
    """The argument names a story: an existing file or folder, a path-like or ``.yaml`` name,
    or a shipped story's id."""
    path = Path(arg)
    return (path.exists() or path.suffix in (".yaml", ".yml") or "/" in arg or "\\" in arg
            or shipped_story(arg) is not None)


def wants_guide(args: argparse.Namespace) -> bool:
    """The rule of :data:`RULE`: is the argument a cohort?"""
    return wants_guide_explicitly(args) or not names_story(args.target)


def run(args: argparse.Namespace) -> int:
    """Print the story's notes, or write the cohort's guide."""
    if not wants_guide(args):
        print(debrief_text(load_valid(args.target)))
        return 0
    guide = read_guide(args)
    if args.html is not None:
        from crossroads.engine.export.debrief import render_guide_html

        text, target = render_guide_html(guide), args.html
    else:
        from crossroads.engine.export.debrief import render_guide_md

        text, target = render_guide_md(guide), args.md
    if write_output(target, text) is not None:
        print(f"wrote {target}")
    return 0


def read_guide(args: argparse.Namespace) -> Any:
    """The guide of the cohort ``args.target``, read through the cohort server as the signed-in
    facilitator, or from the local bank.

    Raises:
        UsageError: no such cohort or story, several stories and no ``--story``, or a learner
            signed in.
    """
    from crossroads.engine.export.debrief_guide import build_guide

    today = date.today().isoformat()
    login = server_login(args)
    if login is not None:
        from crossroads.tui.commands._remote import client_for, mirror_story, resolved

        client = client_for(login)
        try:
            role = resolved(login, client).role
        finally:
            client.close()
        if role == "learner":
            raise UsageError("debrief: the guide is for a cohort's facilitator; you are signed "
                             "in as a learner (add --local or --bank to read a local bank)")
        from crossroads.tui.commands._remote import open_mirror

        mirror = open_mirror(args)
        assert mirror is not None
        with mirror:
            code = mirror.cohort(args.target)
            assert code is not None
            story = mirror_story(mirror, code, args.story)
            return build_guide(mirror.bank, story, code, today, min_group=args.min_group,
                               cohort_name=mirror.cohorts.get(code))
    return _local_guide(args, today)


def _local_guide(args: argparse.Namespace, today: str) -> Any:
    from crossroads.engine.bank import bank_location, open_bank
    from crossroads.engine.export.debrief_guide import build_guide
    from crossroads.tui.commands._common import require_cohort, resolve_story

    location = bank_location(args.bank)
    if "://" not in location and not Path(location).expanduser().exists():
        raise UsageError(f"{args.target}: no story file, shipped story or cohort by that name "
                         f"(there is no story bank at {location}; give one with --bank)")
    bank = open_bank(args.bank)
    try:
        try:
            cohort = require_cohort(bank, args.target)
        except UsageError:
            if wants_guide_explicitly(args):
                raise
            raise UsageError(f"{args.target}: no story file, shipped story or cohort by that "
                             f"name (cohorts: 'crossroads bank list cohorts --bank "
                             f"{bank.url}')") from None
        story = resolve_story(bank, args.target, args.story)
        return build_guide(bank, story, args.target, today, min_group=args.min_group,
                           cohort_name=cohort.name)
    finally:
        bank.close()


def wants_guide_explicitly(args: argparse.Namespace) -> bool:
    """``--html``, ``--md`` or ``--story`` was given: the argument can only be a cohort."""
    return args.html is not None or args.md is not None or args.story is not None
