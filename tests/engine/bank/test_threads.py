"""One bank object shared by many threads (as the cohort server's workers share it): SQLite gives
each thread a connection of its own and queues the writers; PostgreSQL hands out pooled
connections. Nothing written is lost, reads run meanwhile, and closing closes them all."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from crossroads.engine.bank import Bank, Batch, open_bank
from tests.engine.bank.helpers import reflection

THREADS, WRITES = 8, 25


def _choice(seq: int) -> dict[str, object]:
    return {"type": "choice", "scene": f"s{seq}", "index": 0, "key": "go", "to": f"s{seq + 1}",
            "meters": {}, "at": "2024-03-01T08:00:00.000+00:00"}


def test_threads_write_and_read_side_by_side(bank: Bank) -> None:
    errors: list[BaseException] = []
    seen: list[int] = []

    def writer(n: int) -> None:
        try:
            pt = str(uuid.uuid4())
            for seq in range(WRITES):
                event = (reflection(f"thread {n} wrote {seq}", "bank") if seq % 5 == 4
                         else _choice(seq))
                bank.write(Batch(pt, f"learner{n}", None, "floods", "h",
                                 "2024-03-01T08:00:00.000+00:00", seq, [event]))
                seen.append(bank.counts()["steps"])  # a read between writes
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    counts = bank.counts()
    assert counts["steps"] == THREADS * WRITES * 4 // 5
    assert counts["reflections"] == THREADS * WRITES // 5
    assert len(seen) == THREADS * WRITES and max(seen) <= counts["steps"]


def test_sqlite_closes_every_thread_connection(tmp_path: Path) -> None:
    import sqlite3

    bank = open_bank(str(tmp_path / "b.sqlite3"))
    threads = [threading.Thread(target=bank.counts) for _ in range(3)]
    for t in threads:
        t.start()
        t.join()
    conns = list(bank._conns.values())  # type: ignore[attr-defined]
    assert len(conns) >= 2  # (threads that ended are closed as new ones connect)
    bank.close()
    for conn in conns:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")
