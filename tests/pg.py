"""The test PostgreSQL server, shared by the bank, server and web tests.

PostgreSQL tests need ``CROSSROADS_TEST_PG_URL`` (``.ci/start-postgres.sh`` prints it); without
it they skip with the reason, unless ``CROSSROADS_REQUIRE_PG=1`` (CI), where they fail. Each test
gets its own schema, dropped afterwards, so tests stay independent. A test that stops and starts
PostgreSQL gets a cluster of its own (:func:`own_cluster`), so the shared server stays up.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

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


def fresh_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped when the caller resumes."""
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


def own_cluster() -> Iterator[Any]:
    """A started PostgreSQL cluster of the test's own (``initdb`` in a temporary folder), to stop
    and start at will; destroyed when the caller resumes."""
    from tests.engine.bank.pgcluster import Cluster

    bin_dir = os.environ.get("CROSSROADS_TEST_PG_BIN")
    if not bin_dir:
        if REQUIRE_PG:
            pytest.fail("CROSSROADS_REQUIRE_PG=1 but CROSSROADS_TEST_PG_BIN is not set")
        pytest.skip("needs PostgreSQL's binaries: set CROSSROADS_TEST_PG_BIN "
                    "(`eval \"$(bash .ci/start-postgres.sh)\"` does)")
    made = Cluster(bin_dir)
    made.start()
    yield made
    made.destroy()
