"""``crossroads play [STORY]``: live a story in the terminal (full-screen, or ``--plain``)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossroads.engine.diagnostics import CrossroadsError, UsageError
from crossroads.engine.terminal_text import one_line, terminal_safe
from crossroads.tui.commands._common import add_bank_option, story_path
from crossroads.tui.commands._remote import add_local_option
from crossroads.tui.startup import pause_gc, resume_gc

if TYPE_CHECKING:  # imported in run(), with the collector paused (see tui.startup)
    from crossroads.engine.check import FileReport
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory
    from crossroads.engine.programme_status import Due
    from crossroads.engine.records import ReflectionReader
    from crossroads.engine.remote.login import Login
    from crossroads.engine.saves import SessionStore

BENCH_ENV = "CROSSROADS_BENCH_FIRST_FRAME"
"""A file path: the app appends the time of its first frame there and exits (benchmarks)."""


def register(sub: Any) -> None:
    """Add the ``play`` subcommand."""
    p = sub.add_parser(
        "play",
        help="play a story (with no STORY: choose one)",
        description="Live a story from someone else's point of view. Progress is saved after "
        "every choice and reflection.",
    )
    p.add_argument(
        "story",
        nargs="?",
        metavar="STORY",
        help="a story file, a folder of stories, or a shipped story's id (e.g. first-week)",
    )
    p.add_argument("--as", dest="learner", metavar="NAME", help="your name (default: your login)")
    p.add_argument("--resume", action="store_true", help="continue your saved session at once")
    p.add_argument(
        "--plain",
        action="store_true",
        help="no full-screen UI: text in, text out (screen readers, logs, scripts); when input "
        "ends before an ending, progress is saved and the exit code is 3",
    )
    p.add_argument("--cohort", metavar="COHORT", help="the join code of the cohort you play with")
    p.add_argument("--lang", metavar="LANG",
                   help="play the story's translation into LANG (locale/LANG/STORY.po beside it; "
                   "what is not translated yet shows as written); the player's own words follow "
                   "LANG too, where Crossroads has them")
    add_bank_option(p)
    add_local_option(p)
    from crossroads.tui.author_play import add_options

    add_options(p)
    p.set_defaults(func=run)


def default_learner() -> str:
    """The learner's name when ``--as`` is not given: the login name, or "you"."""
    try:
        return getpass.getuser() or "you"
    except (KeyError, OSError):  # no login name (containers)
        return "you"


def server_learner(args: argparse.Namespace) -> Login | None:
    """The signed-in learner whose play records through the cohort server, or None to play on a
    local bank (``--bank``, ``--local``, nobody signed in, or a facilitator, who records nothing
    on the server).

    Raises:
        UsageError: ``--as`` or ``--cohort`` given while signed in (the server knows who you are).
    """
    from crossroads.tui.commands._remote import client_for, resolved, server_login

    login = server_login(args)
    if login is None:
        return None
    if not login.role:  # CROSSROADS_TOKEN replaced the saved token: ask whose it is
        with client_for(login) as client:
            login = resolved(login, client)
    if login.role != "learner":
        print(f"(signed in to {login.url} as a facilitator, who records nothing there: playing "
              "on the local story bank)", file=sys.stderr)
        return None
    for flag, value in (("--as", args.learner), ("--cohort", args.cohort)):
        if value:
            raise UsageError(f"{flag} is for playing on a local bank; you are signed in to "
                             f"{login.url} as {login.name} (add --local to play locally)")
    return login


def make_store(args: argparse.Namespace) -> SessionStore:
    """Where progress is saved: the cohort server after ``crossroads join`` (through the local
    journal while it cannot be reached), else the story bank (SQLite in the data folder by
    default; ``--bank PATH|postgresql://…`` or ``CROSSROADS_BANK`` choose another)."""
    from crossroads.engine.bank import open_session_store

    login = getattr(args, "server_login", None)
    if login is not None:
        from crossroads.engine.remote.server_bank import open_server_store

        store = open_server_store(login)
        args.bank_store = store
        return store
    store = open_session_store(args.bank, args.cohort)
    args.bank_store = store
    return store


def make_reader(args: argparse.Namespace) -> ReflectionReader | None:
    """Where others' shared reflections are read from: the same bank, under its access rules."""
    return getattr(args, "bank_store", None)


def _report_failure(report: FileReport) -> int:
    for diag in report.diagnostics:
        print(diag.format(), file=sys.stderr)
    n = report.errors
    print(
        f"{report.path}: {n} error{'' if n == 1 else 's'} — fix the story "
        f"(see 'crossroads check {report.path}') before playing it",
        file=sys.stderr,
    )
    return 1


def _resolve(arg: str | None) -> tuple[Path | None, Path | None]:
    """Return (story file, folder for the picker) for the STORY argument."""
    from crossroads.engine.paths import stories_dir

    if arg is None:
        return None, stories_dir()
    path = story_path(arg, folder_ok=True)
    return (None, path) if path.is_dir() else (path, None)


