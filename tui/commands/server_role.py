"""``crossroads server-role create NAME --bank OWNER_URL``: the cohort server's least-privilege
PostgreSQL role (see docs/server.md)."""

from __future__ import annotations

import sys
from typing import Any

from crossroads.engine.diagnostics import UsageError
from crossroads.tui.commands._common import add_bank_option


def register(sub: Any) -> None:
    """Add the ``server-role`` subcommand."""
    role = sub.add_parser(
        "server-role",
        help="make the cohort server's least-privilege PostgreSQL role (run as the bank's owner)",
        description="Create or update the PostgreSQL role `crossroads serve` connects as: it "
        "owns nothing and row-level security applies to it. Prints the URL to serve with.",
    )
    actions = role.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create or update the role; print its URL once",
                                description="Create or update the role; print its URL once.")
    create.add_argument("name", metavar="NAME", help="the role's name (e.g. crossroads_server)")
    add_bank_option(create)  # here: the bank's postgresql:// URL as the owner of its tables
    create.set_defaults(func=run_server_role)


def run_server_role(args: Any) -> int:
    """Make the role; print its URL (with a new password) on standard output only."""
    from crossroads.server.pg_role import create_server_role

    if not (args.bank or "").startswith(("postgresql://", "postgres://")):
        raise UsageError("server-role needs --bank with the bank's postgresql:// URL, as the "
                         "owner of its tables (an SQLite bank has no roles)")

    url = create_server_role(args.bank, args.name)
    print(f"Server role {args.name!r} ready. Serve with --bank and this URL (its password is "
          "shown once; keep it secret):", file=sys.stderr)
    print(url)
    return 0
