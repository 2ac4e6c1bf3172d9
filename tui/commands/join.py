"""``crossroads join URL CODE [--name NAME]``: a learner signs in to a cohort server once."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``join`` subcommand."""
    p = sub.add_parser(
        "join",
        help="join a cohort on a cohort server with your invitation code (signs you in)",
        description="Sign in to a cohort server with the invitation code your facilitator gave "
        "you. The code is your personal key: using it again (on another computer, say) signs "
        "you in as the same learner. The server's address and a session token are saved in "
        "your config folder (readable only by you); 'crossroads play' then records through the "
        "server.",
    )
    p.add_argument("url", metavar="URL", help="the cohort server's address, e.g. "
                   "https://crossroads.example.org")
    p.add_argument("invitation", metavar="CODE",
                   help="your invitation code (any case, dashes or not)")
    p.add_argument("--name", metavar="NAME",
                   help="the name others see (for show only; it need not be unique)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Redeem the code; save the login."""
    from crossroads.engine.remote.client import NotSignedIn, ServerClient, ServerRefused
    from crossroads.engine.remote.login import Login, save_login

    with ServerClient(args.url) as client:
        body: dict[str, Any] = {"code": args.invitation}
        if args.name:
            body["name"] = args.name
        try:
            answer = client.post("/api/join", body)
        except NotSignedIn as err:
            detail = err.message.split("refused: ", 1)[-1].split("; sign in again", 1)[0]
            raise ServerRefused(f"crossroads join: {client.url} did not accept that code: "
                                f"{detail}") from None
        cohort = answer.get("cohort") or {}
        learner = answer["learner"]
        login = Login(client.url, answer["token"], "learner", str(learner["id"]),
                      str(learner["name"]), cohort.get("id"), cohort.get("name"))
    path = save_login(login)
    from crossroads.engine.terminal_text import one_line as printable

    print(printable(f"Signed in to {login.url} as {login.name}, in the cohort "
                    f"{login.cohort_name!r} (facilitator: {cohort.get('facilitator')})."))
    print(f"Saved to {path}. Play with 'crossroads play'; sign out with 'crossroads logout'.")
    return 0
