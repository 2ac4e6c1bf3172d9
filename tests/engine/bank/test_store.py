"""The bank as the player's durable record: save, resume, discard, and the offline journal."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.bank import (
    Bank,
    BankSessionStore,
    BankUnavailable,
    Batch,
    Journal,
    open_bank,
)
from crossroads.engine.diagnostics import BankError, SaveError
from crossroads.engine.loader import load_path, load_text
from crossroads.engine.model import Story
from crossroads.engine.runtime import Session
from tests.conftest import STORIES

CHECKIN_STORY = """
format: crossroads/1
id: tiny
title: Tiny
meters: {trust: {label: Trust, start: 50}}
start: a
scenes:
  a:
    text: Start.
    checkin:
      - id: listen
        statement: I listen
      - id: plan
        statement: I plan
    reflect:
      id: r1
      prompt: Think of a time you were heard. What happened?
    choices:
      - say: Go
        to: b
        effects:
          trust: +10
      - say: Stay
        to: c
  b:
    text: Middle.
    next: c
  c:
    text: End.
    ending: {kind: good, title: Done}
"""


@pytest.fixture
def story() -> Story:
    return load_path(STORIES / "first-week.yaml")


@pytest.fixture
def tiny() -> Story:
    return load_text(CHECKIN_STORY)


def _reflect_scene(session: Session) -> None:
    """Advance (deterministically) to a scene with a reflection prompt."""
    rng = random.Random(1)
    while session.current.reflect is None and not session.finished:
        session.choose(rng.choice([o.index for o in session.options() if o.enabled]))


def test_a_saved_session_resumes_exactly(bank: Bank, story: Story) -> None:
    store = BankSessionStore(bank, "c1")
    session = Session.start(story, "ana")
    _reflect_scene(session)
    session.reflect("My director once asked me, and then waited.", "cohort", anonymous=True)
    store.save(session)
    session.choose(session.options()[0].index, ms=1234)
    store.save(session)
    store.save(session)  # nothing new: nothing written

    resumed = BankSessionStore(bank).load(story, "ana")
    assert resumed is not None
    assert resumed.to_json() == session.to_json()
    assert (resumed.scene, resumed.meters, resumed.flags) == (
        session.scene, session.meters, session.flags)
    assert bank.counts()["reflections"] == 1
    [pt] = bank.playthroughs()
    assert (pt.cohort, pt.learner, pt.story_hash) == ("c1", "ana", story.content_hash)


def test_resuming_continues_the_same_playthrough(bank: Bank, story: Story) -> None:
    store = BankSessionStore(bank)
    session = Session.start(story, "ana")
    session.choose(session.options()[0].index)
    store.save(session)
    other = BankSessionStore(bank)
    resumed = other.load(story, "ana")
    assert resumed is not None
    resumed.random_walk(random.Random(3))
    other.save(resumed)
    [pt] = bank.playthroughs()
    assert pt.status == "finished" and pt.ending == resumed.scene
    assert len(bank.events(pt.id)) == len(resumed.events)
    assert other.load(story, "ana") is None  # finished: nothing to resume


def test_checkins_and_skipped_reflections_are_kept(bank: Bank, tiny: Story) -> None:
    store = BankSessionStore(bank)
    session = Session.start(tiny, "bo")
    session.checkin({"listen": 2, "plan": 5})
    session.reflect(None)
    store.save(session)
    resumed = BankSessionStore(bank).load(tiny, "bo")
    assert resumed is not None
    assert resumed.events == session.events
    assert resumed.answered_here("checkin") and resumed.answered_here("reflection")
    assert bank.counts()["checkins"] == 2
    assert bank.search(None, reader="bo") == []  # a skipped reflection is never shown


def test_a_changed_story_is_explained_not_resumed(bank: Bank, tiny: Story) -> None:
    store = BankSessionStore(bank)
    session = Session.start(tiny, "ana")
    session.choose(0)
    store.save(session)
    edited = load_text(CHECKIN_STORY.replace("text: Middle.", "text: Middle, edited."))
    with pytest.raises(SaveError, match="has changed since"):
        BankSessionStore(bank).load(edited, "ana")
    BankSessionStore(bank).discard(edited, "ana")  # starting over keeps the old record
    assert BankSessionStore(bank).load(edited, "ana") is None
    [pt] = bank.playthroughs()
    assert pt.status == "abandoned" and bank.counts()["steps"] == 1


def test_discard_abandons_without_deleting(bank: Bank, story: Story) -> None:
    store = BankSessionStore(bank)
    session = Session.start(story, "ana")
    session.choose(session.options()[0].index)
    store.save(session)
    store.discard(story, "ana")
    assert store.load(story, "ana") is None
    [pt] = bank.playthroughs()
    assert pt.status == "abandoned" and bank.counts()["steps"] == 1
    fresh = Session.start(story, "ana")
    fresh.choose(fresh.options()[1].index)
    store.save(fresh)
    assert len(bank.playthroughs()) == 2
    resumed = store.load(story, "ana")
    assert resumed is not None and resumed.choices_made == fresh.choices_made


def test_two_cohort_mates_read_each_others_reflection(bank: Bank, story: Story) -> None:
    stores = {who: BankSessionStore(bank, "team-a") for who in ("ana", "bo")}
    for who, store in stores.items():
        session = Session.start(story, who)
        _reflect_scene(session)
        session.reflect(f"{who}'s story", "cohort")
        store.save(session)
    prompt = session.current.reflect
    assert prompt is not None
    seen = stores["ana"].shared_reflections(story.id, prompt.id, "ana")
    assert {(r.text, r.author, r.mine) for r in seen} == {
        ("ana's story", "ana", True), ("bo's story", "bo", False)}
    outsider = BankSessionStore(bank, "team-b")
    assert outsider.shared_reflections(story.id, prompt.id, "cy") == []


# ---------------------------------------------------------------------- the offline journal
class FlakyBank:
    """Wraps a bank; while ``down``, writes and reads fail as an unreachable server would."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.down = False
        self.url = bank.url
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.bank, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise BankUnavailable("the server went away")
            if name == "write":
                self.writes += 1
            return attr(*args, **kwargs)

        return call


