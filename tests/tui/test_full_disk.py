"""A full disk is a passing state: what the learner just wrote is never lost.

The bank is a real SQLite bank and the journal a real file; "the disk is full" is an
``OSError(ENOSPC)`` raised where the bytes would be written — the bank's write (SQLite says
"database or disk is full") and the journal's append — until the test makes room again.
"""

from __future__ import annotations

import errno
import io
import sqlite3
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from crossroads.engine.bank.journal import Journal
from crossroads.engine.bank.store import BankSessionStore
from crossroads.engine.runtime import Session
from crossroads.tui.plain import PlainPlayer
from tests.tui.helpers import ending_paths, first_week

STORY_TEXT = "The Tuesday the disk filled up, I wrote this anyway."


class Disk:
    """Whether the disk has room; while full, writes to the bank and the journal fail."""

    full = False


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Disk:
    state = Disk()
    real_append = Journal.append

    def append(self: Journal, batch: object) -> None:
        if state.full:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        real_append(self, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(Journal, "append", append)
    return state


def _store(tmp_path: Path, disk: Disk) -> BankSessionStore:
    bank = open_bank(str(tmp_path / "bank.sqlite3"))
    real_write = bank.write

    def write(batch: object) -> None:
        if disk.full:
            from crossroads.engine.bank.sqlite import _error

            raise _error(sqlite3.OperationalError("database or disk is full"), "bank.sqlite3")
        real_write(batch)  # type: ignore[arg-type]

    bank.write = write  # type: ignore[method-assign]
    return BankSessionStore(bank, journal=Journal(tmp_path / "journal.jsonl"))


class FillsUp(io.StringIO):
    """Standard input that fills the disk just before the learner's reflection is read, and
    makes room again after ``room_after`` more lines."""

    def __init__(self, text: str, disk: Disk, room_after: int) -> None:
        super().__init__(text)
        self.disk, self.room_after, self.counting = disk, room_after, False

    def readline(self, *args: object) -> str:  # type: ignore[override]
        line = super().readline()
        if line.strip() == STORY_TEXT:
            self.disk.full, self.counting = True, True
        elif self.counting:
            self.room_after -= 1
            if self.room_after < 0:
                self.disk.full, self.counting = False, False
        return line


def _answers(path: list[int]) -> str:
    story = first_week()
    s = Session.start(story)
    lines: list[str] = []
    for index in [*path, None]:
        if s.prompt is not None:
            lines += [STORY_TEXT, ""] + [""]  # then: who may read it? (empty: private)
        if index is None:
            break
        options = s.options()
        lines.append(str(next(n for n, o in enumerate(options, 1) if o.index == index)))
        s.choose(index)
    return "\n".join(lines) + "\n"


def test_a_reflection_typed_on_a_full_disk_is_in_the_bank_once_there_is_room(
    tmp_path: Path, disk: Disk
) -> None:
    story = first_week()
    path = ending_paths(story)["carried"]
    store = _store(tmp_path, disk)
    out, err = io.StringIO(), io.StringIO()
    answers = _answers(path)
    inp = FillsUp(answers, disk, room_after=3)
    code = PlainPlayer(story, "ann", store, inp, out, err, in_cohort=False).run()
    assert code == 0, err.getvalue()
    assert "NOT saved yet" in err.getvalue()  # said, not fatal
    assert not disk.full
    store.close()
    with open_bank(str(tmp_path / "bank.sqlite3")) as bank:
        texts = [r.text for r in bank.search("Tuesday", reader="ann")]
    assert texts.count(STORY_TEXT) == answers.count(STORY_TEXT)  # every one, each once


def test_when_the_disk_never_has_room_the_words_are_printed_not_lost(
    tmp_path: Path, disk: Disk
) -> None:
    story = first_week()
    path = ending_paths(story)["carried"]
    store = _store(tmp_path, disk)
    out, err = io.StringIO(), io.StringIO()
    inp = FillsUp(_answers(path), disk, room_after=10_000)
    code = PlainPlayer(story, "ann", store, inp, out, err, in_cohort=False).run()
    assert code != 0
    assert "NOT saved" in err.getvalue()
    assert STORY_TEXT in err.getvalue().split("Your reflection, to keep:")[-1]
    assert "playthrough archived" not in err.getvalue()
