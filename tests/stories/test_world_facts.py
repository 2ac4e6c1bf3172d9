"""The restructuring stories share one world and agree on its facts (issue 16).

Fifteen to Eighty (Akira), One of the Eighty (Dana) and The Lead in the Middle (Wen) tell one
restructuring from three points of view. What they share lives in ``stories/worlds/northwind.yaml``:
the cast and the facts every point of view agrees on. These tests read the story files as written
(not as merged with their world), so a story that quietly redefines a person or states a shared fact
in its own words is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from crossroads.engine.loader import load_path
from crossroads.engine.runtime import Session
from tests.conftest import STORIES

WORLD = "northwind"
WORLD_FILE = STORIES / "worlds" / f"{WORLD}.yaml"
RESTRUCTURING = ("fifteen-to-eighty", "one-of-the-eighty", "lead-in-the-middle")
#: Facts each point of view must print, so that none of them can drift from the world: the
#: announcement, the work nobody saw, the leaked spreadsheet, the decision, the flood.
CORE_FACTS = {"ruth_email", "hidden_work", "spreadsheet", "decision", "flood"}
#: Words that only the world may say: a story that writes them itself is restating a fact.
WORLD_ONLY = ("Headcount scenarios", "flood wall", "Please make her welcome")
FACT = re.compile(r"\{fact\.([A-Za-z0-9_]+)\}")


def _raw(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _facts_used(data: dict[str, Any]) -> set[str]:
    return {m.group(1) for text in _strings(data.get("scenes", {})) for m in FACT.finditer(text)}


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    return _raw(WORLD_FILE)


def test_the_restructuring_stories_name_the_same_world() -> None:
    worlds = {name: _raw(STORIES / f"{name}.yaml").get("world") for name in RESTRUCTURING}
    assert worlds == dict.fromkeys(RESTRUCTURING, WORLD)


@pytest.mark.parametrize("name", RESTRUCTURING)
def test_every_fact_a_story_prints_comes_from_the_world(name: str, world: dict[str, Any]) -> None:
    data = _raw(STORIES / f"{name}.yaml")
    used = _facts_used(data)
    assert used, f"{name} prints no fact of the world"
    missing = used - set(world["facts"])
    assert not missing, f"{name} uses facts the world lacks: {sorted(missing)}"
    assert "facts" not in data, f"{name} defines facts of its own; shared facts belong in the world"


@pytest.mark.parametrize("name", RESTRUCTURING)
def test_each_point_of_view_prints_the_core_facts(name: str) -> None:
    used = _facts_used(_raw(STORIES / f"{name}.yaml"))
    assert used >= CORE_FACTS, f"{name} does not print {sorted(CORE_FACTS - used)}"


@pytest.mark.parametrize("name", RESTRUCTURING)
def test_no_story_redefines_the_worlds_cast(name: str, world: dict[str, Any]) -> None:
    data = _raw(STORIES / f"{name}.yaml")
    own = set(data.get("cast") or {})
    assert not own & set(world["cast"]), f"{name} redefines {sorted(own & set(world['cast']))}"


@pytest.mark.parametrize("name", RESTRUCTURING)
def test_no_story_restates_a_fact_in_its_own_words(name: str) -> None:
    texts = list(_strings(_raw(STORIES / f"{name}.yaml").get("scenes", {})))
    for phrase in WORLD_ONLY:
        assert not any(phrase in t for t in texts), f"{name} writes {phrase!r} itself"


@pytest.mark.parametrize("name", RESTRUCTURING)
def test_the_loaded_story_shows_the_worlds_facts(name: str, world: dict[str, Any]) -> None:
    story = load_path(STORIES / f"{name}.yaml")
    assert {k: story.facts[k] for k in world["facts"]} == world["facts"]
    assert {k: story.cast[k].name for k in world["cast"]} == {
        k: v["name"] for k, v in world["cast"].items()
    }
    session = Session.start(story)
    announced = [s.text for s in story.scenes.values() if "{fact.announcement_day}" in s.text]
    assert announced, f"{name} never says when the announcement came"
    shown = session.render(announced[0])
    assert "{fact." not in shown
    assert world["facts"]["announcement_day"] in shown
    assert " ".join(world["facts"]["ruth_email"].split()) in " ".join(shown.split())
