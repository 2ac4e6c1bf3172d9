"""Transactions as the shared SQL code uses them, and small statement helpers.

The SQLite and PostgreSQL banks hand :class:`Tx` objects to the code they share
(:mod:`crossroads.engine.bank.sql`, :mod:`crossroads.engine.bank.access`,
:mod:`crossroads.engine.bank.bundle`). Statements use ``?`` placeholders; the PostgreSQL
implementation rewrites them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["Tx", "equal_filters"]


class Tx(Protocol):
    """A transaction as the shared code uses it."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return every row."""
        ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement and return the number of rows it changed."""
        ...

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        """Run a statement once per parameter tuple."""
        ...


def equal_filters(columns: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """``column = ?`` clauses and their parameters for the columns whose value is not None."""
    given = [(column, value) for column, value in columns.items() if value is not None]
    return [f"{column} = ?" for column, _ in given], [value for _, value in given]
