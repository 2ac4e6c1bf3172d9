"""The play state machine, without any UI."""

from __future__ import annotations

import json
import random

import pytest

from crossroads.engine.diagnostics import SaveError
from crossroads.engine.loader import load_text
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayChoice, PlayStory, playable
from crossroads.engine.runtime import CONTINUE, Session, compile_rules

HUB = """\
format: crossroads/1
id: hub
title: Hub
show_locked: true
cast:
  a: {name: Ana Lima, role: lead}
  b: {name: Bo Chen, role: analyst}
pov: a
meters:
  trust: {label: Trust, start: 20, max: 50}
  time: {label: Time, start: 10, min: 5}
flags: [talked, tired]
start: hub
scenes:
  hub:
    text: "Hi {learner}, trust {trust}.{if talked} You talked.{end}"
    checkin:
      - {id: know, statement: I know how they are}
    reflect: {id: r1, prompt: "Think of a time. What happened?"}
    choices:
      - say: "Talk to {cast.b.name}"
        to: bo
        once: true
        set: [talked, tired]
        effects: {trust: +40, time: -20}
      - say: Reset
        to: hub
        once: true
        clear: [tired]
        effects: {trust: "=7"}
      - say: Leave
        to: end
        if: trust >= 40
    next: alone
  bo:
    pov: b
    text: Bo.
    next: hub
  alone:
    ending: {kind: hard, title: "Alone at {trust}"}
  end:
    ending: {kind: good, title: Out}
"""


@pytest.fixture
def story() -> Story:
    return load_text(HUB, "hub.yaml")


def test_start_state(story: Story) -> None:
    s = Session.start(story, "Zoe")
    assert (s.scene, s.meters, s.flags, s.visits) == ("hub", {"trust": 20, "time": 10}, set(),
                                                      {"hub": 1})
    assert s.pov == "a" and s.pov_member is not None and s.pov_member.name == "Ana Lima"
    assert s.passage() == "Hi Zoe, trust 20."


def test_effects_clamp_set_clear_and_visits(story: Story) -> None:
    s = Session.start(story)
    s.choose(0)  # +40 trust (clamped to max 50? 20+40=60 → 50), -20 time (clamped to min 5)
    assert s.meters == {"trust": 50, "time": 5}
    assert s.flags == {"talked", "tired"}
    assert s.pov == "b"  # the scene's own point of view
    s.choose(CONTINUE)
    assert s.visits == {"hub": 2, "bo": 1}
    assert s.passage() == "Hi you, trust 50. You talked."
    s.choose(1)  # =7 sets, clear removes
    assert s.meters["trust"] == 7 and s.flags == {"talked"}


def test_once_conditions_locked_and_continue(story: Story) -> None:
    s = Session.start(story)
    first = s.options()
    assert [(o.index, o.enabled) for o in first] == [(0, True), (1, True), (2, False)]
    assert first[0].text == "Talk to Bo Chen"
    with pytest.raises(SaveError):
        s.choose(2)  # locked: trust < 40
    with pytest.raises(SaveError):
        s.choose(CONTINUE)  # next is offered only when no choice is available
    s.choose(1)  # reset: trust =7, once
    assert [o.index for o in s.options()] == [0, 2]
    s.choose(0)
    s.choose(CONTINUE)
    # both once-choices used; Leave needs trust >= 40 and trust is 47 now
    assert [(o.index, o.enabled) for o in s.options()] == [(2, True)]


def test_next_is_offered_when_nothing_is_available(story: Story) -> None:
    hidden = load_text(HUB.replace("show_locked: true", "show_locked: false"), "hub.yaml")
    s = Session.start(hidden)
    s.choose(1)  # trust = 7
    s.choose(0)  # trust 47, then back to the hub through bo
    s.choose(CONTINUE)
    s.choose(2)
    assert s.finished and s.ending is not None and s.ending.kind == "good"
    t = Session.start(hidden)
    t.choose(1)
    with pytest.raises(SaveError):
        t.choose(1)  # once: gone
    assert [o.index for o in t.options()] == [0]


