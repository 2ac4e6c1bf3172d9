"""``crossroads facilitator add NAME --bank PATH|URL``: make a facilitator on the server's bank.

Run on the server's machine, with direct access to the bank: it prints the facilitator's token
once (the bank keeps only its hash).
"""

from __future__ import annotations

import sys
from typing import Any

from crossroads.engine.bank import open_bank
from crossroads.engine.bank.identity import add_facilitator
from crossroads.tui.commands._common import add_bank_option


def register(sub: Any) -> None:
    """Add the ``facilitator`` subcommand."""
    p = sub.add_parser(
        "facilitator",
        help="add a facilitator to a cohort server's bank (prints their token once)",
        description="Look after the facilitators of a cohort server; run where the bank is.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a facilitator and print their token once",
                             description="Add a facilitator and print their token once.")
    add.add_argument("name", metavar="NAME", help="the facilitator's display name")
    add_bank_option(add)
    add.set_defaults(func=run_add)


def run_add(args: Any) -> int:
    """Add the facilitator; print the token (only the token goes to standard output)."""
    with open_bank(args.bank) as bank:
        token = add_facilitator(bank, args.name)
    print(f"Facilitator {args.name!r} added. Their token (shown once; keep it secret):",
          file=sys.stderr)
    print(token)
    return 0
