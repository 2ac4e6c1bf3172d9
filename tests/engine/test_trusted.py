"""``Story.trusted`` rebuilds a validated story from its dump, without validation, exactly."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from crossroads.engine.loader import load_path
from crossroads.engine.model import Choice, Scene, Story
from crossroads.engine.runtime import Session
from tests.conftest import FIXTURES, STORIES

SHIPPED = sorted(STORIES.glob("*.yaml"))


def _dump(story: Story) -> dict[str, Any]:
    """What ``crossroads play`` caches: the unset-excluded dump, through JSON."""
    dumped = story.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return json.loads(json.dumps(dumped))


def _fields_set(value: object) -> object:
    """Every model's ``model_fields_set``, recursively (which keys the data gave)."""
    if isinstance(value, BaseModel):
        return (
            sorted(value.model_fields_set),
            {name: _fields_set(getattr(value, name)) for name in type(value).model_fields},
        )
    if isinstance(value, dict):
        return {k: _fields_set(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fields_set(v) for v in value]
    return value


@pytest.mark.parametrize("path", [*SHIPPED, FIXTURES / "explore_loops.yaml"], ids=lambda p: p.name)
def test_trusted_equals_the_validated_story(path: Path) -> None:
    validated = load_path(path)
    trusted = Story.trusted(_dump(validated), source=validated.source)
    assert trusted == validated
    assert _fields_set(trusted) == _fields_set(validated)
    assert list(trusted.scenes) == list(validated.scenes)  # scene order survives the cache
    assert trusted.content_hash == validated.content_hash  # computed, not given


def test_given_hash_is_used_and_unset_defaults_are_filled() -> None:
    validated = load_path(STORIES / "first-week.yaml")
    trusted = Story.trusted(_dump(validated), content_hash=validated.content_hash)
    assert trusted.content_hash == validated.content_hash
    assert trusted.source.file == "<first-week>"  # no source given: an empty map
    scene = next(s for s in trusted.scenes.values() if s.choices)
    assert isinstance(scene, Scene) and isinstance(scene.choices[0], Choice)
    assert "once" not in scene.choices[0].model_fields_set and scene.choices[0].once is False


def test_alias_if_and_effects_survive() -> None:
    story = Story.model_validate(
        {
            "format": "crossroads/1",
            "id": "s",
            "title": "S",
            "meters": {"trust": {"label": "Trust", "start": 10}},
            "flags": ["asked"],
            "start": "a",
            "scenes": {
                "a": {
                    "text": "Hi",
                    "choices": [
                        {"say": "Ask", "to": "b", "if": "trust >= 5", "effects": {"trust": "+5"},
                         "set": ["asked"]},
                        {"say": "Leave", "to": "b", "effects": {"trust": -3}},
                    ],
                },
                "b": {"ending": {"kind": "good", "title": "Done"}},
            },
        }
    )
    trusted = Story.trusted(_dump(story))
    assert trusted.scenes["a"].choices[0].if_ == "trust >= 5"
    assert trusted.scenes["a"].choices[0].effects == {"trust": "+5"}
    assert trusted.scenes["a"].choices[1].effects == {"trust": -3}
    assert trusted.content_hash == story.content_hash
    assert trusted.model_dump_json(by_alias=True) == story.model_dump_json(by_alias=True)


def test_saves_move_between_validated_and_trusted_stories() -> None:
    validated = load_path(STORIES / "first-week.yaml")
    trusted = Story.trusted(_dump(validated), content_hash=validated.content_hash)
    for seed in range(5):
        session = Session.start(validated, "ann")
        session.random_walk(random.Random(seed))
        resumed = Session.loads(trusted, session.dumps())
        assert resumed.scene == session.scene and resumed.state == session.state
        back = Session.loads(validated, resumed.dumps())
        assert back.path == session.path
