"""``bank forget`` on SQLite: the full-text index is rebuilt, the WAL checkpointed and truncated
(or a warning says another process holds it), and the local journal forgets the learner too."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from crossroads.engine.bank import Batch, Journal, open_bank
from crossroads.engine.bank.journal import journal_path
from crossroads.tui.cli import main
from tests.engine.bank.helpers import play, reflection


def _batch(learner: str, text: str) -> Batch:
    return Batch(str(uuid.uuid4()), learner, None, "s1", "h", "2024-03-01T08:00:00.000+00:00",
                 0, [reflection(text, "bank")])


def _fts_rows(path: Path, word: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM reflections_fts WHERE reflections_fts "
                                "MATCH ?", [word]).fetchone()[0])
    finally:
        conn.close()


def test_forget_rebuilds_the_index_truncates_the_wal_and_cleans_the_journal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.sqlite3"
    with open_bank(str(path)) as bank:
        play(bank, "ann", None, [reflection("zebracorn secret of ann", "bank")])
        play(bank, "bo", None, [reflection("bo keeps his words", "bank")])
        url = bank.url
    assert _fts_rows(path, "zebracorn") == 1
    journal = Journal(journal_path(url))
    journal.append(_batch("ann", "zebracorn waiting"))
    journal.append(_batch("bo", "bo waiting"))
    journal.rejected.write_text(json.dumps(_batch("ann", "zebracorn rejected").to_json()) + "\n"
                                + json.dumps(_batch("bo", "bo rejected").to_json()) + "\n")
    assert main(["bank", "forget", "ann", "--yes", "--bank", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "warning" not in err and "journal" in out
    assert _fts_rows(path, "zebracorn") == 0 and _fts_rows(path, "words") == 1
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert b"zebracorn" not in path.read_bytes()
    left = journal.path.read_text() + journal.rejected.read_text()
    assert "zebracorn" not in left and "bo waiting" in left and "bo rejected" in left
    assert [b.learner for b in journal.batches()] == ["bo"]
    with open_bank(str(path)) as bank:
        assert [r.text for r in bank.search("words")] == ["bo keeps his words"]


def test_forget_says_when_another_process_holds_the_wal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.sqlite3"
    with open_bank(str(path)) as bank:
        play(bank, "ann", None, [reflection("zebracorn", "bank")])
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM learners").fetchone()  # a reader holds a snapshot
        assert main(["bank", "forget", "ann", "--yes", "--bank", str(path)]) == 0
    finally:
        other.close()
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "another program" in err and "-wal" in err
