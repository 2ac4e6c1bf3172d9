"""The saved login: which cohort server, with which token, as whom.

One JSON file, ``login.json``, in the user's config folder (platformdirs'
``user_config_path("crossroads")``; ``CROSSROADS_CONFIG`` names another folder), written with
mode 0600 because the token is a key. It holds the server's URL, the token and who the token
belongs to: never a database URL or password. ``CROSSROADS_TOKEN`` overrides the saved token
(a facilitator's token kept in a secret store, say).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crossroads.engine.diagnostics import UsageError

CONFIG_ENV = "CROSSROADS_CONFIG"
TOKEN_ENV = "CROSSROADS_TOKEN"


@dataclass(frozen=True, slots=True)
class Login:
    """A saved sign-in to a cohort server."""

    url: str
    token: str
    role: str
    """``learner`` or ``facilitator``."""
    id: str
    """The id the server issued (a learner's UUID)."""
    name: str
    cohort: str | None = None
    """A learner's cohort id."""
    cohort_name: str | None = None


def config_dir() -> Path:
    """The folder holding ``login.json``."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("crossroads")


def login_path() -> Path:
    """Where the login is saved."""
    return config_dir() / "login.json"


def save_login(login: Login) -> Path:
    """Write the login (mode 0600, replaced atomically); return its path."""
    path = login_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".login-{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (json.dumps(asdict(login), indent=2) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def saved_login() -> Login | None:
    """The saved login as written (no ``CROSSROADS_TOKEN`` override), if any.

    Raises:
        UsageError: the file exists but is not a login.
    """
    path = login_path()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return Login(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):
        raise UsageError(f"{path}: not a Crossroads login; delete it and sign in again "
                         "('crossroads join URL CODE' or 'crossroads login URL')") from None


def current_login() -> Login | None:
    """The login commands use: the saved one, with ``CROSSROADS_TOKEN`` (if set) as its token."""
    login = saved_login()
    token = os.environ.get(TOKEN_ENV, "").strip()
    if login is not None and token and token != login.token:
        return Login(login.url, token, "", "", "")  # whose token this is: ask the server
    return login


def forget_login() -> bool:
    """Delete the saved login; True when there was one."""
    try:
        login_path().unlink()
    except FileNotFoundError:
        return False
    return True
