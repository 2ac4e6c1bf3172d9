"""Programmes: the model and loader (positioned errors), the schema, and a cohort's status over a
real SQLite bank through the real command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from crossroads.engine.bank.base import Batch, now
from crossroads.engine.programme import (
    MAX_PROGRAMME_BYTES,
    ProgrammeError,
    load_programme,
    load_programme_text,
    programme_schema,
)
from crossroads.engine.programme_bank import shipped_story_ids
from crossroads.engine.programme_status import (
    MemberProgress,
    due_for,
    programme_status,
    short_day,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "restructuring-programme.yaml"

GOOD = """\
format: crossroads-programme/1
title: Spring
sessions:
  - story: first-week
    date: 2027-01-12
  - story: the-conversation
    date: 2027-01-26
    title: The hard one
  - story: break-room
    date: 2027-02-09
"""


def _errors(text: str, stories: set[str] | None = None) -> list[str]:
    with pytest.raises(ProgrammeError) as err:
        load_programme_text(text, "p.yaml", stories)
    assert err.value.exit_code == 2
    return err.value.lines()


def test_a_good_programme_reads_with_dates() -> None:
    p = load_programme_text(GOOD, "p.yaml", shipped_story_ids())
    assert p.title == "Spring"
    assert [s.story for s in p.sessions] == ["first-week", "the-conversation", "break-room"]
    assert p.sessions[1].date == dt.date(2027, 1, 26) and p.sessions[1].title == "The hard one"


def test_the_shipped_example_names_shipped_stories_two_weeks_apart() -> None:
    p = load_programme(EXAMPLE, shipped_story_ids())
    gaps = {(b.date - a.date).days for a, b in zip(p.sessions, p.sessions[1:], strict=False)}
    assert gaps == {14}
    assert len(p.sessions) == len(shipped_story_ids())


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD.replace("2027-01-26", "2027-01-02"),
     "p.yaml:7:11: CR112 error: session 2 (2027-01-02) comes before session 1 (2027-01-12)"),
    (GOOD.replace("2027-01-26", "2027-01-12"),
     "p.yaml:7:11: CR112 error: session 2 is on 2027-01-12, the same day as session 1"),
    (GOOD.replace("story: break-room", "story: first-week"),
     "p.yaml:9:12: CR112 error: the story 'first-week' is already session 1"),
    (GOOD.replace("story: break-room", "story: no-such-story"),
     "p.yaml:9:12: CR112 error: no story 'no-such-story' in the library or the cohort's "
     "stories"),
    (GOOD.replace("2027-02-09", "2027-02-30"),
     "p.yaml:10:11: CR112 error: session 3's date: 2027-02-30 is not a day of the calendar"),
    (GOOD.replace("2027-02-09", "9 Feb 2027"),
     "p.yaml:10:11: CR112 error: session 3's date: write the date as YYYY-MM-DD"),
    (GOOD.replace("2027-02-09", "1770000000"),
     "p.yaml:10:11: CR112 error: session 3's date: write the date as YYYY-MM-DD"),
    (GOOD.replace("    title: The hard one", "    tittle: The hard one"),
     "p.yaml:8:5: CR110 error: unknown key 'tittle' in session 2"),
    (GOOD.replace("  - story: first-week\n", "  - story: 'two words'\n"),
     "p.yaml:4:12: CR112 error: session 1's story"),
    (GOOD.replace("format: crossroads-programme/1\n", ""),
     "p.yaml:1:1: CR111 error: the programme is missing the required key 'format'"),
    (GOOD.replace("/1", "/2"), "p.yaml:1:9: CR112 error: format:"),
    ("format: crossroads-programme/1\nsessions: []\n", "p.yaml:2:11: CR112 error: sessions:"),
    ("- a\n- b\n", "p.yaml:1:1: CR104 error: a programme is a mapping"),
    ("", "p.yaml:1:1: CR103 error: the programme is empty"),
    ("format: [\n", "p.yaml:2:1: CR101 error: YAML syntax error"),
    ("format: a\nformat: b\n", "p.yaml:2:1: CR105"),
])
def test_errors_are_positioned_one_line_each(text: str, expected: str) -> None:
    lines = _errors(text, shipped_story_ids())
    assert any(line.startswith(expected) for line in lines), lines
    assert all("\n" not in line for line in lines)


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("2027-01-26", "2027-01-02").replace("story: break-room",
                                                             "story: nope")
    lines = _errors(text, {"first-week", "the-conversation"})
    assert [line.split(":")[1] for line in lines] == ["7", "9"]
    assert "use one of: first-week, the-conversation" in lines[1]


@pytest.mark.parametrize("payload", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.check_output [['touch', '{marker}']]",
    "!!python/name:os.system",
])
def test_tags_are_refused_and_nothing_runs(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "ran"
    text = f"format: crossroads-programme/1\ntitle: {payload.format(marker=marker)}\n" \
           "sessions:\n  - {story: first-week, date: 2027-01-12}\n"
    lines = _errors(text)
    assert "CR106" in lines[0] and "nothing was run" in lines[0]
    assert not marker.exists()


def test_alias_bombs_and_oversized_files_are_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    assert "CR107" in _errors(bomb)[0]
    big = GOOD + "#" * MAX_PROGRAMME_BYTES
    assert "KB of YAML" in _errors(big)[0]


def test_the_committed_schema_is_the_models() -> None:
    committed = json.loads((ROOT / "schema" / "programme.schema.json").read_text())
    assert committed == programme_schema(), "run 'crossroads programme schema'"
    assert committed["$defs"]["ProgrammeSession"]["properties"]["date"]["pattern"]


# ---------------------------------------------------------------------- status
def test_status_of_each_state_and_who_is_ready() -> None:
    p = load_programme_text(GOOD)
    members = [
        MemberProgress("Ana", frozenset({"first-week", "the-conversation"}), frozenset()),
        MemberProgress("bo", frozenset({"first-week"}), frozenset({"the-conversation"})),
        MemberProgress("Cy", frozenset(), frozenset()),
    ]
    status = programme_status(p, members, dt.date(2027, 1, 20))
    assert status.members == [
        ("Ana", ["done", "done", "not started"]),
        ("bo", ["done", "in progress", "not started"]),
        ("Cy", ["overdue", "not started", "not started"]),
    ]
    assert status.next_session == 1 and status.ready == 2
    late = programme_status(p, members, dt.date(2027, 2, 1))
    assert late.members[1][1] == ["done", "overdue", "not started"]
    assert late.next_session == 2 and late.ready == 1
    over = programme_status(p, members, dt.date(2027, 3, 1))
    assert over.next_session is None and over.to_json()["next"] is None


def test_what_is_due_next() -> None:
    p = load_programme_text(GOOD)
    due = due_for(p, {"first-week"}, dt.date(2027, 1, 20))
    assert due is not None and (due.session, due.of, due.story_id) == (1, 3, "the-conversation")
    assert not due.overdue
    assert due.line() == f"Due by {short_day(dt.date(2027, 1, 26))}: The hard one (session 2 " \
                         "of 3)"
    late = due_for(p, set(), dt.date(2027, 1, 20))
    assert late is not None and late.overdue
    assert late.line({"first-week": "The First Week"}).startswith("Overdue since ")
    assert late.line({"first-week": "The First Week"}).endswith(
        ": The First Week (session 1 of 3)")
    assert due_for(p, {"first-week", "the-conversation", "break-room"}, dt.date(2027, 1, 1)) \
        is None
    assert short_day(dt.date(dt.date.today().year, 12, 8)).endswith(" 8 Dec")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crossroads", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _play(bank_path: str, learner: str, story: str, status: str) -> None:
    with open_bank(bank_path) as bank:
        bank.write(Batch(str(uuid.uuid4()), learner, "spring", story, "h", now(),
                         status=status,  # type: ignore[arg-type]
                         finished=now() if status != "playing" else None))


def test_status_over_a_local_bank(tmp_path: Path) -> None:
    bank = str(tmp_path / "bank.sqlite3")
    programme = tmp_path / "programme.yaml"
    programme.write_text(GOOD)
    out = _cli("programme", "set", "spring", str(programme), "--bank", bank)
    assert out.returncode == 0, out.stderr
    assert "3 sessions, 2027-01-12 to 2027-02-09" in out.stdout
    _play(bank, "ana", "first-week", "finished")
    _play(bank, "ana", "the-conversation", "finished")
    _play(bank, "bo", "first-week", "finished")
    _play(bank, "bo", "the-conversation", "playing")
    _play(bank, "cy", "break-room", "abandoned")
    _play(bank, "Zoë 李", "break-room", "playing")
    out = _cli("programme", "status", "spring", "--bank", bank, "--today", "2027-01-27",
               "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    states = {m["name"]: m["states"] for m in data["members"]}
    assert states == {"ana": ["done", "done", "not started"],
                      "bo": ["done", "overdue", "not started"],
                      "cy": ["overdue", "overdue", "not started"],
                      "Zoë 李": ["overdue", "overdue", "in progress"]}
    assert data["next"] == {"n": 3, "ready": 1, "members": 4}
    table = _cli("programme", "status", "spring", "--bank", bank, "--today", "2027-01-20")
    assert table.returncode == 0, table.stderr
    rows = {line[:6].strip(): line[6:].split() for line in table.stdout.splitlines()[2:6]}
    assert rows["ana"] == ["✓", "✓", "·"]
    assert rows["bo"] == ["✓", "~", "·"]
    assert rows["cy"] == ["!", "·", "·"]
    assert rows["Zoë 李"] == ["!", "·", "~"]
    assert "Next: session 2 on 2027-01-26, The hard one — 2 of 4 ready" in table.stdout
    shown = _cli("programme", "show", "spring", "--bank", bank)
    assert shown.returncode == 0 and "The hard one (the-conversation)" in shown.stdout
    assert _cli("programme", "show", "spring", "--bank", bank, "--yaml").stdout == GOOD


def test_set_refuses_a_story_the_library_and_cohort_lack(tmp_path: Path) -> None:
    bank = str(tmp_path / "bank.sqlite3")
    programme = tmp_path / "programme.yaml"
    programme.write_text(GOOD.replace("break-room", "my-own-story"))
    out = _cli("programme", "set", "spring", str(programme), "--bank", bank)
    assert out.returncode == 2
    assert out.stderr.startswith(f"{programme}:9:12: CR112 error: no story 'my-own-story'")
    _play(bank, "ana", "my-own-story", "finished")  # played in the bank: now it is known
    assert _cli("programme", "set", "spring", str(programme), "--bank", bank).returncode == 0


def test_nothing_is_due_while_the_server_cannot_be_reached() -> None:
    from crossroads.engine.programme_due import learner_due
    from crossroads.engine.remote.login import Login
    from crossroads.engine.remote.server_bank import open_server_store
    from tests.server.conftest import free_port

    login = Login(f"http://127.0.0.1:{free_port()}", "crl_x", "learner", str(uuid.uuid4()),
                  "Ana", str(uuid.uuid4()), "spring")
    store = open_server_store(login)
    try:
        assert learner_due(store, login.id) is None
    finally:
        store.close()
