"""``crossroads forget-me``: erase all my records on the cohort server, then sign out."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    """Add the ``forget-me`` subcommand."""
    p = sub.add_parser(
        "forget-me",
        help="erase all your records on the cohort server, then sign out",
        description="Erase every record of yours on the cohort server (playthroughs, "
        "reflections, anonymous ones included, check-ins) and the copy of your own records on "
        "this computer. Your invitation code and tokens stop working. This cannot be undone.",
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Confirm, erase, sign out."""
    from crossroads.engine.diagnostics import UsageError
    from crossroads.engine.remote.login import forget_login
    from crossroads.engine.remote.server_bank import own_copy_path
    from crossroads.tui.commands._remote import client_for, require_login, resolved

    login = require_login()
    with client_for(login) as client:
        login = resolved(login, client)
        if login.role != "learner":
            raise UsageError("crossroads forget-me: only a learner erases their own records; "
                             "a facilitator erases a learner with 'crossroads cohort erase'")
        if not args.yes:
            print(f"Erase all your records on {login.url}? This cannot be undone. "
                  "Type 'yes' to erase: ", end="", flush=True)
            if sys.stdin.readline().strip().lower() != "yes":
                print("Nothing erased.")
                return 1
        removed = client.delete("/api/me").get("erased", {})
    from crossroads.engine.bank.journal import Journal, journal_path

    journal = Journal(journal_path(f"{login.url}#learner={login.id}"))
    own = own_copy_path(login)
    for path in (journal.path, journal.rejected):
        path.unlink(missing_ok=True)  # records not sent yet are erased too
    for path in (own, own.with_name(own.name + "-wal"), own.with_name(own.name + "-shm")):
        path.unlink(missing_ok=True)
    forget_login()
    total = sum(v for v in removed.values() if isinstance(v, int)) if isinstance(
        removed, dict) else 0
    print(f"Erased your records on {login.url} ({total} rows) and signed out.")
    return 0
