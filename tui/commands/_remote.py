"""What the commands that talk to a cohort server share: the signed-in caller.

A command works against the server when a login is saved (``crossroads join`` or ``crossroads
login``) and neither ``--bank`` nor ``--local`` is given; ``CROSSROADS_TOKEN`` overrides the saved
token.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from crossroads.engine.diagnostics import UsageError

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.remote.client import ServerClient
    from crossroads.engine.remote.login import Login
    from crossroads.engine.remote.mirror import Mirror

SIGN_IN = "sign in with 'crossroads join URL CODE' (a learner) or 'crossroads login URL' " \
          "(a facilitator)"


def add_local_option(p: argparse.ArgumentParser) -> None:
    """Add ``--local``: use the local bank even when signed in to a cohort server."""
    p.add_argument("--local", action="store_true",
                   help="use the local story bank even when signed in to a cohort server")


def server_login(args: argparse.Namespace) -> Login | None:
    """The login to use for this command, or None to use a local bank (``--bank``, ``--local``
    or nobody signed in)."""
    if getattr(args, "bank", None) or getattr(args, "local", False):
        return None
    from crossroads.engine.remote.login import current_login

    return current_login()


def require_login() -> Login:
    """The current login.

    Raises:
        UsageError: nobody is signed in.
    """
    from crossroads.engine.remote.login import current_login

    login = current_login()
    if login is None:
        raise UsageError(f"not signed in to a cohort server: {SIGN_IN}")
    return login


def client_for(login: Login) -> ServerClient:
    """A client of the login's server, with its token."""
    from crossroads.engine.remote.client import ServerClient

    return ServerClient(login.url, login.token)


def resolved(login: Login, client: ServerClient) -> Login:
    """The login with its role, id and name filled in (asked of the server when a
    ``CROSSROADS_TOKEN`` replaced the saved token)."""
    if login.role:
        return login
    from crossroads.engine.remote.login import Login as LoginType

    me = client.me()
    cohort = me.get("cohort") or {}
    return LoginType(login.url, login.token, str(me["role"]), str(me["id"]), str(me["name"]),
                     cohort.get("id"), cohort.get("name"))


def open_mirror(args: argparse.Namespace, story: str | None = None) -> Mirror | None:
    """What the cohort server lets the signed-in caller see, copied locally for the analytics
    commands; None when the command should read a local bank (see :func:`server_login`)."""
    login = server_login(args)
    if login is None:
        return None
    from crossroads.engine.remote.mirror import fetch

    client = client_for(login)
    try:
        login = resolved(login, client)
        return fetch(client, login, story)
    except BaseException:
        client.close()
        raise


def mirror_story(mirror: Mirror, cohort: str | None, story: str | None) -> Story:
    """The story a cohort command reports on, through the server: a story file as given, else
    the version the cohort played (fetched by its hash), else a shipped story by id.

    Raises:
        UsageError: no such story, or the cohort played several and none was named.
    """
    from pathlib import Path

    from crossroads.engine.remote.mirror import story_version
    from crossroads.tui.commands._common import load_valid, resolve_story

    if story is not None and Path(story).exists():
        return load_valid(story)
    wanted = story
    if wanted is None:
        played = sorted({p.story_id for p in mirror.bank.playthroughs(cohort=cohort)})
        if len(played) == 1:
            wanted = played[0]
    if wanted is not None:
        path = story_version(mirror, wanted, cohort)
        if path is not None:
            return load_valid(str(path))
    return resolve_story(mirror.bank, cohort, story)
