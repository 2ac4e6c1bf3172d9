"""``crossroads logout``: sign out of the cohort server and delete the saved login."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``logout`` subcommand."""
    p = sub.add_parser(
        "logout",
        help="sign out of the cohort server (the saved token stops working)",
        description="Tell the cohort server to end this session (the token stops working) and "
        "delete the saved login. Your records stay on the server; your invitation code signs "
        "you in again ('crossroads join URL CODE').",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """End the session on the server (if it answers), then forget the login."""
    from crossroads.engine.remote.client import NotSignedIn, ServerClient, ServerUnreachable
    from crossroads.engine.remote.login import forget_login, saved_login

    login = saved_login()
    if login is None:
        print("Not signed in to a cohort server.")
        return 0
    note = ""
    with ServerClient(login.url, login.token) as client:
        try:
            client.post("/api/logout")
        except NotSignedIn:
            pass  # already signed out (revoked, say)
        except ServerUnreachable:
            note = (" The server could not be reached, so this token stays valid there until "
                    "your facilitator revokes it.")
    forget_login()
    print(f"Signed out of {login.url}.{note}")
    return 0
