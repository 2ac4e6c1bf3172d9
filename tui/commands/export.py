"""``crossroads export xapi COHORT``: a cohort's playthroughs as xAPI 1.0.3 statements, written
as JSON or sent to a Learning Record Store."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from crossroads.engine.bank import open_bank
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.export.xapi import DEFAULT_BASE, statements
from crossroads.tui.commands._common import (
    COHORT_HELP,
    STORY_HELP,
    add_bank_option,
    add_output_option,
    resolve_story,
    write_output,
)
from crossroads.tui.commands._lang import add_lang_option, check_lang_filter
from crossroads.tui.commands._remote import add_local_option, mirror_story, open_mirror

AUTH_ENV = "CROSSROADS_LRS_AUTH"


def register(sub: Any) -> None:
    """Add the ``export`` subcommand and its formats."""
    p = sub.add_parser("export", help="export playthroughs for other tools (xAPI)",
                       description="Export a cohort's playthroughs for other tools.")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    x = formats.add_parser(
        "xapi",
        help="xAPI 1.0.3 statements, as JSON or sent to a Learning Record Store",
        description="Every playthrough of the story in the cohort as xAPI statements "
        "(initialized, experienced, answered, completed), with pseudonymous actors. Without "
        "--lrs they are written as JSON; with it they are sent in batches (idempotent: "
        "sending again stores nothing twice). Each statement's context.language is the "
        "language the playthrough was played in (en: as written).",
    )
    x.add_argument("cohort", metavar="COHORT", help=COHORT_HELP)
    x.add_argument("--story", metavar="STORY",
                   help=f"{STORY_HELP} (default: the one the cohort played)")
    add_lang_option(x)
    add_bank_option(x)
    add_local_option(x)
    x.add_argument("--lrs", metavar="URL", help="the Learning Record Store's base URL")
    x.add_argument("--auth", metavar="USER:PASSWORD",
                   help=f"the LRS's basic-auth credentials (or set {AUTH_ENV})")
    add_output_option(x, "write the statements to FILE (default: standard output)")
    x.add_argument("--base", metavar="IRI", default=DEFAULT_BASE,
                   help=f"the IRI naming activities and accounts (default {DEFAULT_BASE})")
    x.set_defaults(func=run)
    from crossroads.tui.commands.twee import add_export

    add_export(formats)


def run(args: argparse.Namespace) -> int:
    """Build the statements; write them or send them."""
    auth_text = args.auth or os.environ.get(AUTH_ENV)
    if auth_text and not args.lrs:
        raise UsageError("--auth goes with --lrs")
    if args.lrs and args.output:
        raise UsageError("give either --lrs (send) or -o (write), not both")
    check_lang_filter(args.lang)
    mirror = open_mirror(args)
    if mirror is not None:
        with mirror:
            code = mirror.cohort(args.cohort)
            assert code is not None
            story = mirror_story(mirror, code, args.story)
            assert mirror.client is not None
            server = (mirror.client.url, mirror.ids())
            return _deliver(args, auth_text, mirror.bank, story, code, server)
    bank = open_bank(args.bank)
    try:
        story = resolve_story(bank, args.cohort, args.story)
        return _deliver(args, auth_text, bank, story, args.cohort, None)
    finally:
        bank.close()


def _deliver(args: argparse.Namespace, auth_text: str | None, bank: Any, story: Any,
             cohort: str, server: tuple[str, dict[str, str]] | None) -> int:
    """Send the statements to the LRS, or write them."""
    if args.lrs:
        from crossroads.engine.export.lrs import LrsClient, parse_auth

        client = LrsClient(args.lrs, parse_auth(auth_text) if auth_text else None)
        result = client.send(statements(bank, story, cohort, args.base, server, args.lang))
        print(f"sent {result.sent} statements in {result.batches} "
              f"batch{'es' if result.batches != 1 else ''} to {client.url}: "
              f"{result.stored} stored, {result.already} already there")
        return 0
    items = list(statements(bank, story, cohort, args.base, server, args.lang))
    text = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    if write_output(args.output, text) is not None:
        print(f"wrote {len(items)} statements to {args.output}")
    return 0
