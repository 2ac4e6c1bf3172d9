"""Files that hold learners' words are the user's alone (0600); an empty or corrupt bank is
reported, never silently replaced; the cache of checked stories has a size cap."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from crossroads.engine.bank import Batch, Journal, open_bank
from crossroads.engine.diagnostics import BankError
from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui import checked
from crossroads.tui.cli import main
from tests.conftest import STORIES
from tests.tui.helpers import first_week


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> object:
    old = os.umask(0o022)  # what most users have: new files would be 0644
    yield None
    os.umask(old)


def test_bank_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite3"
    with open_bank(str(path)) as bank:
        bank.learner("ann")
        for suffix in ("", "-wal", "-shm"):
            assert _mode(Path(f"{path}{suffix}")) == 0o600, suffix


def test_journal_rejected_file_save_and_cache_are_0600(tmp_path: Path,
                                                       crossroads_home: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(Batch("8d1f6c8e-6f6a-4d8e-9a57-3f0c2b1d9e10", "bad\nname", None, "s", "h",
                         "2024-03-01T08:00:00+00:00"))  # refused by the bank: a bad name
    assert _mode(journal.path) == 0o600
    with open_bank(str(tmp_path / "b.sqlite3")) as bank:
        journal.flush(bank)
    assert journal.rejected.exists() and _mode(journal.rejected) == 0o600
    store = FileSessionStore()
    session = Session.start(first_week(), "ann")
    store.save(session)
    assert _mode(store.path_for(session.story.id, "ann")) == 0o600
    checked.check_and_remember(STORIES / "first-week.yaml")
    entries = list((crossroads_home / "cache" / "checked").iterdir())
    assert entries and all(_mode(e) == 0o600 for e in entries)


def test_a_zero_byte_bank_is_reported_not_replaced(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(BankError, match="empty file"):
        open_bank(str(path))
    assert path.stat().st_size == 0 and not Path(f"{path}-wal").exists()
    assert main(["bank", "list", "--bank", str(path)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "0 bytes" in err


def test_a_corrupt_bank_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.sqlite3"
    path.write_bytes(b"this is not SQLite at all, just some bytes\n" * 200)
    assert main(["bank", "list", "--bank", str(path)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "not a story bank" in err
    assert path.read_bytes().startswith(b"this is not SQLite")


def test_the_cache_evicts_the_oldest_past_its_cap(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    for n in range(10):
        entry = folder / f"e{n}"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))
    assert checked.evict(folder, limit=4500) == 6
    assert sorted(p.name for p in folder.iterdir()) == ["e6", "e7", "e8", "e9"]


def test_remembering_stories_stays_under_the_cap(monkeypatch: pytest.MonkeyPatch,
                                                 crossroads_home: Path) -> None:
    monkeypatch.setenv(checked.LIMIT_ENV, "1")  # smaller than any entry: nothing is kept
    checked.check_and_remember(STORIES / "first-week.yaml")
    assert checked.cached_story(STORIES / "first-week.yaml") is None
    monkeypatch.setenv(checked.LIMIT_ENV, str(10 * 1024 * 1024))
    checked.check_and_remember(STORIES / "first-week.yaml")
    assert checked.cached_story(STORIES / "first-week.yaml") is not None
