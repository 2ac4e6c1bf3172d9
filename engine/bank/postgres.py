"""The story bank on a PostgreSQL server, through psycopg 3.

Chosen by a ``postgresql://`` URL. Connections run in autocommit mode and each bank operation
is one explicit transaction on a connection of a small pool (:class:`_Pool`), so the cohort
server's worker threads run their transactions side by side. A lost connection (server stopped,
network gone) surfaces as :class:`BankUnavailable` and empties the pool's idle connections; the
next operation reconnects. Migrations run under an advisory lock so that several processes
opening a fresh bank at once apply them exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit, urlunsplit

import psycopg

from crossroads.engine.bank.base import BankUnavailable, norm_time
from crossroads.engine.bank.identity_context import current_settings
from crossroads.engine.bank.migrations import LATEST
from crossroads.engine.bank.sql import SqlBank, Tx
from crossroads.engine.diagnostics import BankError

log = logging.getLogger("crossroads.bank")

CONNECT_TIMEOUT_S = 5
POOL_SIZE = 8
"""Connections one bank object opens at most (the server's threads share them)."""


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


class _Pool:
    """At most ``size`` connections, handed to one thread at a time; a thread waits for one
    when all are busy. A broken connection is closed, and so are the idle ones (a restarted
    server broke them too), instead of being handed out again.

    Not psycopg_pool: its waits and background reconnections would turn "the bank is away"
    into a wait of up to its timeout, where the server answers 503 at once and the client
    resends."""

    def __init__(self, connect: Any, size: int) -> None:
        self._connect = connect
        self._size = size
        self._idle: list[psycopg.Connection[Any]] = []
        self._open = 0
        self._free = threading.Condition()

    def get(self) -> psycopg.Connection[Any]:
        """A connection of this thread's own until :meth:`put` (connects if none is idle)."""
        with self._free:
            while not self._idle and self._open >= self._size:
                self._free.wait()
            if self._idle:
                return self._idle.pop()
            self._open += 1
        try:
            return cast("psycopg.Connection[Any]", self._connect())
        except BaseException:
            with self._free:
                self._open -= 1
                self._free.notify()
            raise

    def put(self, conn: psycopg.Connection[Any]) -> None:
        """Give a connection back (closed instead if it broke or is mid-transaction)."""
        healthy = not conn.closed and not conn.broken and (
            conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)
        stale: list[psycopg.Connection[Any]] = []
        with self._free:
            if healthy:
                self._idle.append(conn)
                self._free.notify()  # the longest waiter (first come, first served)
            else:
                self._open -= 1 + len(self._idle)
                stale, self._idle = [conn, *self._idle], []
                self._free.notify_all()
        for old in stale:
            with suppress(psycopg.Error):
                old.close()

    def close(self) -> None:
        """Close the idle connections (those in use are closed when given back)."""
        with self._free:
            idle, self._idle = self._idle, []
            self._open -= len(idle)
        for conn in idle:
            with suppress(psycopg.Error):
                conn.close()


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
        self._pool = _Pool(self._connect, POOL_SIZE)
        self._migrate(LATEST if migrate_to is None else migrate_to)

    # ------------------------------------------------------------------ connection
    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(
                self._dsn, autocommit=True, connect_timeout=self._timeout,
                application_name="crossroads",
            )
        except psycopg.OperationalError as err:
            raise BankUnavailable(
                f"cannot reach the story bank {self.url}: {_first_line(err)}"
            ) from err
        except psycopg.ProgrammingError as err:
            raise BankError(f"the story bank URL {self.url} is wrong: {_first_line(err)}") from err

    def close(self) -> None:
        """Close the connections."""
        self._pool.close()

    @contextmanager
    def _tx(self) -> Iterator[Tx]:
        conn = self._pool.get()
        try:
            with conn.transaction():
                settings = current_settings()
                if settings:  # who the server acts for: one round trip for all of them
                    conn.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"]
                                                       * len(settings)),
                                 [v for item in settings.items() for v in item])
                yield _PgTx(conn)
        except (psycopg.OperationalError, psycopg.InterfaceError) as err:
            raise BankUnavailable(
                f"the story bank {self.url} is unavailable: {_first_line(err)}"
            ) from err
        except psycopg.Error as err:
            raise BankError(
                f"the story bank {self.url} refused it: {_first_line(err)}"
            ) from err
        finally:
            self._pool.put(conn)

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
        """Rewrite ``reflections`` with its full-text (``tsv``) index (``VACUUM FULL``: the
        erased text leaves the table's and the index's files) and vacuum the other tables.

        Only the tables' owner may vacuum: as the cohort server's own role this does nothing
        and logs that the owner must run ``VACUUM FULL reflections`` (the rows are gone from
        every query either way)."""
        conn = self._pool.get()
        try:
            owner = conn.execute(
                "SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename = 'reflections'").fetchone()
            if not (owner and owner[0]):  # (VACUUM would only warn, and skip the table)
                log.warning("erased rows stay in the data files until the bank's owner runs "
                            "VACUUM FULL reflections")
                return
            conn.execute("VACUUM FULL reflections")
            for table in ("checkins", "steps", "playthroughs", "memberships", "learners",
                          "profiles", "sessions"):
                conn.execute(f"VACUUM {table}")
        except psycopg.Error as err:
            log.warning("erased rows stay in the data files until the bank's owner runs "
                        "VACUUM FULL reflections (%s)", _first_line(err))
        finally:
            self._pool.put(conn)


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
