"""A learner's session token expires after 90 days without use; each use slides the expiry.
A facilitator's token (made by the owner with ``crossroads facilitator add``) does not."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from crossroads.engine.bank.base import norm_time
from crossroads.engine.bank.identity import secret_hash
from crossroads.engine.bank.identity_schema import SESSION_DAYS
from tests.server.conftest import ADMIN_OF, Server, add_facilitator


def _owner_sql(bank: str, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a statement on the bank directly, as its owner."""
    bank = ADMIN_OF.get(bank, bank)
    if bank.startswith("postgresql://"):
        with psycopg.connect(bank, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []
    with sqlite3.connect(bank) as conn:
        return conn.execute(sql, params).fetchall()


def _age(bank: str, token: str, days: float) -> None:
    """Make the session look last used ``days`` ago."""
    then = norm_time(datetime.now(UTC) - timedelta(days=days))
    _owner_sql(bank, "UPDATE sessions SET created = ?, seen = ? WHERE token_hash = ?",
               [then, then, secret_hash(token)])


def _seen(bank: str, token: str) -> datetime:
    value = _owner_sql(bank, "SELECT seen FROM sessions WHERE token_hash = ?",
                       [secret_hash(token)])[0][0]
    return datetime.fromisoformat(norm_time(value) or "")


def _policy_caller(bank: str, token: str) -> Any:
    """Who PostgreSQL's row-level security takes the holder of ``token`` for (None: nobody)."""
    with psycopg.connect(ADMIN_OF.get(bank, bank), autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT set_config('crossroads.token', %s, true)", [token])
        row = conn.execute("SELECT crossroads_caller()").fetchone()
        return row[0] if row else None


def test_a_learner_session_expires_unused_and_each_use_slides_it(server: Server) -> None:
    fac = add_facilitator(server.bank, "Fay")
    with server.client(fac) as http:
        code = http.post("/api/cohorts", json={"name": "c", "invitations": 1}).json()[
            "invitations"][0]["code"]
    with server.client() as http:
        token = http.post("/api/join", json={"code": code, "name": "Ana"}).json()["token"]
    pg = ADMIN_OF.get(server.bank, server.bank).startswith("postgresql://")

    _age(server.bank, token, SESSION_DAYS - 1)  # unused for 89 days: still good, and renewed
    with server.client(token) as http:
        assert http.get("/api/me").status_code == 200
    assert datetime.now(UTC) - _seen(server.bank, token) < timedelta(minutes=5)
    if pg:
        assert _policy_caller(server.bank, token) is not None

    _age(server.bank, token, SESSION_DAYS + 1)  # unused for 91 days: expired, everywhere
    with server.client(token) as http:
        r = http.get("/api/me")
        assert r.status_code == 401 and "expired" in r.json()["error"]
        assert http.post("/api/batches", json={}).status_code == 401
    if pg:
        assert _policy_caller(server.bank, token) is None  # the second wall agrees

    with server.client() as http:  # the invitation code signs the same learner in again
        again = http.post("/api/join", json={"code": code}).json()
    with server.client(again["token"]) as http:
        assert http.get("/api/me").json()["name"] == "Ana"

    _age(server.bank, fac, 10 * SESSION_DAYS)  # a facilitator's token does not expire
    with server.client(fac) as http:
        assert http.get("/api/cohorts").status_code == 200


def test_a_server_role_that_may_not_mark_sessions_used_still_saves(server: Server) -> None:
    """A role made before schema version 6 lacks ``UPDATE (seen)``: saves go on, a warning
    says to run ``server-role create`` again."""
    from urllib.parse import unquote, urlsplit

    from tests.server.conftest import batch, choice

    owner = ADMIN_OF.get(server.bank)
    if owner is None:
        pytest.skip("only the server's own PostgreSQL role has restricted grants")
    role = unquote(urlsplit(server.bank).username or "")
    _owner_sql(server.bank, f'REVOKE UPDATE (seen) ON sessions FROM "{role}"', [])
    fac = add_facilitator(server.bank, "Fay")
    with server.client(fac) as http:
        code = http.post("/api/cohorts", json={"name": "c", "invitations": 1}).json()[
            "invitations"][0]["code"]
    with server.client() as http:
        token = http.post("/api/join", json={"code": code}).json()["token"]
    _age(server.bank, token, 1)
    with server.client(token) as http:
        r = http.post("/api/batches", json=batch(str(uuid.uuid4()), [choice("s0", "go", "s1")]))
        assert r.status_code == 200, r.text
        assert http.get("/api/me").status_code == 200
    assert "server-role create" in server.log.read_text()
