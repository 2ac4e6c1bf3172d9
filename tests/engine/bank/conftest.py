"""Fixtures running every bank test against SQLite and against PostgreSQL (``pg_url``, from
``tests/conftest.py``: a fresh schema on the test server; see :mod:`tests.pg`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crossroads.engine.bank import Bank, open_bank
from tests.pg import NO_PG_REASON, PG_URL, REQUIRE_PG, need_pg, with_schema

__all__ = ["NO_PG_REASON", "PG_URL", "REQUIRE_PG", "need_pg", "with_schema"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bank_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty bank location: a file path, or a PostgreSQL URL with its own schema."""
    if request.param == "sqlite":
        return str(tmp_path / "bank.sqlite3")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def make_bank(bank_url: str) -> Iterator[Callable[[], Bank]]:
    """Open (and later close) banks at the test's location."""
    opened: list[Bank] = []

    def make() -> Bank:
        bank = open_bank(bank_url)
        opened.append(bank)
        return bank

    yield make
    for bank in opened:
        bank.close()


@pytest.fixture
def bank(make_bank: Callable[[], Bank]) -> Bank:
    """A fresh bank (SQLite or PostgreSQL)."""
    return make_bank()
