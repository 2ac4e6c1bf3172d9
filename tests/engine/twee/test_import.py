"""Importing Twee 3: headers, links, macro links, state, conditions, what is reported, and the
imported story passing ``check``."""

from __future__ import annotations

import pytest

from crossroads.engine.diagnostics import Diagnostic
from crossroads.engine.loader import load_text
from crossroads.engine.model import Choice, Story
from crossroads.engine.runtime import Session
from crossroads.engine.twee import import_twee, parse_twee
from crossroads.engine.twee.links import split_link
from crossroads.engine.validate import validate
from tests.engine.twee.conftest import FIXTURES


def imported(name: str) -> tuple[Story, list[Diagnostic], list[Diagnostic]]:
    path = FIXTURES / f"{name}.twee"
    result = import_twee(path.read_text(encoding="utf-8"), str(path))
    story = load_text(result.yaml, f"{name}.yaml")
    return story, result.diagnostics, validate(story)


def choice(story: Story, scene: str, say: str) -> Choice:
    return next(c for c in story.scenes[scene].choices if c.say == say)


def codes_at(diags: list[Diagnostic]) -> set[tuple[str, int, int]]:
    return {(d.code, d.line, d.col) for d in diags}


@pytest.mark.parametrize("name", ["sugarcube", "harlowe", "snowman", "macro_only", "special"])
def test_fixture_imports_into_a_story_that_passes_check(name: str) -> None:
    story, _, problems = imported(name)
    assert [d.format() for d in problems if d.severity == "error"] == []
    assert any(s.ending for s in story.scenes.values())


def test_twine_link_rules() -> None:
    assert split_link("a->b->c") == ("a->b", "c", [])
    assert split_link("a<-b<-c") == ("b<-c", "a", [])
    assert split_link("a|b|c") == ("a|b", "c", [])
    assert split_link("Go|Room][$x to 1") == ("Go", "Room", ["$x to 1"])
    assert split_link("Here") == ("Here", "Here", [])
    assert split_link("https://twinery.org") is None


def test_headers_with_escapes_tags_and_metadata() -> None:
    tw = parse_twee((FIXTURES / "special.twee").read_text(), "special.twee")
    room = next(p for p in tw.passages if p.name == "Room [1]")
    assert room.tags == ["hub", "tag-two"]
    assert room.metadata == {"position": "200,100", "size": "100,100"}
    assert room.line == 13
    assert "\n:: not a header" in room.text
    assert any(p.name == "Odd {name} \\ here" for p in tw.passages)
    assert tw.title == "Odd [Names]" and tw.start_name() == "Room [1]"


def test_special_passages_are_skipped_and_listed_and_ids_made_safe() -> None:
    story, diags, _ = imported("special")
    assert set(story.scenes) == {"room-1", "odd-name-here"}
    assert story.scenes["room-1"].title == "Room [1]"
    assert "{curly}" in story.scenes["room-1"].text  # literal braces survive (as {{ }})
    listed = {(d.code, d.line) for d in diags}
    assert {("CR521", 7), ("CR521", 10), ("CR522", 22)} <= listed
    assert story.scenes["odd-name-here"].ending is not None
    assert story.scenes["odd-name-here"].ending.kind == "hard"


def test_sugarcube_links_macros_and_state() -> None:
    story, diags, _ = imported("sugarcube")
    assert story.start == "Handover"
    assert story.meters["rapport"].initial == 40 and story.flags == ["noted"]
    assert story.scenes["Handover"].title == "Seven in the morning"
    assert "{rapport}" in story.scenes["Handover"].text
    ask = choice(story, "Handover", "Ask about bed four")
    assert (ask.to, ask.if_, ask.effects) == ("bed-four", "rapport >= 30", {"rapport": 15})
    sign = choice(story, "Handover", "Sign and go")
    assert sign.effects == {"rapport": -10}
    note = choice(story, "Handover", "Write it down first")
    assert (note.to, note.set) == ("Notes", ["noted"])
    assert choice(story, "Notes", "Continue").to == "bed-four"  # <<goto>>
    assert choice(story, "bed-four", "Walk the ward together").to == "Ward"  # <<button>>
    leave = choice(story, "quick-sign", "Leave it there")
    go = choice(story, "quick-sign", "Go home")
    assert (leave.if_, go.if_) == ("rapport < 35", "not (rapport < 35)")
    assert {c.to for c in story.scenes["Ward"].choices} == {"Home", "bed-four"}  # <<actions>>
    text = story.scenes["bed-four"].text
    assert "{if noted}You read your notes back to her.{else}" in text and "**Finally**" in text
    assert {("CR511", 40, 20), ("CR510", 45, 20), ("CR521", 16, 1), ("CR521", 19, 1)} <= \
        codes_at(diags)
    assert story.scenes["Home"].ending is not None and story.scenes["Home"].ending.kind == "good"


