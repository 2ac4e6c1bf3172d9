"""The plain form the player plays equals the validated story, field for field."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pydantic import BaseModel

from crossroads.engine.loader import load_path
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayStory, playable
from crossroads.engine.runtime import Session
from tests.conftest import FIXTURES, STORIES

SHIPPED = sorted(STORIES.glob("*.yaml"))


def _cached(story: Story) -> PlayStory:
    """What ``crossroads play`` rebuilds from its checked-story cache: the unset-excluded dump,
    through JSON."""
    dumped = story.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return PlayStory.from_data(json.loads(json.dumps(dumped)), story.content_hash)


def _same(model: object, plain: object, where: str) -> None:
    """Every field of every model equals the plain form's attribute of the same name."""
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            if name != "format":
                _same(getattr(model, name), getattr(plain, name), f"{where}.{name}")
    elif isinstance(model, dict):
        assert isinstance(plain, dict) and list(model) == list(plain), where
        for key, value in model.items():
            _same(value, plain[key], f"{where}[{key}]")
    elif isinstance(model, list):
        assert isinstance(plain, tuple) and len(model) == len(plain), where
        for i, (a, b) in enumerate(zip(model, plain, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert model == plain, where


@pytest.mark.parametrize(
    "path",
    [*SHIPPED, FIXTURES / "explore_loops.yaml", FIXTURES / "teach" / "facilitated.yaml",
     FIXTURES / "teach" / "seen-by-akira.yaml", FIXTURES / "teach" / "balanced.yaml"],
    ids=lambda p: p.name,
)
def test_the_plain_form_is_the_validated_story(path: Path) -> None:
    validated = load_path(path)
    cached = _cached(validated)
    _same(validated, cached, "story")
    assert cached == playable(validated)
    assert list(cached.scenes) == list(validated.scenes)  # scene order survives the cache
    assert cached.content_hash == validated.content_hash
    assert playable(validated) is playable(validated) and playable(cached) is cached


def test_defaults_of_unset_fields() -> None:
    story = Story.model_validate({
        "format": "crossroads/1", "id": "s", "title": "S", "start": "a",
        "meters": {"trust": {"label": "Trust", "start": 10}},
        "scenes": {"a": {"choices": [{"say": "Go", "to": "b", "if": "trust >= 5",
                                      "effects": {"trust": "+5"}}]},
                   "b": {"ending": {"kind": "good", "title": "Done"}}},
    })
    _same(story, _cached(story), "story")
    plain = _cached(story)
    assert plain.meters["trust"].initial == 10 and plain.show_meters and not plain.show_locked
    choice = plain.scenes["a"].choices[0]
    assert choice.if_ == "trust >= 5" and not choice.once


def test_a_copied_story_gets_its_own_plain_form() -> None:
    story = load_path(STORIES / "first-week.yaml")
    assert playable(story).title == story.title
    copy = story.model_copy(update={"title": "Another title"})  # shares the derived cache
    assert playable(copy).title == "Another title" and playable(story).title == story.title


@pytest.mark.parametrize("seed", range(5))
def test_saves_move_between_the_validated_and_the_cached_story(seed: int) -> None:
    validated = load_path(STORIES / "first-week.yaml")
    cached = _cached(validated)
    session = Session.start(validated, "ann")
    session.random_walk(random.Random(seed))
    resumed = Session.loads(cached, session.dumps())
    assert resumed.scene == session.scene and resumed.state == session.state
    assert resumed.events == session.events
    back = Session.loads(validated, resumed.dumps())
    assert back.path == session.path
    again = Session.start(cached, "ann")
    assert again.replay(cached, session.choices_made).state == session.state