def test_records_wait_in_the_journal_while_the_bank_is_down(
    bank: Bank, story: Story, tmp_path: Path
) -> None:
    flaky = FlakyBank(bank)
    journal = Journal(tmp_path / "journal.jsonl")
    store = BankSessionStore(flaky, "c1", journal=journal, retry_after=0)  # type: ignore[arg-type]
    session = Session.start(story, "ana")
    session.choose(session.options()[0].index)
    store.save(session)
    flaky.down = True
    _reflect_scene(session)
    session.reflect("written offline", "bank")
    store.save(session)
    session.choose(session.options()[0].index)
    store.save(session)  # the learner keeps playing
    assert store.offline and len(journal.batches()) == 2
    assert store.shared_reflections(story.id, "heard-or-unheard", "ana") == []
    assert bank.counts()["reflections"] == 0
    flaky.down = False
    session.choose(session.options()[0].index)
    store.save(session)  # the next save writes the journal first
    assert not store.offline
    [pt] = bank.playthroughs()
    assert bank.events(pt.id) == session.events
    assert [r.text for r in bank.search("offline")] == ["written offline"]


def test_a_journal_replayed_twice_adds_nothing(bank: Bank, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    batch = Batch("6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3b", "ana", None, "s", "h",
                  "2024-03-01T08:00:00+00:00", 0,
                  [{"type": "reflection", "scene": "a", "prompt": "p", "text": "t",
                    "visibility": "bank", "anonymous": False, "at": None}])
    journal.append(batch)
    journal.append(batch)
    with journal.path.open("ab") as fh:
        fh.write(b'{"playthrough": "torn by a cra')  # a crash in the middle of a line
    journal.append(batch)
    assert len(journal.batches()) == 3
    assert journal.flush(bank) == 3
    assert not journal.pending()
    assert bank.counts()["reflections"] == 1


def test_a_batch_the_bank_refuses_is_set_aside(bank: Bank, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    bad = Batch("6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3b", "ana", None, "s", "h", "", 0,
                [{"type": "mystery"}])
    good = Batch("6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3c", "bo", None, "s", "h", "", 0, [])
    journal.append(bad)
    journal.append(good)
    journal.flush(bank)
    assert [p.learner for p in bank.playthroughs()] == ["bo"]
    assert "mystery" in journal.rejected.read_text()


def test_an_unreachable_bank_at_load_is_a_bank_error(bank: Bank, story: Story) -> None:
    flaky = FlakyBank(bank)
    flaky.down = True
    store = BankSessionStore(flaky)  # type: ignore[arg-type]
    with pytest.raises(BankError, match="went away"):
        store.load(story, "ana")


def test_open_session_store_flushes_what_an_earlier_run_left(
    tmp_path: Path, story: Story
) -> None:
    from crossroads.engine.bank import open_session_store
    from crossroads.engine.bank.journal import journal_path

    path = str(tmp_path / "b.sqlite3")
    with open_bank(path) as bank:
        Journal(journal_path(bank.url)).append(
            Batch("6f1c7a1e-3c56-4a0e-b7a3-0c6d7e1f2a3b", "ana", "c9", story.id,
                  story.content_hash, "2024-03-01T08:00:00+00:00", 0, []))
    store = open_session_store(path, "c9")
    try:
        assert not store.offline
        assert [p.cohort for p in store.bank.playthroughs()] == ["c9"]
    finally:
        store.close()
