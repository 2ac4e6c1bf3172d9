"""The starter story written by ``crossroads new`` is valid, clean and playable to every ending."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crossroads.engine.check import check_paths
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.loader import load_text
from crossroads.engine.runtime import Session
from crossroads.engine.scaffold import (
    check_story_id,
    default_title,
    schema_reference,
    starter_story,
    write_starter,
)
from crossroads.engine.validate import validate


def test_starter_loads_and_validates_clean() -> None:
    story = load_text(starter_story("night-shift"), "night-shift.yaml")
    assert story.id == "night-shift"
    assert story.title == "Night Shift"
    assert validate(story) == []


def test_starter_has_what_the_guide_promises() -> None:
    text = starter_story("demo")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/story.schema.json"
    story = load_text(text, "demo.yaml")
    povs = {story.pov_of(sid) for sid in story.scenes}
    assert len(povs) >= 2
    endings = [s.ending for s in story.scenes.values() if s.ending is not None]
    assert len(endings) >= 2 and len({e.kind for e in endings}) >= 2
    assert story.meters and story.flags
    assert any(s.reflect is not None for s in story.scenes.values())


def test_every_ending_is_reached_with_three_reflections() -> None:
    story = load_text(starter_story("demo"), "demo.yaml")
    endings = {sid for sid, s in story.scenes.items() if s.ending is not None}
    reached: set[str] = set()
    for seed in range(300):
        session = Session.start(story)
        session.random_walk(random.Random(seed))
        assert session.finished
        reached.add(session.path[-1])
        prompts = [sid for sid in session.path if story.scenes[sid].reflect is not None]
        assert len(prompts) >= 3
    assert reached == endings


@pytest.mark.parametrize("title", ['Say "hi": {now}', "Ünïcode — title", "123", "yes"])
def test_titles_are_quoted(title: str) -> None:
    story = load_text(starter_story("demo", title=title), "demo.yaml")
    assert story.title == title
    assert validate(story) == []


@pytest.mark.parametrize("bad", ["", "../evil", "a/b", "-dash", ".hidden", "has space", "é"])
def test_bad_ids_are_refused(bad: str) -> None:
    with pytest.raises(UsageError) as info:
        check_story_id(bad)
    assert "\n" not in info.value.message
    assert info.value.exit_code == 2


def test_default_title() -> None:
    assert default_title("the-long_week") == "The Long Week"
    assert default_title("x") == "X"


def test_write_refuses_to_overwrite(tmp_path: Path) -> None:
    path = write_starter("demo", tmp_path)
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError):
        write_starter("demo", tmp_path)
    assert path.read_text(encoding="utf-8") == "mine"
    write_starter("demo", tmp_path, force=True)
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_written_file_passes_check(tmp_path: Path) -> None:
    write_starter("demo", tmp_path / "stories", title="Demo")
    (report,) = check_paths([tmp_path / "stories"])
    assert report.diagnostics == []


def test_schema_reference_finds_the_schema(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "story.schema.json").write_text("{}", encoding="utf-8")
    deep = tmp_path / "content" / "stories"
    deep.mkdir(parents=True)
    assert schema_reference(deep) == "../../schema/story.schema.json"
    assert schema_reference(tmp_path) == "schema/story.schema.json"


def test_starter_passes_the_deep_check() -> None:
    from crossroads.engine.explore import deep_check

    story = load_text(starter_story("demo"), "demo.yaml")
    problems = [d for d in deep_check(story) if d.severity in ("error", "warning")]
    assert problems == []
