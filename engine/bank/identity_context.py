"""Who the bank's transactions run for: settings the PostgreSQL bank puts in each transaction.

The cohort server sets, for the request it is serving, the caller's bearer token (or, while
signing in, the invitation code) with :func:`acting_as`. The PostgreSQL bank then starts every
transaction with ``set_config('crossroads.token', …, true)`` (transaction-local), and the
row-level security policies of schema version 5 derive the caller from it: the caller is whoever
the *token* belongs to, so a connection that merely claims another learner's id gains nothing.
Local (non-server) use sets nothing and the banks behave as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SETTINGS = ("crossroads.token", "crossroads.code")
"""The transaction settings the policies read."""

_current: ContextVar[dict[str, str] | None] = ContextVar("crossroads_bank_settings", default=None)


def current_settings() -> dict[str, str]:
    """The settings to put in the next transaction (empty outside the server)."""
    return _current.get() or {}


@contextmanager
def acting_as(token: str | None = None, code: str | None = None) -> Iterator[None]:
    """Run the enclosed bank calls (in this thread or context) for the holder of ``token`` or
    of the invitation ``code``."""
    values = {k: v for k, v in zip(SETTINGS, (token, code), strict=True) if v}
    reset = _current.set({**current_settings(), **values})
    try:
        yield
    finally:
        _current.reset(reset)
