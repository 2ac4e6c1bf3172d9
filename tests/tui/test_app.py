"""Pilot tests of the Textual player: every ending, reflections, resume, safety, screens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Checkbox, OptionList, Static, TextArea

from crossroads.engine.loader import load_text
from crossroads.engine.model import Story
from crossroads.engine.records import SharedReflection
from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.screens.checkin import CheckinScreen
from crossroads.tui.screens.dialogs import HelpScreen, MessageScreen, ResumeScreen
from crossroads.tui.screens.ending import EndingScreen
from crossroads.tui.screens.picker import PickerScreen
from crossroads.tui.screens.play import PlayScreen
from crossroads.tui.screens.reflection import ReflectionScreen
from crossroads.tui.screens.shared import SharedScreen
from crossroads.tui.widgets.meters import MetersPanel
from crossroads.tui.widgets.passage import Passage
from tests.tui.helpers import FIRST_WEEK, ending_paths, first_week, markup_story

SIZE = (80, 24)


def text(widget: Static) -> str:
    """The plain text a Static shows."""
    return str(widget.render())


def options(app: CrossroadsApp) -> list[str]:
    """The plain prompts of the play screen's choice list."""
    ol = app.screen.query_one("#choices", OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


def screen_text(app: CrossroadsApp) -> str:
    """Everything the current screen's Statics and passages show (plain)."""
    parts = [text(w) for w in app.screen.query(Static)]
    parts += [w.source for w in app.screen.query(Passage)]
    return "\n".join(parts)


async def write_reflection(pilot: object, app: CrossroadsApp, words: str) -> None:
    assert isinstance(app.screen, ReflectionScreen)
    app.screen.query_one(TextArea).insert(words)
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def play_path(pilot: object, app: CrossroadsApp, path: list[int], words: str) -> None:
    """Play option indices ``path`` with digit keys, reflecting wherever asked."""
    for index in [*path, None]:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        while screen.player.pending() in ("reflect", "checkin"):
            await pilot.press("1")  # type: ignore[attr-defined]
            await pilot.pause()  # type: ignore[attr-defined]
            await write_reflection(pilot, app, words)
        if index is None:
            return
        numbered = [item.key for item in screen.items if item.numbered]
        await pilot.press(str(numbered.index(f"choice:{index}") + 1))  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        if isinstance(app.screen, ReflectionScreen):  # a choice's own prompt, asked at once
            await write_reflection(pilot, app, words)


@pytest.mark.parametrize("ending", ["carried", "unanswered", "in-writing", "mixed", "distant"])
async def test_plays_every_ending_with_the_keyboard(ending: str, crossroads_home: Path) -> None:
    story = first_week()
    path = ending_paths(story)[ending]
    app = CrossroadsApp(story=story, learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_path(pilot, app, path, "my story")
        assert options(app) == ["1. See how your story ended"]
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        expected = Session.replay(story, path)
        shown = screen_text(app)
        assert expected.ending_title() in shown
        assert "Your path" in shown and "Team trust\n45 →" in shown
    archived = list((crossroads_home / "saves" / "finished").glob("*.json"))
    assert len(archived) == 1
    events = json.loads(archived[0].read_text())["events"]
    assert [e["index"] for e in events if e["type"] == "choice"] == path
    taken = [e for e in expected.events if e["type"] == "choice"]
    scenes = dict.fromkeys([*(e["scene"] for e in taken), expected.scene])  # asked once each
    asked = sum(story.scenes[s].reflect is not None for s in scenes) + sum(
        story.scenes[e["scene"]].choices[e["index"]].reflect is not None for e in taken
    )
    assert asked >= 2
    assert [e["text"] for e in events if e["type"] == "reflection"] == ["my story"] * asked


async def test_arrows_enter_and_mouse_pick_choices() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert screen.player.session.scene == "email"
        assert options(app) == ["1. Continue"]
        await pilot.click("#choices", offset=(4, 1))
        await pilot.pause()
        assert screen.player.session.scene == "dana-invite"
        assert "You are now Dana Ruiz, analyst in Pricing, one of the eighty" in text(
            screen.query_one("#transition", Static)
        )
        assert "Dana Ruiz" in text(screen.query_one("#pov-who", Static))
        assert "saved ✓" in text(screen.query_one("#pov-status", Static))


async def test_reflection_visibility_anonymous_and_word_count() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "1", "1")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        await pilot.press(*"three small words")
        assert text(app.screen.query_one("#reflection-words", Static)) == "3 words"
        app.screen.query_one(Checkbox).value = True
        radio = app.screen.query("RadioButton").last()
        await pilot.click(radio)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        event = app.screen.player.session.reflections()[-1]
        assert (event["text"], event["visibility"], event["anonymous"]) == (
            "three small words", "bank", True
        )


async def test_escape_skips_unless_required() -> None:
    required = load_text(
        "format: crossroads/1\nid: req\ntitle: R\nstart: a\nscenes:\n"
        "  a:\n    text: hi\n    reflect: {id: p, prompt: Think of a time., required: true}\n"
        "    next: b\n  b:\n    text: bye\n    ending: {kind: good, title: T}\n"
    )
    for story, skippable in ((first_week(), True), (required, False)):
        path = [2] if skippable else []
        app = CrossroadsApp(story=story, learner="ann")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for index in path:
                await pilot.press(str(index + 1))
            await pilot.press("1")
            if skippable:
                await pilot.press("1")
            await pilot.pause()
            assert isinstance(app.screen, ReflectionScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, PlayScreen) is skippable
            if not skippable:
                await pilot.press(*"ok")
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert isinstance(app.screen, PlayScreen)
            assert len(app.screen.player.session.reflections()) == 1


async def test_reopening_offers_resume_and_start_over_archives(crossroads_home: Path) -> None:
    story = first_week()
    FileSessionStore().save(Session.replay(story, [1, 0], "ann"))
    app = CrossroadsApp(story=story, learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.session.scene == "listening"
    app = CrossroadsApp(story=story, learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.session.scene == "inbox"
    assert len(list((crossroads_home / "saves" / "finished").glob("*.json"))) == 1


async def test_resume_flag_goes_straight_to_the_saved_scene() -> None:
    story = first_week()
    FileSessionStore().save(Session.replay(story, [1, 0], "ann"))
    app = CrossroadsApp(story=story, learner="ann", resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.session.scene == "listening"
        assert app.screen.player.session.meters == Session.replay(story, [1, 0]).meters


async def test_a_save_of_a_changed_story_is_explained(crossroads_home: Path) -> None:
    story = first_week()
    FileSessionStore().save(Session.replay(story, [1, 0], "ann"))
    changed = Story.model_validate({**story.model_dump(by_alias=True), "summary": "new"})
    app = CrossroadsApp(story=changed, learner="ann", resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        assert "has changed since this save was made" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.session.scene == "inbox"
    assert len(list((crossroads_home / "saves" / "finished").glob("*.json"))) == 1


async def test_markup_in_story_and_learner_text_shows_literally() -> None:
    app = CrossroadsApp(story=markup_story(), learner="ann [bold]x[/]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Scene [bold]x[/] [/]" in shown
        assert "Ann [bold]x[/], role [@click=app.quit]x[/] [/]" in shown
        assert "[@click=app.quit]x[/]" in app.screen.query_one(Passage).source
        assert "Passage [bold]x[/] and [@click=app.quit]x[/] and a lone [/] here." in shown
        await pilot.press("1")
        await pilot.pause()
        assert "Think of a time [bold]x[/] [@click=app.quit]x[/] [/]." in screen_text(app)
        await pilot.press(*"[/] [@click=app.quit]x[/]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert options(app) == ["1. Choice [bold]x[/]", "2. Choice [@click=app.quit]x[/] [/]"]
        await pilot.click("#choices", offset=(12, 2))  # the second choice, by mouse
        await pilot.pause()
        assert app.screen.player.session.scene == "two"
        assert "Bo [/], other [bold]y[/]" in screen_text(app)
        await pilot.press("1", "1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        shown = screen_text(app)
        assert "End [bold]x[/] [@click=app.quit]x[/] [/]" in shown
        assert "Meter [bold]x[/] [/]\n10 →" in shown
        assert app.is_running
    assert app.return_code in (None, 0)


class FakeReader:
    """A reflection reader returning canned, markup-laden stories."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, str | None]] = []

    def shared_reflections(
        self, story_id: str, prompt_id: str, reader: str, query: str | None = None,
        limit: int = 20, offset: int = 0,
    ) -> list[SharedReflection]:
        self.calls.append((story_id, prompt_id, reader, query))
        items = [
            SharedReflection("2", "Newest [/] [@click=app.quit]x[/]", None, "2026-02-02", "bank"),
            SharedReflection("1", "Older [bold]x[/]", "Sam [/]", "2026-01-01", "bank"),
        ]
        return [i for i in items if query is None or query.lower() in i.text.lower()]


async def test_others_stories_after_a_reflection() -> None:
    reader = FakeReader()
    app = CrossroadsApp(story=first_week(), learner="ann", reader=reader)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "1", "1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert options(app)[-1].endswith("Read others' stories at this moment (o)")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SharedScreen)
        shown = screen_text(app)
        assert shown.index("Newest [/] [@click=app.quit]x[/]") < shown.index("Older [bold]x[/]")
        assert "anonymous · 2026-02-02" in shown and "Sam [/] · 2026-01-01" in shown
        assert reader.calls[0] == ("first-week", "heard-or-unheard", "ann", None)
        await pilot.press(*"older")
        await pilot.pause()
        assert reader.calls[-1][3] == "older"
        assert "Newest" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_no_reader_means_no_others_option() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "1", "1")
        await pilot.pause()
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert not any("others" in o for o in options(app))


CHECKIN_LOCKED = """\
format: crossroads/1
id: extras
title: Extras
show_locked: true
show_meters: false
meters: {m: {label: M, start: 10}}
start: a
scenes:
  a:
    text: hi
    checkin: [{id: k1, statement: I listen}, {id: k2, statement: I ask}]
    choices:
      - {say: Open door, to: b}
      - {say: Locked door, to: b, if: m > 50}
  b:
    text: bye
    ending: {kind: mixed, title: T}
"""


async def test_checkin_locked_choices_and_hidden_meters() -> None:
    story = load_text(CHECKIN_LOCKED, "extras.yaml")
    app = CrossroadsApp(story=story, learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert not screen.query_one(MetersPanel).display
        await pilot.press("m")
        assert not screen.query_one(MetersPanel).display
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("4", "2")
        await pilot.pause()
        assert screen.player.session.events[-1]["answers"] == {"k1": 4, "k2": 2}
        assert options(app) == ["1. Open door", "2. Locked door  (not available)"]
        assert app.screen.query_one("#choices", OptionList).get_option_at_index(1).disabled
        await pilot.press("2")
        await pilot.pause()
        assert screen.player.session.scene == "a"


async def test_meters_toggle_help_and_theme() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        meters = app.screen.query_one(MetersPanel)
        assert meters.display and "Team trust" in text(meters)
        await pilot.press("m")
        assert not meters.display
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_picker_lists_stories_and_mentions_broken_files(tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "first-week.yaml").write_text(FIRST_WEEK.read_text())
    (folder / "broken.yaml").write_text("format: crossroads/1\nid: [\n")
    app = CrossroadsApp(folders=[folder], learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        prompt = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "The First Week" in prompt
        assert "You are Akira Johns, newly promoted manager · about 8 min" in prompt
        assert "Skipped 1 story file with errors: broken.yaml" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.story.id == "first-week"


async def test_replay_and_paired_story_from_the_ending(tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    source = FIRST_WEEK.read_text()
    (folder / "a.yaml").write_text(source.replace("tags:", "pairs_with: [other-view]\ntags:"))
    (folder / "b.yaml").write_text(
        source.replace("\nid: first-week\n", "\nid: other-view\n")
        .replace("The First Week", "Other View")
    )
    from crossroads.engine.loader import load_path

    story = load_path(folder / "a.yaml")
    app = CrossroadsApp(story=story, story_path=folder / "a.yaml", folders=[folder], learner="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await play_path(pilot, app, ending_paths(story)["mixed"], "x")
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert [e.story.id for e in app.screen.paired] == ["other-view"]
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.story.id == "other-view"


async def test_picker_marks_stories_in_progress_and_finished(tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    source = FIRST_WEEK.read_text()
    (folder / "a.yaml").write_text(source)
    (folder / "b.yaml").write_text(
        source.replace("\nid: first-week\n", "\nid: other-view\n")
        .replace("The First Week", "Other View")
    )
    (folder / "c.yaml").write_text(
        source.replace("\nid: first-week\n", "\nid: third\n").replace("The First Week", "Third")
    )
    from crossroads.engine.loader import load_path

    first, other = load_path(folder / "a.yaml"), load_path(folder / "b.yaml")
    store = FileSessionStore()
    store.save(Session.replay(first, [1, 0], "ann"))  # under way
    store.save(Session.replay(other, ending_paths(other)["mixed"], "ann"))
    store.discard(other, "ann")  # finished and archived
    store.save(Session.replay(other, [1], "bo"))  # someone else's
    app = CrossroadsApp(folders=[folder], learner="ann", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        ol = app.screen.query_one(OptionList)
        firsts = [str(ol.get_option(str(i)).prompt).splitlines()[0] for i in range(3)]
        assert firsts == ["Other View  (finished)", "The First Week  (in progress)", "Third"]


@pytest.mark.parametrize("cohort", [None, "TEAM5"])
async def test_my_cohort_is_offered_only_in_a_cohort(cohort: str | None) -> None:
    app = CrossroadsApp(story=first_week(), learner="ann", cohort=cohort)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "1", "1")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        labels = [str(b.label) for b in app.screen.query("RadioButton").results()]
        expected = ["Private", "My cohort", "Everyone"] if cohort else ["Private", "Everyone"]
        assert labels == expected
