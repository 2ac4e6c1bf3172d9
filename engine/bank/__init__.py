"""The story bank: learners, cohorts, playthroughs, steps, reflections and check-ins.

:func:`open_bank` picks the implementation: a ``postgresql://`` URL selects PostgreSQL, anything
else is an SQLite file (by default ``bank.sqlite3`` in the data folder; ``CROSSROADS_BANK``
overrides it). :func:`open_session_store` gives the player its durable record.
"""

from __future__ import annotations

import os
from pathlib import Path

from crossroads.engine.bank.base import (
    Bank,
    BankUnavailable,
    Batch,
    Cohort,
    Learner,
    Playthrough,
)
from crossroads.engine.bank.journal import Journal
from crossroads.engine.bank.store import BankSessionStore
from crossroads.engine.diagnostics import BankError
from crossroads.engine.paths import data_dir

__all__ = [
    "Bank",
    "BankError",
    "BankSessionStore",
    "BankUnavailable",
    "Batch",
    "Cohort",
    "Journal",
    "Learner",
    "Playthrough",
    "bank_location",
    "open_bank",
    "open_session_store",
]

_PG = ("postgresql://", "postgres://")


def bank_location(url_or_path: str | None = None) -> str:
    """Where the bank is: the argument, else ``CROSSROADS_BANK``, else the default file."""
    return url_or_path or os.environ.get("CROSSROADS_BANK") or str(data_dir() / "bank.sqlite3")


def open_bank(url_or_path: str | None = None, migrate_to: int | None = None) -> Bank:
    """Open (creating or upgrading as needed) the bank at a path or ``postgresql://`` URL.

    Args:
        migrate_to: stop migrating at this schema version (tests of the upgrade path).

    Raises:
        BankError: it cannot be opened, is not a story bank, or is newer than this Crossroads.
    """
    location = bank_location(url_or_path)
    if location.startswith(_PG):
        from crossroads.engine.bank.postgres import PostgresBank

        return PostgresBank(location, migrate_to=migrate_to)
    if location.startswith("sqlite://"):
        location = location.removeprefix("sqlite://")
    elif "://" in location:
        scheme = location.split("://", 1)[0]
        raise BankError(f"unknown story bank URL scheme {scheme!r}: give a file path or a "
                        "postgresql:// URL")
    path = Path(location).expanduser()
    if not path.parent.is_dir():
        raise BankError(f"cannot create the story bank {path}: the folder {path.parent} "
                        "does not exist")
    from crossroads.engine.bank.sqlite import SQLiteBank

    return SQLiteBank(path, migrate_to=migrate_to)


def open_session_store(bank: str | None = None, cohort_code: str | None = None) -> BankSessionStore:
    """The player's store (and reflection reader) on the bank at ``bank``.

    Writes any records left in the local journal by an earlier session, if the bank answers.

    Raises:
        BankError: the bank cannot be opened.
    """
    store = BankSessionStore(open_bank(bank), cohort_code)
    if store.journal.pending():
        store.flush()
    return store
