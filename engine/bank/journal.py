"""The offline journal: batches the bank could not take yet, kept in a local file.

One JSON line per :class:`~crossroads.engine.bank.base.Batch`, appended and fsynced before
:meth:`Journal.append` returns, so a batch in the journal is as safe as one in the bank. A file
lock lets several players on one machine share a journal. Batches are idempotent, so a replay
interrupted half-way is simply replayed again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crossroads.engine.bank.base import Bank, BankUnavailable, Batch
from crossroads.engine.diagnostics import BankError
from crossroads.engine.paths import data_dir


def journal_path(bank_url: str) -> Path:
    """The journal file for a bank (one per bank, under the data folder)."""
    digest = hashlib.sha256(bank_url.encode()).hexdigest()[:16]
    return data_dir() / "journal" / f"bank-{digest}.jsonl"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Journal:
    """Batches waiting for the bank, durable on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rejected = path.with_suffix(".rejected.jsonl")

    @contextmanager
    def _locked(self) -> Iterator[int]:
        fresh = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if fresh:
                _fsync_dir(self.path.parent)
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)  # closing releases the lock

    def pending(self) -> bool:
        """True when batches are waiting."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def append(self, batch: Batch) -> None:
        """Add a batch; durable when this returns."""
        line = json.dumps(batch.to_json(), ensure_ascii=False).encode("utf-8") + b"\n"
        with self._locked() as fd:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a torn line from a crash stays on its own line
            os.write(fd, line)
            os.fsync(fd)

    def batches(self) -> list[Batch]:
        """The batches waiting (a torn last line from a crash is ignored)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        return [b for b in (_parse(line) for line in data.splitlines()) if b is not None]

    def flush(self, bank: Bank) -> int:
        """Write every waiting batch to the bank, then empty the journal; return how many.

        A batch the bank refuses as malformed is moved to the ``.rejected.jsonl`` file beside
        the journal rather than blocking the others.

        Raises:
            BankUnavailable: the bank is still unreachable (the journal is left as it was).
        """
        if not self.pending():
            return 0
        with self._locked() as fd:
            size = os.fstat(fd).st_size
            data = os.pread(fd, size, 0) if size else b""
            written = 0
            for raw in data.splitlines():
                batch = _parse(raw)
                if batch is None:
                    continue
                try:
                    bank.write(batch)
                except BankUnavailable:
                    raise
                except BankError:
                    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
                    with open(os.open(self.rejected, flags, 0o600), "ab") as fh:
                        fh.write(raw.rstrip(b"\n") + b"\n")
                        fh.flush()
                        os.fsync(fh.fileno())
                written += 1
            os.ftruncate(fd, 0)
            os.fsync(fd)
        return written


def _parse(raw: bytes) -> Batch | None:
    try:
        return Batch.from_json(json.loads(raw))
    except (ValueError, TypeError):
        return None


def forget_in_journal(journal: Journal, learner: str) -> int:
    """Erase the learner's batches from the journal and from its rejected file (rewritten in
    place under the journal's lock); return how many were removed."""
    removed = 0
    with journal._locked() as fd:
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        kept, n = _without(data, learner)
        if n:
            os.ftruncate(fd, 0)
            os.pwrite(fd, kept, 0)
            os.fsync(fd)
        removed += n
        try:
            rejected = journal.rejected.read_bytes()
        except FileNotFoundError:
            return removed
        kept, n = _without(rejected, learner)
        if n:
            fh = os.open(journal.rejected, os.O_WRONLY | os.O_TRUNC, 0o600)
            try:
                os.write(fh, kept)
                os.fsync(fh)
            finally:
                os.close(fh)
        removed += n
    return removed


def _without(data: bytes, learner: str) -> tuple[bytes, int]:
    kept: list[bytes] = []
    removed = 0
    for raw in data.splitlines():
        batch = _parse(raw)
        if batch is not None and batch.learner == learner:
            removed += 1
        elif raw.strip():
            kept.append(raw + b"\n")
    return b"".join(kept), removed
