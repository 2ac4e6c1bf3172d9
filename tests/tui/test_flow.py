"""The shared play flow: every record is saved; saves that no longer fit are archived."""

from __future__ import annotations

from pathlib import Path

from crossroads.engine.model import Story
from crossroads.engine.runtime import CONTINUE, Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui import flow
from tests.tui.helpers import ending_paths, first_week


class CountingStore(FileSessionStore):
    """A file store that counts saves."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[int] = []

    def save(self, session: Session) -> None:
        super().save(session)
        self.saved.append(len(session.events))


def test_every_choice_reflection_and_checkin_is_saved() -> None:
    store = CountingStore()
    player = flow.Player(Session.start(first_week(), "ann"), store)
    player.choose(1)
    assert store.saved == [1] and player.saves == 1
    assert store.load(player.story, "ann") is not None
    for _ in range(2):
        player.choose(0)
    assert player.pending() == "reflect"
    player.reflect("a story", "cohort", True)
    assert player.pending() == "choose"
    assert store.saved[-1] == 4
    loaded = store.load(player.story, "ann")
    assert loaded is not None and loaded.reflections()[0]["visibility"] == "cohort"


def test_skipped_reflection_is_recorded_and_not_asked_again() -> None:
    player = flow.Player(Session.replay(first_week(), [2], "ann"), FileSessionStore())
    player.choose(CONTINUE)
    assert player.pending() == "reflect"
    player.reflect(None)
    assert player.pending() == "choose"
    assert player.session.reflections()[0]["text"] is None


def test_checkin_pending_then_recorded_or_skipped(tmp_path: Path) -> None:
    from crossroads.engine.loader import load_text

    story = load_text(
        "format: crossroads/1\nid: c\ntitle: C\nstart: a\nscenes:\n"
        "  a:\n    text: hi\n    checkin: [{id: k, statement: I listen}]\n    next: b\n"
        "  b:\n    text: bye\n    checkin: [{id: k, statement: I listen}]\n"
        "    ending: {kind: good, title: T}\n"
    )
    store = FileSessionStore(tmp_path)
    player = flow.Player(Session.start(story), store)
    assert player.pending() == "checkin"
    player.checkin({"k": 4})
    assert player.pending() == "choose" and player.saves == 1
    player.choose(CONTINUE)
    assert player.pending() == "checkin"
    player.checkin(None)
    assert player.pending() == "ending" and player.saves == 2
    assert [e["type"] for e in player.session.events] == ["checkin", "choice"]


def test_open_story_archives_a_save_of_another_version(tmp_path: Path) -> None:
    story = first_week()
    store = FileSessionStore(tmp_path)
    old = Session.replay(story, [1, 0], "ann")
    store.save(old)
    changed = Story.model_validate({**story.model_dump(by_alias=True), "title": "Changed"})
    opening = flow.open_story(changed, "ann", store)
    assert opening.saved is None
    assert opening.problem is not None and "changed" in opening.problem
    archived = list((tmp_path / "finished").glob("*.json"))
    assert len(archived) == 1 and '"index": 1' in archived[0].read_text()
    assert flow.open_story(changed, "ann", store).problem is None


def test_open_story_offers_an_unfinished_save_and_drops_a_finished_one(tmp_path: Path) -> None:
    story = first_week()
    store = FileSessionStore(tmp_path)
    store.save(Session.replay(story, [1, 0], "ann"))
    opening = flow.open_story(story, "ann", store)
    assert opening.saved is not None and opening.saved.choices_made == [1, 0]
    store.save(Session.replay(story, ending_paths(story)["mixed"], "ann"))
    assert flow.open_story(story, "ann", store).saved is None
    assert store.load(story, "ann") is None


def test_path_taken_and_meter_history() -> None:
    story = first_week()
    s = Session.replay(story, ending_paths(story)["carried"], "ann")
    path = flow.path_taken(s)
    assert [p.scene for p in path] == s.path[:-1]
    assert path[0].title == "Monday, 8:02 a.m."
    assert path[0].choice == "Ask your three new leads how their people are taking it"
    history = flow.meter_history(s)
    assert history["trust"][0] == 45 and len(history["trust"]) == len(s.steps) + 1
    assert history["voices"][-1] == s.meters["voices"]


def test_pov_text_and_change() -> None:
    story = first_week()
    s = Session.replay(story, [1, 0], "ann")
    assert flow.pov_text(s) == "Akira Johns, newly promoted manager"
    assert not flow.pov_changed(s)
    s.choose(0)
    assert flow.pov_text(s) == "Dana Ruiz, analyst in Pricing, one of the eighty"
    assert flow.pov_changed(s)


def test_open_story_decides_resume_ask_or_fresh(tmp_path: Path) -> None:
    story = first_week()
    store = FileSessionStore(tmp_path)
    store.save(Session.replay(story, [1, 0], "ann"))
    asked = flow.open_story(story, "ann", store)
    assert asked.ask and asked.saved is not None and asked.problem is None
    at_once = flow.open_story(story, "ann", store, resume=True)
    assert not at_once.ask and at_once.begin().session.choices_made == [1, 0]
    restarted = asked.begin(resume=False)  # "start over": the save is archived
    assert restarted.session.choices_made == [] and store.load(story, "ann") is None
    assert len(list((tmp_path / "finished").glob("*.json"))) == 1
    store.save(Session.replay(story, [1], "ann"))
    fresh = flow.open_story(story, "ann", store, resume=True, fresh=True)  # play again
    assert fresh.saved is None and not fresh.ask and fresh.begin().session.steps == []
    assert len(list((tmp_path / "finished").glob("*.json"))) == 2


class UnreachableStore(FileSessionStore):
    """A store whose bank cannot be reached when a story opens."""

    def load(self, story: Story, learner: str) -> Session | None:
        from crossroads.engine.bank import BankUnavailable

        raise BankUnavailable("cannot reach the story bank postgresql://bank.example")


def test_open_story_with_an_unreachable_bank_starts_afresh_and_archives_nothing(
    tmp_path: Path,
) -> None:
    story = first_week()
    store = UnreachableStore(tmp_path)
    store.save(Session.replay(story, [1, 0], "ann"))
    opening = flow.open_story(story, "ann", store)
    assert opening.problem is not None and "cannot reach the story bank" in opening.problem
    assert not opening.archived and opening.saved is None
    assert opening.begin().session.steps == []
    assert not (tmp_path / "finished").exists()


def test_progress_from_files_and_from_the_bank(tmp_path: Path) -> None:
    from crossroads.engine.bank import open_session_store

    story = first_week()
    other = Story.model_validate({**story.model_dump(by_alias=True), "id": "other"})
    unplayed = Story.model_validate({**story.model_dump(by_alias=True), "id": "unplayed"})
    finished = ending_paths(story)["mixed"]
    for store in (FileSessionStore(tmp_path / "saves"),
                  open_session_store(str(tmp_path / "bank.sqlite3"))):
        player = flow.Player(Session.replay(other, finished[:-1], "ann"), store)
        player.choose(finished[-1])
        player.finish()
        flow.Player(Session.replay(story, [1], "ann"), store).save()
        flow.Player(Session.replay(unplayed, [1], "bo"), store).save()
        assert store.progress([story, other, unplayed], "ann") == {
            "first-week": "in progress", "other": "finished"}
        assert store.progress([story, other, unplayed], "bo") == {"unplayed": "in progress"}
