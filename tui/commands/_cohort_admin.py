"""``crossroads cohort create|list|invite|revoke|erase``: a facilitator's cohorts on a cohort
server (``crossroads cohort COHORT`` is the cohort view, :mod:`.cohort`).

The facilitator's token comes from ``CROSSROADS_TOKEN`` or the saved login (``crossroads
login URL``). Invitation codes are shown once, when made: the server keeps only their hashes.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path
from typing import Any

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.terminal_text import one_line as printable
from crossroads.tui.commands._common import STORY_HELP, add_output_option, story_path

ACTIONS = frozenset({"create", "list", "invite", "revoke", "erase"})
"""Words after ``cohort`` that name one of these actions rather than a cohort."""


def register(sub: Any) -> None:
    """Add ``cohort`` with the facilitator's actions."""
    p = sub.add_parser(
        "cohort",
        help="compare your path with your cohort's, choice by choice",
        description="A facilitator's cohorts on a cohort server (see 'crossroads cohort "
        "--help' for the cohort view).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = actions.add_parser(
        "create", help="create a cohort and print one invitation code per seat",
        description="Create a cohort on the cohort server and print one invitation code per "
        "seat, shown this once (the server keeps only their hashes). Give each learner one "
        "code: 'crossroads join URL CODE'.")
    c.add_argument("name", metavar="NAME", help="the cohort's name")
    c.add_argument("--server", metavar="URL",
                   help="the cohort server (default: the one you are signed in to)")
    c.add_argument("--story", metavar="STORY", action="append", default=[],
                   help=f"{STORY_HELP}; the server keeps this version (repeat for several)")
    c.add_argument("--invite", metavar="N", type=int, required=True,
                   help="how many seats (one code each)")
    c.add_argument("--expires-days", metavar="DAYS", type=float, default=None,
                   help="codes stop working after DAYS days (default: the server's, 30)")
    add_output_option(c, "write the codes as CSV to FILE (seat, invitation id, code)")
    c.set_defaults(func=run_create)

    ls = actions.add_parser("list", help="your cohorts and who took each seat",
                            description="Your cohorts on the server, with each seat's "
                            "invitation id and who took it (codes are never shown again).")
    ls.set_defaults(func=run_list)

    inv = actions.add_parser("invite", help="more seats for a cohort",
                             description="Add seats to a cohort; print their codes once.")
    inv.add_argument("cohort", metavar="COHORT_ID", help="the cohort's id (see 'cohort list')")
    inv.add_argument("count", metavar="N", type=int, help="how many seats")
    add_output_option(inv, "write the codes as CSV to FILE (seat, invitation id, code)")
    inv.set_defaults(func=run_invite)

    rv = actions.add_parser(
        "revoke", help="revoke a whole cohort, one invitation, or one learner",
        description="Revoke a cohort (its codes stop working, its learners are signed out), "
        "one invitation (--invitation ID) or one learner (--learner ID).")
    what = rv.add_mutually_exclusive_group(required=True)
    what.add_argument("--cohort", metavar="COHORT_ID", help="the cohort's id")
    what.add_argument("--invitation", metavar="ID", help="an invitation's id")
    what.add_argument("--learner", metavar="ID", help="a learner's id")
    rv.set_defaults(func=run_revoke)

    er = actions.add_parser("erase", help="erase a learner's records",
                            description="Erase every record of a learner of your cohorts.")
    er.add_argument("learner", metavar="LEARNER_ID", help="the learner's id (see 'cohort list')")
    er.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    er.set_defaults(func=run_erase)


def _client(server: str | None = None) -> Any:
    import os

    from crossroads.engine.remote.client import ServerClient
    from crossroads.engine.remote.login import TOKEN_ENV, current_login
    from crossroads.tui.commands._remote import SIGN_IN

    login = current_login()
    token = os.environ.get(TOKEN_ENV, "").strip() or (login.token if login else "")
    url = server or (login.url if login else None)
    if not url:
        raise UsageError("give the cohort server with --server URL, or sign in first "
                         "('crossroads login URL')")
    if not token:
        raise UsageError(f"no facilitator token: set ${TOKEN_ENV}, or {SIGN_IN}")
    return ServerClient(url, token)


