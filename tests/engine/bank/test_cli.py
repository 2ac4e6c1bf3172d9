"""``crossroads bank …`` end to end, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossroads.engine.bank import Bank, BankSessionStore, open_bank
from crossroads.engine.loader import load_path
from crossroads.engine.runtime import Session
from crossroads.tui.cli import main
from tests.conftest import STORIES
from tests.engine.bank.helpers import play, reflection


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(bank: Bank) -> Bank:
    play(bank, "ana", "team-a", [
        reflection("My manager \x1b[2Jlistened [bold]for an hour[/]", "bank",
                   at="2024-03-01T10:00:00.000+00:00"),
        reflection("A private note about the meeting", "private",
                   at="2024-03-01T10:01:00.000+00:00"),
    ])
    play(bank, "bo", "team-a", [
        reflection("The meeting where nobody asked me", "cohort", True,
                   at="2024-03-01T10:02:00.000+00:00"),
    ])
    return bank


def test_list_counts_and_rows(filled: Bank, bank_url: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bank", "list", "--bank", bank_url)
    assert code == 0 and "reflections" in out and "3" in out
    code, out, _ = run(capsys, "bank", "list", "--bank", bank_url, "--json")
    data = json.loads(out)
    assert data["counts"]["reflections"] == 3 and data["schema"] >= 2
    code, out, _ = run(capsys, "bank", "list", "playthroughs", "--bank", bank_url,
                       "--cohort", "team-a")
    assert code == 0 and out.rstrip().endswith("2 playthroughs")
    assert "team-a" not in out and out.count("cohort 96c2886c") == 2  # never the join code
    for what in ("cohorts", "playthroughs"):
        for fmt in ((), ("--json",)):
            code, out, _ = run(capsys, "bank", "list", what, "--bank", bank_url, *fmt)
            assert code == 0 and "team-a" not in out and "cohort 96c2886c" in out
    code, out, _ = run(capsys, "bank", "list", "learners", "--bank", bank_url, "--json")
    assert [x["name"] for x in json.loads(out)] == ["ana", "bo"]


def test_search_shows_only_what_the_reader_may_see(filled: Bank, bank_url: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bank", "search", "meeting", "--bank", bank_url)
    assert code == 0 and out.strip() == "0 reflections found"
    code, out, _ = run(capsys, "bank", "search", "meeting", "--as", "ana", "--bank", bank_url)
    assert "anonymous" in out and "nobody asked me" in out and "private note" in out
    assert "— bo" not in out
    code, out, _ = run(capsys, "bank", "search", "meeting", "--as", "ana", "--json",
                       "--bank", bank_url)
    assert {r["author"] for r in json.loads(out)} == {None, "ana"}
    code, out, _ = run(capsys, "bank", "search", "manager", "--bank", bank_url)
    assert "\x1b" not in out and "[2J" not in out  # no terminal escapes reach the screen
    assert "My manager listened" in out
    assert "[bold]for an hour[/]" in out


def test_export_import_round_trip_is_idempotent(filled: Bank, bank_url: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "bank.jsonl"
    code, out, _ = run(capsys, "bank", "export", str(bundle), "--bank", bank_url)
    assert code == 0 and "exported" in out
    lines = [json.loads(x) for x in bundle.read_text().splitlines()]
    assert lines[0]["type"] == "bundle"
    anon = [x for x in lines if x["type"] == "reflection" and x["anonymous"]]
    assert anon and all(x["learner"] is None for x in anon)
    fresh = str(tmp_path / "fresh.sqlite3")
    code, out, _ = run(capsys, "bank", "import", str(bundle), "--bank", fresh, "--json")
    assert code == 0 and json.loads(out)["reflection"] == {"added": 3, "skipped": 0}
    code, out, _ = run(capsys, "bank", "import", str(bundle), "--bank", fresh)
    assert code == 0 and out.rstrip().endswith("imported: 0 added, 10 already in the bank")
    with open_bank(fresh) as copy:
        assert copy.counts() == filled.counts()


def test_export_to_standard_output(filled: Bank, bank_url: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "bank", "export", "-", "--bank", bank_url)
    assert code == 0 and len(out.splitlines()) == 11 and "exported 10 records" in err


def test_forget_reports_what_it_removed(filled: Bank, bank_url: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bank", "forget", "ana", "--bank", bank_url, "--json")
    assert code == 0
    assert json.loads(out)["removed"] == {"reflections": 2, "checkins": 0, "steps": 0,
                                          "playthroughs": 1, "memberships": 1, "learners": 1,
                                          "journal": 0}
    code, out, err = run(capsys, "bank", "forget", "ana", "--bank", bank_url)
    assert code == 1 and err.strip() == "no learner named 'ana' in this story bank"


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "bank", "list", "--bank", str(tmp_path / "no" / "b.sqlite3"))
    assert code == 1 and len(err.splitlines()) == 1 and "does not exist" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "bundle", "format": "crossroads-bank/1"}\nnot json\n')
    code, _, err = run(capsys, "bank", "import", str(bad), "--bank", str(tmp_path / "b.sqlite3"))
    assert code == 1 and err.strip().startswith(f"{bad}:2: not a JSON line")
    code, _, err = run(capsys, "bank", "import", str(tmp_path / "missing.jsonl"))
    assert code == 2 and err == f"{tmp_path / 'missing.jsonl'}: no such file or directory\n"
    code, _, err = run(capsys, "bank", "search", "x", "--limit", "0")
    assert code == 2


def test_two_cohort_mates_then_a_bundle_into_a_fresh_bank(
    bank_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's "done when": two learners of one cohort play against one bank, each reads
    the other's cohort reflection at the same prompt; export + import reproduces the records."""
    story = load_path(STORIES / "first-week.yaml")
    for who in ("ana", "bo"):  # two terminals: two processes' worth of stores and banks
        with open_bank(bank_url) as bank:
            store = BankSessionStore(bank, "spring")
            session = Session.start(story, who)
            while session.current.reflect is None:
                session.choose(session.options()[0].index)
            session.reflect(f"{who} remembers a first week", "cohort")
            store.save(session)
    prompt = session.current.reflect
    assert prompt is not None
    with open_bank(bank_url) as bank:
        for me, other in (("ana", "bo"), ("bo", "ana")):
            seen = {r.author for r in bank.shared_reflections(story.id, prompt.id, me)}
            assert seen == {me, other}
        before = bank.counts()
    bundle = tmp_path / "b.jsonl"
    assert run(capsys, "bank", "export", str(bundle), "--bank", bank_url)[0] == 0
    fresh = str(tmp_path / "fresh.sqlite3")
    assert run(capsys, "bank", "import", str(bundle), "--bank", fresh)[0] == 0
    with open_bank(fresh) as copy:
        assert copy.counts() == before
        assert {r.author for r in copy.shared_reflections(story.id, prompt.id, "bo")} == {
            "ana", "bo"}
        resumed = BankSessionStore(copy).load(story, "ana")
        assert resumed is not None and resumed.scene == session.scene