def test_ending_title_is_rendered(story: Story) -> None:
    s = Session.start(story)
    s.choose(1)
    s.choose(0)
    s.choose(CONTINUE)
    s.choose(2)
    assert s.ending_title() == "Out"
    hard = Session.start(load_text(HUB.replace("if: trust >= 40", "if: trust >= 99"), "h.yaml"))
    hard.choose(1)
    hard.choose(0)
    hard.choose(CONTINUE)
    hard.choose(CONTINUE)
    assert hard.scene == "alone" and hard.ending_title() == "Alone at 47"


def test_pure_and_deterministic(story: Story) -> None:
    for seed in range(20):
        a = Session.start(story)
        path = a.random_walk(random.Random(seed))
        b = Session.replay(story, path)
        assert (a.scene, a.meters, a.flags, a.visits, a.taken_once) == (
            b.scene, b.meters, b.flags, b.visits, b.taken_once
        )


def test_json_round_trip_with_reflections_and_checkins(story: Story) -> None:
    s = Session.start(story, "Zoe")
    s.checkin({"know": 4})
    s.reflect("When I joined, Bo asked my name.", "cohort", anonymous=True)
    s.choose(0)
    back = Session.loads(story, s.dumps())
    assert (back.scene, back.meters, back.flags, back.learner) == (
        s.scene, s.meters, s.flags, "Zoe"
    )
    assert back.events == s.events
    assert json.loads(s.dumps())["story_hash"] == story.content_hash


def test_a_save_of_another_version_is_explained(story: Story) -> None:
    s = Session.start(story)
    s.choose(0)
    edited = load_text(HUB.replace("+40", "+30"), "hub.yaml")
    assert edited.content_hash != story.content_hash
    with pytest.raises(SaveError, match="has changed since this save"):
        Session.loads(edited, s.dumps())
    other = load_text(HUB.replace("id: hub", "id: other"), "o.yaml")
    with pytest.raises(SaveError, match="belongs to the story"):
        Session.loads(other, s.dumps())
    for damaged in ("not json", "[]", '{"version": 1}'):
        with pytest.raises(SaveError):
            Session.loads(story, damaged)


def test_formatting_does_not_change_the_hash(story: Story) -> None:
    block = "  trust:\n    label: Trust\n    start: 20\n    max: 50"
    text = "# a comment\n" + HUB.replace("  trust: {label: Trust, start: 20, max: 50}", block)
    reformatted = load_text(text, "hub.yaml")
    assert reformatted.content_hash == story.content_hash


def test_records_are_validated(story: Story) -> None:
    s = Session.start(story)
    with pytest.raises(SaveError):
        s.checkin({"know": 6})
    with pytest.raises(SaveError):
        s.checkin({"unknown": 3})
    required = load_text(HUB.replace('prompt: "Think of a time. What happened?"',
                                     'prompt: "Think of a time. What happened?", required: true'),
                         "r.yaml")
    with pytest.raises(SaveError, match="required"):
        Session.start(required).reflect(None)
    s.choose(0)
    with pytest.raises(SaveError):
        s.reflect("no prompt in this scene")


def test_a_hub_asks_its_prompt_and_checkin_once_per_playthrough(story: Story) -> None:
    s = Session.start(story)
    assert not s.answered_at_scene("reflection")
    s.reflect("Once.")
    s.checkin({"know": 3})
    s.choose(0)
    s.choose(CONTINUE)  # back at the hub
    assert not s.answered_here("reflection")  # not on this visit...
    assert s.answered_at_scene("reflection")  # ...but already on this playthrough
    assert s.answered_at_scene("checkin")


def test_a_session_plays_the_plain_form(story: Story) -> None:
    session = Session.start(story, "ann")
    assert isinstance(session.story, PlayStory) and session.story is playable(story)
    assert all(isinstance(o.choice, PlayChoice) for o in session.options() if o.choice)
    assert Session.start(session.story, "bo").state == session.state


def test_rules_are_compiled_once_per_story(story: Story) -> None:
    rules = compile_rules(story)
    assert compile_rules(playable(story)) is rules
    effects = {key: value for key, value in rules.effects.items() if value}
    assert effects and all(op in "+=" for ops in effects.values() for _, op, _ in ops)
