"""``crossroads login URL``: a facilitator saves their token for a cohort server."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def register(sub: Any) -> None:
    """Add the ``login`` subcommand."""
    p = sub.add_parser(
        "login",
        help="save a facilitator's token for a cohort server (from $CROSSROADS_TOKEN or "
        "standard input)",
        description="Check a facilitator's token with the cohort server and save it, with the "
        "server's address, in your config folder (readable only by you). The token is read "
        "from $CROSSROADS_TOKEN, else from standard input (never from the command line, where "
        "other users could see it).",
    )
    p.add_argument("url", metavar="URL", help="the cohort server's address")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the token, check it with ``GET /api/me``, save it."""
    from crossroads.engine.diagnostics import UsageError
    from crossroads.engine.remote.client import ServerClient
    from crossroads.engine.remote.login import TOKEN_ENV, Login, save_login
    from crossroads.engine.terminal_text import one_line as printable

    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        if sys.stdin.isatty():
            import getpass

            token = getpass.getpass("Token: ").strip()
        else:
            token = sys.stdin.readline().strip()
    if not token:
        raise UsageError(f"crossroads login: no token: set ${TOKEN_ENV} or give it on "
                         "standard input")
    with ServerClient(args.url, token) as client:
        me = client.me()
        cohort = me.get("cohort") or {}
        login = Login(client.url, token, str(me["role"]), str(me["id"]), str(me["name"]),
                      cohort.get("id"), cohort.get("name"))
    path = save_login(login)
    print(printable(f"Signed in to {login.url} as {login.name} ({login.role}); saved to {path}."))
    return 0
