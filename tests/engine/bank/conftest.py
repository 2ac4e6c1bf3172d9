"""Fixtures running every bank test against SQLite and against PostgreSQL.

PostgreSQL tests need ``CROSSROADS_TEST_PG_URL`` (``.ci/start-postgres.sh`` prints it); without
it they skip with the reason, unless ``CROSSROADS_REQUIRE_PG=1`` (CI), where they fail. Each test
gets its own schema, dropped afterwards, so tests stay independent.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from crossroads.engine.bank import Bank, open_bank

PG_URL = os.environ.get("CROSSROADS_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("CROSSROADS_REQUIRE_PG") == "1"
NO_PG_REASON = (
    "PostgreSQL tests need CROSSROADS_TEST_PG_URL (start a server with "
    "`eval \"$(bash .ci/start-postgres.sh)\"`)"
)


def need_pg() -> str:
    """The test server's URL; skip (or fail under CROSSROADS_REQUIRE_PG=1) without one."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("CROSSROADS_REQUIRE_PG=1 but CROSSROADS_TEST_PG_URL is not set")
        pytest.skip(NO_PG_REASON)
    return PG_URL


def with_schema(url: str, schema: str) -> str:
    """The URL with its search_path set to ``schema``."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema (dropped after the test)."""
    import psycopg

    base = need_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as err:
        if REQUIRE_PG:
            pytest.fail(f"cannot reach the test PostgreSQL server: {err}")
        pytest.skip(f"cannot reach the test PostgreSQL server: {err}")
    yield with_schema(base, schema)
    with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


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
