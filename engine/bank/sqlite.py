"""The embedded story bank: one SQLite file.

WAL journal, ``synchronous=NORMAL`` (a commit survives a crash of the program; see DESIGN for the
measured cost of FULL), a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction that
writes: it takes the write lock before reading, so concurrent writers queue instead of failing
with "database is locked". Python's sqlite3 runs with ``isolation_level=None``; transactions are
managed here.

Each thread has a connection of its own (the cohort server's worker threads read side by side,
as WAL allows); the threads of one process queue for writing on a lock of the bank object, in
order, rather than in SQLite's busy handler, which sleeps up to 100 ms between tries.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crossroads.engine.bank.base import BankUnavailable
from crossroads.engine.bank.migrations import _SQLITE_SCOPE, LATEST
from crossroads.engine.bank.sql import SqlBank, Tx
from crossroads.engine.diagnostics import BankError

BUSY_TIMEOUT_MS = 15_000
_TRANSIENT = ("locked", "busy", "disk i/o", "unable to open", "disk is full")


def scope_token(story_id: str, prompt_id: str | None = None) -> str:
    """The full-text token of a prompt (or a story) — as migration 3's triggers write it."""
    if prompt_id is None:
        return "y" + story_id.encode("utf-8").hex().upper()
    return "x" + f"{story_id}\x1f{prompt_id}".encode().hex().upper()


class _SqliteTx:
    """:class:`Tx` over an sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, params)


def _error(err: sqlite3.Error, where: str) -> BankError:
    text = str(err)
    if isinstance(err, sqlite3.OperationalError) and any(t in text.lower() for t in _TRANSIENT):
        return BankUnavailable(f"the story bank {where} is unavailable: {text}")
    if "readonly" in text.lower():
        return BankError(f"the story bank {where} is read-only ({text}); give one you may "
                         "write with --bank PATH|URL")
    if isinstance(err, sqlite3.IntegrityError):
        return BankError(f"the story bank {where} refused a record: {text}")
    return BankError(f"the story bank {where} failed: {text}")


def _create_private_or_check(path: Path, url: str) -> None:
    """Create a new bank file with mode 0600 (SQLite gives its ``-wal`` and ``-shm`` files the
    same mode); refuse an existing file of zero bytes, which is a truncated bank, not a new one.

    A zero-byte file another process has just created gets a moment to become a bank first.

    Raises:
        BankError: the file exists, is empty and stays empty.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return  # sqlite3.connect reports it
    else:
        os.close(fd)
        return
    deadline = time.monotonic() + 2.0
    while True:
        try:
            if path.stat().st_size > 0 or Path(f"{path}-wal").exists():
                return
        except OSError:
            return
        if time.monotonic() > deadline:
            raise BankError(f"the story bank {url} is an empty file (0 bytes): it was truncated "
                            "or never written; restore it from a backup, or remove it to start "
                            "a new, empty bank")
        time.sleep(0.05)


