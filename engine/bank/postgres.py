"""The story bank on a PostgreSQL server, through psycopg 3.

Chosen by a ``postgresql://`` URL. The connection runs in autocommit mode and each bank operation
is one explicit transaction. A lost connection (server stopped, network gone) surfaces as
:class:`BankUnavailable`; the next operation reconnects. Migrations run under an advisory lock so
that several processes opening a fresh bank at once apply them exactly once.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import psycopg

from crossroads.engine.bank.base import BankUnavailable, norm_time
from crossroads.engine.bank.identity_context import current_settings
from crossroads.engine.bank.migrations import LATEST
from crossroads.engine.bank.sql import SqlBank, Tx
from crossroads.engine.diagnostics import BankError

CONNECT_TIMEOUT_S = 5


def redact(url: str) -> str:
    """The URL without its password (safe to print)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


_MARK = re.compile(r"\?")


class _PgTx:
    """:class:`Tx` over a psycopg connection (``?`` placeholders become ``%s``)."""

    _cache: ClassVar[dict[str, str]] = {}

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    @classmethod
    def _sql(cls, sql: str) -> str:
        out = cls._cache.get(sql)
        if out is None:
            out = cls._cache[sql] = _MARK.sub("%s", sql.replace("%", "%%"))
        return out

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.execute(self._sql(sql), params)
        return cur.fetchall() if cur.description else []

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(self._sql(sql), params).rowcount

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), params)


class PostgresBank(SqlBank):
    """The story bank on a PostgreSQL server."""

    dialect = "postgresql"

    def __init__(self, url: str, migrate_to: int | None = None,
                 connect_timeout: int = CONNECT_TIMEOUT_S) -> None:
        """Connect to the server and migrate the bank as needed.

        Raises:
            BankUnavailable: the server cannot be reached.
            BankError: the bank is newer than this version of Crossroads, or the URL is wrong.
        """
        self._dsn = url
        self.url = redact(url)
        self._timeout = connect_timeout
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
        self._migrate(LATEST if migrate_to is None else migrate_to)

    # ------------------------------------------------------------------ connection
    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self._drop()
        try:
            self._conn = psycopg.connect(
                self._dsn, autocommit=True, connect_timeout=self._timeout,
                application_name="crossroads",
            )
        except psycopg.OperationalError as err:
            raise BankUnavailable(
                f"cannot reach the story bank {self.url}: {_first_line(err)}"
            ) from err
        except psycopg.ProgrammingError as err:
            raise BankError(f"the story bank URL {self.url} is wrong: {_first_line(err)}") from err
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            with suppress(psycopg.Error):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._drop()

    @contextmanager
    def _tx(self) -> Iterator[Tx]:
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    for name, value in current_settings().items():  # who the server acts for
                        conn.execute("SELECT set_config(%s, %s, true)", [name, value])
                    yield _PgTx(conn)
            except (psycopg.OperationalError, psycopg.InterfaceError) as err:
                if conn.broken or conn.closed:
                    self._drop()
                raise BankUnavailable(
                    f"the story bank {self.url} is unavailable: {_first_line(err)}"
                ) from err
            except psycopg.Error as err:
                raise BankError(
                    f"the story bank {self.url} refused it: {_first_line(err)}"
                ) from err

    def _write(self) -> Any:
        return self._tx()

    def _read(self) -> Any:
        return self._tx()

    # ------------------------------------------------------------------ schema
    def _migrate(self, target: int) -> None:
        with self._write() as tx:
            if tx.rows("SELECT current_schema()")[0][0] is None:
                raise BankError(f"the story bank {self.url} has no schema to create tables in "
                                "(check search_path)")
            tx.rows("SELECT pg_advisory_xact_lock(hashtext('crossroads-bank:' "
                    "|| current_schema()))")
            if tx.rows("SELECT to_regclass('bank_schema')")[0][0] is None:  # (a role that
                # may not create tables, such as the cohort server's, opens a made bank)
                tx.run("CREATE TABLE IF NOT EXISTS bank_schema "
                       "(version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())")
            self._apply_migrations(tx, target, "INSERT INTO bank_schema (version) VALUES (?)")

    def schema_version(self) -> int:
        """The schema version of the opened bank."""
        with self._read() as tx:
            return int(tx.rows("SELECT coalesce(max(version), 0) FROM bank_schema")[0][0])

    # ------------------------------------------------------------------ dialect
    def _match(
        self, text: str, story_id: str | None, prompt_id: str | None
    ) -> tuple[str, list[Any]] | None:
        if not re.search(r"\w", text):
            return None
        if story_id is None:
            return "r.tsv @@ websearch_to_tsquery('english', ?)", [text]
        scope = story_id if prompt_id is None else f"{story_id}/{prompt_id}"
        digest = hashlib.md5(scope.encode(), usedforsecurity=False).hexdigest()
        token = ("y" if prompt_id is None else "x") + digest
        return ("r.tsv @@ (websearch_to_tsquery('english', ?) && ?::tsquery)", [text, token])

    def _time_out(self, value: Any) -> str | None:
        return norm_time(value) if isinstance(value, (datetime, str)) else None

    def _after_forget(self) -> None:
        """Vacuum the tables so the erased rows leave the data files."""
        with self._lock:
            conn = self._connection()
            try:
                for table in ("reflections", "checkins", "steps", "playthroughs",
                              "memberships", "learners"):
                    conn.execute(f"VACUUM {table}")
            except psycopg.Error:
                pass  # best effort: the rows are gone either way


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