def test_harlowe_links_macros_and_state() -> None:
    story, diags, _ = imported("harlowe")
    assert story.meters["patience"].initial == 60 and story.flags == ["apologised"]
    listen = choice(story, "Call", "Listen first")
    assert (listen.to, listen.if_, listen.effects) == ("Listen", "patience > 50",
                                                       {"patience": 10})
    assert choice(story, "Call", "Apologise").set == ["apologised"]
    discount = choice(story, "Call", "Promise a discount")
    assert (discount.to, discount.effects) == ("Discount", {"patience": -20})
    assert choice(story, "Call", "Transfer the call").to == "Transfer"
    assert choice(story, "Listen", "Say sorry now").if_ == "not (apologised)"
    assert "{else}They hang up on you.{end}" in story.scenes["Call"].text
    assert story.scenes["Call"].title == "The phone rings"
    assert {("CR510", 31, 1), ("CR512", 34, 1), ("CR521", 10, 1)} <= codes_at(diags)


def test_snowman_links_and_state() -> None:
    story, diags, _ = imported("snowman")
    assert story.meters["influence"].initial == 20 and story.flags == ["spoke"]
    concern = choice(story, "Agenda", "Raise a concern")
    assert (concern.if_, concern.effects, concern.set) == ("influence > 10",
                                                           {"influence": 15}, ["spoke"])
    assert choice(story, "Agenda", "Stay quiet").to == "Silence"  # <a data-passage>
    assert choice(story, "Concern", "Propose a plan").if_ == "spoke and influence >= 30"
    assert choice(story, "Silence", "Continue").to == "Exit"  # story.show()
    assert ("CR511", 24, 3) in codes_at(diags)


def test_a_story_that_links_only_through_macros_keeps_its_links() -> None:
    story, diags, _ = imported("macro_only")
    assert set(story.scenes) == {"Start", "Left", "Right", "Roof", "End"}
    assert [c.to for c in story.scenes["Start"].choices] == ["Left", "Right"]
    assert [c.to for c in story.scenes["Roof"].choices] == ["End", "Left"]
    assert not [d for d in diags if d.severity != "info"]


def test_broken_links_stay_broken_with_the_twee_line() -> None:
    path = FIXTURES / "broken.twee"
    result = import_twee(path.read_text(), str(path))
    assert result.errors == 2
    assert [(d.code, d.line, d.col) for d in result.diagnostics if d.code == "CR520"] == \
        [("CR520", 8, 1), ("CR520", 9, 1)]
    assert "'Yard '" in result.diagnostics[0].message  # the stray space is shown
    problems = validate(load_text(result.yaml, "broken.yaml"))
    broken = [d for d in problems if d.severity == "error"]
    assert {d.code for d in broken} == {"CR201"}
    assert any("broken.twee:8:1" in d.message for d in broken)
    assert any("broken.twee:9:1" in d.message for d in broken)


def test_no_passages_is_an_error_with_a_position() -> None:
    from crossroads.engine.diagnostics import StoryError

    with pytest.raises(StoryError) as info:
        import_twee("just text\n", "x.twee")
    assert info.value.diagnostics[0].code == "CR501"


@pytest.mark.parametrize("name", ["sugarcube", "harlowe", "snowman", "macro_only"])
def test_an_imported_story_plays_to_every_ending_its_rules_allow(name: str) -> None:
    """Played through the runtime (conditions and effects as imported), every ending that the
    deep check says is reachable is reached, and at least one is."""
    from crossroads.engine.explore import deep_check
    from tests.tui.helpers import ending_paths

    story, _, _ = imported(name)
    reached = ending_paths(story)
    assert reached, f"{name}: no ending reached"
    for scene, path in reached.items():
        assert Session.replay(story, path).finished and story.scenes[scene].ending
    unreachable = {d.data.get("scene") for d in deep_check(story) if d.code == "CR402"}
    endings = {sid for sid, s in story.scenes.items() if s.ending}
    assert set(reached) == endings - unreachable
