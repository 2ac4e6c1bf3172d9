"""The bank's behaviour, identical on SQLite and PostgreSQL (every test runs on both)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from crossroads.engine.bank import Bank, BankError, Batch, open_bank
from crossroads.engine.bank.migrations import LATEST
from tests.engine.bank.helpers import STORY, choice, play, reflection, texts


def test_a_fresh_bank_has_the_latest_schema(bank: Bank, make_bank: Callable[[], Bank]) -> None:
    assert bank.schema_version() == LATEST
    assert make_bank().schema_version() == LATEST  # reopening migrates nothing


def test_an_older_bank_is_upgraded_on_open_and_keeps_its_records(bank_url: str) -> None:
    old = open_bank(bank_url, migrate_to=1)
    try:
        assert old.schema_version() == 1
        play(old, "ana", None, [reflection("the quarterly meeting went badly", "bank")])
    finally:
        old.close()
    with open_bank(bank_url) as new:
        assert new.schema_version() == LATEST
        # version 2 added full-text search, version 3 scoped it to prompts; both indexed what
        # version 1 held
        assert texts(new.search("meetings")) == ["the quarterly meeting went badly"]
        assert texts(new.shared_reflections(STORY, "p1", "ana", query="meetings")) == [
            "the quarterly meeting went badly"]
        assert new.shared_reflections(STORY, "p2", "ana", query="meetings") == []


def test_a_newer_bank_is_refused(bank: Bank, bank_url: str) -> None:
    with bank._write() as tx:  # type: ignore[attr-defined]
        tx.run("INSERT INTO bank_schema (version) VALUES (?)", [LATEST + 5])
    with pytest.raises(BankError, match=f"schema version {LATEST + 5}, newer"):
        open_bank(bank_url)


def test_learners_are_created_on_first_use_and_join_cohorts(bank: Bank) -> None:
    assert bank.learner("ana", create=False) is None
    ana = bank.learner("ana")
    assert ana is not None and bank.learner("ana") == ana
    cohort = bank.join("ana", "spring-24", "Spring cohort")
    assert (cohort.code, cohort.name) == ("spring-24", "Spring cohort")
    assert bank.join("bo", "spring-24").id == cohort.id
    assert [c.code for c in bank.cohorts()] == ["spring-24"]
    assert [learner.name for learner in bank.learners()] == ["ana", "bo"]
    assert bank.counts()["memberships"] == 2


def test_events_round_trip_in_order(bank: Bank) -> None:
    events = [
        choice(0),
        reflection("a story", "cohort", True),
        {"type": "checkin", "scene": "s1", "answers": {"listen": 4, "plan": 2},
         "at": "2024-03-01T09:30:00.000+00:00"},
        choice(3),
        reflection(None),  # skipped
    ]
    pt = play(bank, "ana", "c1", events)
    assert bank.events(pt) == events
    [p] = bank.playthroughs()
    assert (p.id, p.learner, p.cohort, p.status, p.story_id) == (pt, "ana", "c1", "playing", STORY)
    assert bank.unfinished("ana", STORY) == p
    assert bank.unfinished("bo", STORY) is None


def test_writing_the_same_batch_twice_adds_nothing(bank: Bank) -> None:
    batch = Batch("6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3b", "ana", "c1", STORY, "h",
                  "2024-03-01T08:00:00+00:00", 0,
                  [choice(0), reflection("once", "bank"),
                   {"type": "checkin", "scene": "s", "answers": {"x": 1}, "at": None}])
    bank.write(batch)
    before = bank.counts()
    bank.write(batch)
    assert bank.counts() == before
    assert before["steps"] == before["reflections"] == before["checkins"] == 1


def test_finishing_is_recorded_once_and_never_undone(bank: Bank) -> None:
    pt = play(bank, "ana", None, [choice(0)])
    bank.write(Batch(pt, "ana", None, STORY, "h", "2024-03-01T08:00:00+00:00", 1, [choice(1)],
                     "finished", "end-good", "2024-03-01T10:00:00+00:00"))
    bank.write(Batch(pt, "ana", None, STORY, "h", "2024-03-01T08:00:00+00:00", 2, [],
                     "abandoned"))
    [p] = bank.playthroughs()
    assert (p.status, p.ending, p.finished) == ("finished", "end-good",
                                                 "2024-03-01T10:00:00.000+00:00")
    assert bank.unfinished("ana", STORY) is None


def test_malformed_events_are_refused_with_a_reason(bank: Bank) -> None:
    with pytest.raises(BankError, match="unknown visibility"):
        play(bank, "ana", None, [reflection("x", "everyone")])
    with pytest.raises(BankError, match="malformed"):
        play(bank, "ana", None, [{"type": "choice", "scene": "a"}])
    with pytest.raises(BankError):
        play(bank, "ana", None, [{"type": "checkin", "scene": "a", "answers": {"x": 9}}])
    assert bank.counts()["playthroughs"] == 0  # each batch is all or nothing


# ---------------------------------------------------------------------- access rules
@pytest.fixture
def shared(bank: Bank) -> Bank:
    """ana and bo in cohort c1, cy in c2, dee in none; each wrote one reflection per level."""
    bank.join("bo", "c1")
    minute = 0
    for who, cohort in (("ana", "c1"), ("cy", "c2"), ("dee", None)):
        events = []
        for vis in ("private", "cohort", "bank"):
            for anonymous in (False, True):
                minute += 1
                events.append(reflection(f"{who} {vis}{' anon' if anonymous else ''}", vis,
                                         anonymous, f"2024-03-01T10:{minute:02d}:00.000+00:00"))
        events.append(reflection(None, "bank", at="2024-03-01T11:00:00.000+00:00"))
        play(bank, who, cohort, events)
    return bank


def test_a_reader_sees_their_own_their_cohorts_and_the_banks(shared: Bank) -> None:
    seen = shared.shared_reflections(STORY, "p1", "bo")
    assert texts(seen) == [
        "dee bank anon", "dee bank", "cy bank anon", "cy bank",
        "ana bank anon", "ana bank", "ana cohort anon", "ana cohort",
    ]
    authors = {r.text: r.author for r in seen}
    assert authors["ana cohort"] == "ana" and authors["dee bank"] == "dee"
    assert authors["ana cohort anon"] is None and authors["dee bank anon"] is None
    assert not any(r.mine for r in seen)


def test_the_author_sees_everything_of_their_own(shared: Bank) -> None:
    seen = shared.shared_reflections(STORY, "p1", "ana")
    mine = [r for r in seen if r.mine]
    assert sorted(texts(mine)) == sorted(
        f"ana {v}{a}" for v in ("private", "cohort", "bank") for a in ("", " anon")
    )
    assert all(r.author is None for r in mine if r.text.endswith("anon"))
    assert "cy cohort" not in texts(seen) and "cy private" not in texts(seen)


def test_strangers_and_outsiders_see_only_bank_reflections(shared: Bank) -> None:
    expected = ["dee bank anon", "dee bank", "cy bank anon", "cy bank", "ana bank anon",
                "ana bank"]
    assert texts(shared.shared_reflections(STORY, "p1", "nobody-yet")) == expected
    assert texts(shared.search(None)) == expected
    assert shared.learner("nobody-yet", create=False) is None  # reading creates nobody


def test_cohort_reflections_stay_in_the_cohort_they_were_written_in(shared: Bank) -> None:
    shared.join("cy", "c1")  # cy joins c1 later: sees c1's cohort reflections...
    assert "ana cohort" in texts(shared.shared_reflections(STORY, "p1", "cy"))
    # ...but cy's own cohort reflection was written in c2, so c1's bo does not see it
    assert "cy cohort" not in texts(shared.shared_reflections(STORY, "p1", "bo"))
    # and dee, who played in no cohort, shares `cohort` reflections with nobody
    assert "dee cohort" not in texts(shared.shared_reflections(STORY, "p1", "bo"))


def test_pages_and_prompts(shared: Bank) -> None:
    everything = texts(shared.shared_reflections(STORY, "p1", "bo", limit=100))
    pages = [texts(shared.shared_reflections(STORY, "p1", "bo", limit=3, offset=o))
             for o in range(0, 9, 3)]
    assert [text for page in pages for text in page] == everything
    assert shared.shared_reflections(STORY, "other-prompt", "bo") == []
    assert shared.shared_reflections("other-story", "p1", "bo") == []


def test_full_text_search_respects_the_rules_and_any_input(bank: Bank) -> None:
    play(bank, "ana", "c1", [
        reflection("My manager cancelled our meetings for a month", "bank",
                   at="2024-03-01T10:00:00.000+00:00"),
        reflection("Meeting the new director felt like an exam", "private",
                   at="2024-03-01T10:01:00.000+00:00"),
    ])
    assert texts(bank.search("meeting")) == ["My manager cancelled our meetings for a month"]
    assert len(bank.search("meeting", reader="ana")) == 2
    assert texts(bank.shared_reflections(STORY, "p1", "bo", query="director")) == []
    assert texts(bank.search("manager month")) == [
        "My manager cancelled our meetings for a month"
    ]
    play(bank, "ana", "c1", [reflection("A meeting at another prompt", "bank", prompt="p2"),
                             reflection("A meeting in another story", "bank")], story="s2")
    assert texts(bank.shared_reflections(STORY, "p1", "ana", query="meetings")) == [
        "Meeting the new director felt like an exam",
        "My manager cancelled our meetings for a month",
    ]
    assert len(bank.search("meeting", story_id="s2")) == 2
    assert texts(bank.search("meeting", story_id="s2", prompt_id="p2")) == [
        "A meeting at another prompt"]
    for hostile in ['"', "[/]", "meet* OR (", "NEAR(a b)", "'; DROP TABLE learners; --", "-x",
                    'scope : "x" OR', "text:(a"]:
        bank.search(hostile, reader="ana")  # never an error
        bank.shared_reflections(STORY, "p1", "ana", query=hostile)
    assert bank.search("!!!") == []
    assert bank.counts()["learners"] == 1


# ---------------------------------------------------------------------- bundles
def _bundle(bank: Bank) -> list[dict[str, object]]:
    return [json.loads(json.dumps(r)) for r in bank.export_records()]


def test_export_then_import_reproduces_the_records_idempotently(
    shared: Bank, tmp_path: Path
) -> None:
    bundle = _bundle(shared)
    assert bundle[0]["type"] == "bundle"
    with open_bank(str(tmp_path / "copy.sqlite3")) as copy:
        counts = copy.import_records(bundle)
        assert counts["reflection"] == {"added": 21, "skipped": 0}
        assert counts["learner"]["added"] == 4
        for reader in ("ana", "bo", "cy", "dee", None):
            for query in (None, "bank"):
                original = shared.search(query, reader=reader, limit=100)
                copied = copy.search(query, reader=reader, limit=100)
                # anonymous reflections lose their author link, so even the author sees
                # them as the rules allow anyone else: a private one (or dee's cohort one,
                # written in no cohort) not at all
                lost = {"ana private anon", "cy private anon", "dee private anon",
                        "dee cohort anon"}
                assert {(r.id, r.text, r.author) for r in copied} == {
                    (r.id, r.text, r.author) for r in original
                    if not (r.mine and r.text in lost)
                }
        again = copy.import_records(bundle)
        assert all(c["added"] == 0 for c in again.values())
        assert copy.counts() == shared.counts()
    # importing a bank's own export into it adds nothing either
    assert all(c["added"] == 0 for c in shared.import_records(bundle).values())


def test_an_anonymous_reflection_is_exported_without_its_author(shared: Bank) -> None:
    anon = [r for r in _bundle(shared) if r["type"] == "reflection" and r["anonymous"]]
    assert len(anon) == 9
    for r in anon:
        assert r["learner"] is None and r["playthrough"] is None and r["seq"] is None
        assert str(r["created"]).endswith("T00:00:00.000+00:00")


def test_import_into_a_bank_that_knows_the_learner_merges_by_name(
    bank: Bank, tmp_path: Path
) -> None:
    play(bank, "ana", "c1", [reflection("first bank", "bank")])
    with open_bank(str(tmp_path / "other.sqlite3")) as other:
        play(other, "ana", "c1", [reflection("second bank", "bank")])
        counts = bank.import_records(_bundle(other))
    assert counts["learner"] == {"added": 0, "skipped": 1}
    assert counts["cohort"] == {"added": 0, "skipped": 1}
    assert sorted(texts(bank.search(None, reader="ana"))) == ["first bank", "second bank"]
    assert all(r.mine for r in bank.search(None, reader="ana"))


def test_a_malformed_bundle_names_the_line(bank: Bank) -> None:
    with pytest.raises(BankError, match="bundle line 1: not a Crossroads bank bundle"):
        bank.import_records([{"type": "bundle", "format": "other"}])
    with pytest.raises(BankError, match="bundle line 2: malformed"):
        bank.import_records([{"type": "bundle", "format": "crossroads-bank/1"},
                             {"type": "learner", "name": "x"}])
    with pytest.raises(BankError, match="bundle line 1: malformed"):
        bank.import_records([{"type": "learner", "id": "not-a-uuid", "name": "x",
                              "created": None}])
    with pytest.raises(BankError, match="line 1: refers to a learner not in the bundle"):
        bank.import_records([{"type": "playthrough", "id": "6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3b",
                              "learner": "6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3c", "cohort": None,
                              "story": "s", "story_hash": "h", "started": None,
                              "finished": None, "status": "playing", "ending": None}])
    assert bank.counts()["learners"] == 0


# ---------------------------------------------------------------------- forgetting
def test_forget_erases_every_row_of_the_learner_and_nothing_else(shared: Bank) -> None:
    play(shared, "ana", "c1", [choice(0), {"type": "checkin", "scene": "x",
                                           "answers": {"q": 3}, "at": None}])
    before = shared.counts()
    removed = shared.forget("ana")
    assert removed == {"reflections": 7, "checkins": 1, "steps": 1, "playthroughs": 2,
                       "memberships": 1, "learners": 1}
    after = shared.counts()
    assert {t: before[t] - after[t] for t in before} == {**removed, "cohorts": 0}
    assert shared.learner("ana", create=False) is None
    assert not any("ana" in r.text for r in shared.search(None, reader="bo", limit=100))
    assert shared.search("ana") == []  # gone from the full-text index too
    assert {r.text for r in shared.search("cy")} == {"cy bank", "cy bank anon"}
    with pytest.raises(BankError, match="no learner named 'ana'"):
        shared.forget("ana")


def test_forget_leaves_no_trace_in_the_sqlite_full_text_index(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite3"
    with open_bank(str(path)) as bank:
        play(bank, "ana", None, [reflection("zanzibar marmalade", "bank")])
        play(bank, "bo", None, [reflection("other words", "bank")])
        bank.forget("ana")
    conn = sqlite3.connect(path)
    try:
        hits = conn.execute("SELECT count(*) FROM reflections_fts WHERE reflections_fts "
                            "MATCH 'zanzibar'").fetchone()[0]
        assert hits == 0
        raw = path.read_bytes()
        assert b"zanzibar" not in raw and b"marmalade" not in raw
    finally:
        conn.close()


# ---------------------------------------------------------------------- opening
def test_bad_sqlite_locations_are_clear_errors(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 200)
    with pytest.raises(BankError, match="not a story bank"):
        open_bank(str(text))
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(BankError, match="not a story bank"):
        open_bank(str(other))
    with pytest.raises(BankError, match="does not exist"):
        open_bank(str(tmp_path / "missing" / "bank.sqlite3"))
    with pytest.raises(BankError, match="unknown story bank URL scheme 'mysql'"):
        open_bank("mysql://x/y")


def test_the_default_bank_lives_in_the_data_folder(
    crossroads_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with open_bank() as bank:
        assert bank.url == str(crossroads_home / "bank.sqlite3")
    monkeypatch.setenv("CROSSROADS_BANK", str(tmp_path / "env.sqlite3"))
    with open_bank() as bank:
        assert bank.url == str(tmp_path / "env.sqlite3")


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with open_bank(str(tmp_path / "b.sqlite3")) as bank:
        conn = bank._conn  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


@pytest.mark.postgres
def test_an_unreachable_server_is_a_clear_error() -> None:
    from crossroads.engine.bank import BankUnavailable

    with pytest.raises(BankUnavailable, match="cannot reach the story bank"):
        open_bank("postgresql://nobody:secret@127.0.0.1:1/none")
    try:
        open_bank("postgresql://nobody:secret@127.0.0.1:1/none")
    except BankError as err:
        assert "secret" not in err.message