def _codes(invitations: list[dict[str, Any]], output: str | None) -> None:
    if output:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["seat", "invitation", "code"])
        for n, inv in enumerate(invitations, 1):
            writer.writerow([n, inv["id"], inv["code"]])
        from crossroads.tui.commands._common import write_output

        write_output(output, buf.getvalue())
        print(f"wrote {len(invitations)} codes to {output}")
        return
    for inv in invitations:
        print(inv["code"])


def run_create(args: argparse.Namespace) -> int:
    """Create the cohort (uploading story files' versions); print or write the codes."""
    if args.invite < 1:
        raise UsageError("--invite N: give at least one seat")
    files: list[tuple[str, str]] = []
    ids: list[str] = []
    for arg in args.story:
        path = story_path(arg)
        from crossroads.tui.commands._common import load_valid, shipped_story

        story = load_valid(arg)
        ids.append(story.id)
        if shipped_story(arg) != path:
            files.append((story.id, Path(path).read_text(encoding="utf-8")))
    body: dict[str, Any] = {"name": args.name, "invitations": args.invite, "stories": ids}
    if args.expires_days is not None:
        body["expires_days"] = args.expires_days
    with _client(args.server) as client:
        made = client.post("/api/cohorts", body)
        for _sid, text in files:
            client.request("POST", f"/api/cohorts/{made['id']}/stories",
                           content=text.encode("utf-8"))
    import sys

    print(printable(f"Cohort {made['name']!r} created: id {made['id']}, {args.invite} seats, "
                    f"codes valid until {str(made.get('expires'))[:10]}. Each learner runs "
                    f"'crossroads join {client.url} CODE' (codes are shown only now):"),
          file=sys.stderr)
    _codes(made["invitations"], args.output)
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the facilitator's cohorts and seats."""
    with _client() as client:
        cohorts = client.get("/api/cohorts")
    if not cohorts:
        print("No cohorts yet: 'crossroads cohort create NAME --invite N'.")
    for c in cohorts:
        state = " (revoked)" if c.get("revoked") else ""
        print(printable(f"{c['name']}{state} — id {c['id']}; stories: "
                        f"{', '.join(c.get('stories') or []) or 'none named'}"))
        for n, seat in enumerate(c.get("invitations", []), 1):
            who = seat.get("learner")
            taken = f"{who['name']} (learner {who['id']})" if who else "not taken yet"
            revoked = ", revoked" if seat.get("revoked") else ""
            print(printable(f"  seat {n}: invitation {seat['id']}{revoked} — {taken}"))
    return 0


def run_invite(args: argparse.Namespace) -> int:
    """Add seats; print or write their codes."""
    with _client() as client:
        made = client.post(f"/api/cohorts/{args.cohort}/invitations", {"count": args.count})
    _codes(made["invitations"], args.output)
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a cohort, an invitation or a learner."""
    if args.cohort:
        path, what = f"/api/cohorts/{args.cohort}/revoke", f"cohort {args.cohort}"
    elif args.invitation:
        path, what = f"/api/invitations/{args.invitation}/revoke", f"invitation {args.invitation}"
    else:
        path, what = f"/api/learners/{args.learner}/revoke", f"learner {args.learner}"
    with _client() as client:
        client.post(path)
    print(printable(f"Revoked {what}."))
    return 0


def run_erase(args: argparse.Namespace) -> int:
    """Erase a learner's records (after a confirmation or ``--yes``)."""
    import sys

    if not args.yes:
        print(f"Erase every record of learner {args.learner}? Type 'yes' to erase: ", end="",
              flush=True)
        if sys.stdin.readline().strip().lower() != "yes":
            print("Nothing erased.")
            return 1
    with _client() as client:
        client.delete(f"/api/learners/{args.learner}")
    print(printable(f"Erased learner {args.learner}."))
    return 0