def _pick_plain(folder: Path, store: SessionStore | None = None,
                learner: str = "you") -> tuple[Story, Path] | None:
    from crossroads.tui.catalog import discover

    catalog = discover([folder])
    if not catalog.entries:
        raise UsageError(f"no playable stories in {folder}")
    due = _plain_due(store, learner)
    if due is not None:
        titles = {e.story.id: e.story.title for e in catalog.entries}
        print(terminal_safe(due.line(titles)), flush=True)
    for n, entry in enumerate(catalog.entries, 1):
        mark = ""
        if due is not None and due.story_id == entry.story.id:
            mark = "  ◆ overdue" if due.overdue else "  ◆ due next"
        print(terminal_safe(f"{n}. {entry.story.title}{mark} — "
                            f"{entry.pov or 'no fixed point of view'}, {entry.minutes}"),
              flush=True)
        if entry.story.content_notes:
            print(f"   Content notes: {'; '.join(entry.story.content_notes)}", flush=True)
    for path, why in catalog.broken:
        print(f"(skipped {path.name}: {why})", file=sys.stderr)
    while True:
        print(f"Which story (1-{len(catalog.entries)})? ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return None
        if line.strip().isdigit() and 1 <= int(line) <= len(catalog.entries):
            entry = catalog.entries[int(line) - 1]
            return entry.story, entry.path


def _plain_due(store: SessionStore | None, learner: str) -> Due | None:
    """What the learner's cohort programme has due (None: nothing, or it cannot be read)."""
    from crossroads.engine.programme_due import learner_due

    try:
        return learner_due(store, learner)
    except (CrossroadsError, OSError) as err:
        print(f"(could not read your cohort's programme: {one_line(str(err))})", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    """Check the story, then play it full-screen or in plain text."""
    pause_gc()  # until the first frame (the app resumes it) or the end of this function
    try:
        return _run(args)
    finally:
        resume_gc()


def _run(args: argparse.Namespace) -> int:
    from crossroads.engine.bank.names import admit_learner
    from crossroads.tui.checked import cached_story, check_and_remember

    story_file, folder = _resolve(args.story)
    story: Story | PlayStory | None = None
    if story_file is not None:
        story = cached_story(story_file)  # known valid: no parsing, no validation, no pydantic
        if story is None:
            report = check_and_remember(story_file)
            if report.story is None or report.errors:
                return _report_failure(report)
            story = report.story
        if args.lang is not None:
            from crossroads.tui.flow import in_language

            story = in_language(story, story_file, args.lang)
    elif args.lang is not None:
        from crossroads.engine.l10n.locale import check_lang

        check_lang(args.lang)
    if args.lang is not None:  # the player's own words follow the story's language
        from crossroads.tui.i18n import set_ui_language

        set_ui_language(args.lang)
    args.server_login = login = server_learner(args)
    learner = login.id if login is not None else args.learner or default_learner()
    cohort = login.cohort if login is not None else args.cohort
    plain = args.plain or not (sys.stdin.isatty() and sys.stdout.isatty())
    if args.from_scene is not None or args.set_state is not None:
        from crossroads.tui.author_play import play_from  # an author's test: nothing recorded

        return play_from(args, story, story_file, learner, plain)
    store = make_store(args)
    reader = make_reader(args)
    try:
        if login is None:  # a typed name (local play): NFKC, no look-alike of another learner
            learner = admit_learner(getattr(store, "bank", None), learner)
        if plain:
            from crossroads.tui.plain import INPUT_ENDED, resume_command, run_plain

            if story is None:
                assert folder is not None
                picked = _pick_plain(folder, store, learner)
                if picked is None:
                    return INPUT_ENDED
                story, story_file = picked
                if args.lang is not None:  # as the full-screen picker: as written if need be
                    from crossroads.tui.flow import in_language

                    try:
                        story = in_language(story, story_file, args.lang)
                    except UsageError as err:
                        print(f"({err.message}: playing it as written)", file=sys.stderr)
            command = resume_command(args, story, story_file)
            return run_plain(
                story, learner, store, resume=args.resume, reader=reader, command=command,
                in_cohort=bool(cohort),
            )
        from crossroads.tui.app import CrossroadsApp

        app = CrossroadsApp(
            story=story,
            story_path=story_file,
            folders=[folder] if folder is not None else [],
            learner=learner,
            store=store,
            reader=reader,
            resume=args.resume,
            cohort=cohort,
            bank=args.bank,
            lang=args.lang,
            bench_first_frame=os.environ.get(BENCH_ENV) or None,
        )
        result = app.run()
        player = getattr(app, "player", None)
        if player is not None and player.behind:  # a save found no room: once more, or show
            try:
                player.save()
            except CrossroadsError as err:
                print(f"NOT saved: {err.message}.", file=sys.stderr)
                for text in player.unsaved:
                    print("Your reflection, to keep:\n" + terminal_safe(text), file=sys.stderr)
                return 1
        return int(result or 0)
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()  # sends anything still waiting in the offline journal