class SQLiteBank(SqlBank):
    """The story bank in one SQLite file."""

    dialect = "sqlite"

    def __init__(self, path: Path, migrate_to: int | None = None) -> None:
        """Open (creating and migrating as needed) the bank at ``path``.

        Raises:
            BankError: the file cannot be opened, is not a story bank, or is newer than this
                version of Crossroads.
        """
        self.path = Path(path)
        self.url = str(self.path.resolve())
        self._lock = threading.RLock()  # writers of this process, one at a time
        self._local = threading.local()
        self._conns: dict[threading.Thread, sqlite3.Connection] = {}
        self._conns_lock = threading.Lock()
        if self.path.is_dir():
            raise BankError(f"the story bank {self.url} is a folder, not a file")
        _create_private_or_check(self.path, self.url)
        self._conn = self._open()
        try:
            self._setup()
            self._migrate(LATEST if migrate_to is None else migrate_to)
        except sqlite3.DatabaseError as err:
            self._conn.close()
            if "not a database" in str(err):
                raise BankError(f"{self.url} is not a story bank (not an SQLite file)") from err
            raise _error(err, self.url) from err
        except BaseException:
            self._conn.close()
            raise

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as err:
            raise BankError(f"cannot open the story bank {self.url}: {err}") from err
        self._local.conn = conn
        with self._conns_lock:  # (worker threads come and go: close the ended ones')
            ended = [t for t in self._conns if not t.is_alive()]
            for thread in ended:
                self._conns.pop(thread).close()
            self._conns[threading.current_thread()] = conn
        return conn

    def _thread_conn(self) -> sqlite3.Connection:
        """This thread's connection (the first one's is made by the constructor)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            try:
                self._pragmas(conn)
            except sqlite3.Error as err:
                raise _error(err, self.url) from err
        return conn

    @staticmethod
    def _pragmas(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # forgotten text is overwritten, not left

    def _setup(self) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:  # switching a fresh file to WAL needs a moment alone with it
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        if str(mode).lower() != "wal":
            raise BankError(f"the story bank {self.url} cannot use a WAL journal ({mode})")
        self._pragmas(conn)

    def _migrate(self, target: int) -> None:
        with self._write() as tx:
            tables = {r[0] for r in tx.rows("SELECT name FROM sqlite_master WHERE type='table'")}
            if "bank_schema" not in tables:
                if tables:
                    raise BankError(f"{self.url} is an SQLite database but not a story bank")
                tx.run("CREATE TABLE bank_schema (version INTEGER PRIMARY KEY, applied TEXT)")
            self._apply_migrations(
                tx, target,
                "INSERT INTO bank_schema (version, applied) VALUES (?, datetime('now'))")

    def schema_version(self) -> int:
        """The schema version of the opened bank."""
        with self._read() as tx:
            return int(tx.rows("SELECT coalesce(max(version), 0) FROM bank_schema")[0][0])

    def close(self) -> None:
        """Close the connections (every thread's)."""
        with self._lock, self._conns_lock:
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()

    @contextmanager
    def _tx(self, begin: str) -> Iterator[Tx]:
        conn = self._thread_conn()
        try:
            conn.execute(begin)
        except sqlite3.Error as err:
            raise _error(err, self.url) from err
        try:
            yield _SqliteTx(conn)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _error(exc, self.url) from exc
            raise

    @contextmanager
    def _write(self) -> Iterator[Tx]:
        with self._lock, self._tx("BEGIN IMMEDIATE") as tx:
            yield tx

    def _read(self) -> Any:
        return self._tx("BEGIN")

    def _match(
        self, text: str, story_id: str | None, prompt_id: str | None
    ) -> tuple[str, list[Any]] | None:
        words = re.findall(r"\w+", text)
        if not words:
            return None
        query = "text : (" + " ".join(f'"{w}"' for w in words) + ")"
        if story_id is not None:
            query = f'scope : "{scope_token(story_id, prompt_id)}" AND {query}'
        return ("r.rid IN (SELECT rowid FROM reflections_fts WHERE reflections_fts MATCH ?)",
                [query])

    def _after_forget(self) -> None:
        """Rebuild the full-text index from the reflections left (no token of the forgotten
        text stays in it), then copy the WAL into the file and truncate it; when another
        process holds the bank open and the WAL cannot be emptied, :attr:`erasure_note` says
        so."""
        self.erasure_note = None
        with self._write() as tx:
            tx.run("INSERT INTO reflections_fts(reflections_fts) VALUES ('delete-all')")
            tx.run("INSERT INTO reflections_fts(rowid, text, scope) SELECT rid, "
                   f"coalesce(text, ''), {_SQLITE_SCOPE.format(r='reflections')} "
                   "FROM reflections")
            tx.run("INSERT INTO reflections_fts(reflections_fts) VALUES ('optimize')")
        with self._lock:
            conn = self._thread_conn()
            try:
                busy, log, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as err:
                raise _error(err, self.url) from err
        if busy or log > 0:
            self.erasure_note = (
                f"another program has the story bank {self.url} open, so its write-ahead log "
                f"({self.url}-wal) could not be emptied and may still hold the erased text; "
                "close every Crossroads using it and run 'crossroads bank forget' again")
