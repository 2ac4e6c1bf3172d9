"""``play`` validates a story file once per exact content, then only loads it."""

from __future__ import annotations

import shutil
from pathlib import Path

from crossroads.engine.loader import load_path
from crossroads.engine.playable import PlayStory, playable
from crossroads.tui import checked
from tests.tui.helpers import FIRST_WEEK


def test_validates_once_then_loads(tmp_path: Path) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(FIRST_WEEK.read_text())
    assert checked.cached_story(story) is None  # never validated
    first = checked.check_and_remember(story)
    assert first.story is not None and not first.errors
    again = checked.cached_story(story)
    assert again is not None and again.id == "first-week"
    story.write_text(FIRST_WEEK.read_text().replace("to: dana-invite\n", "to: nowhere\n", 1))
    assert checked.cached_story(story) is None  # other bytes: validate again
    broken = checked.check_and_remember(story)
    assert broken.errors and broken.story is not None
    assert checked.cached_story(story) is None  # errors are never remembered


def test_cached_story_is_the_validated_story(tmp_path: Path) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(FIRST_WEEK.read_text())
    first = checked.check_and_remember(story)
    assert first.story is not None
    cached = checked.cached_story(story)
    assert isinstance(cached, PlayStory)
    assert cached == playable(first.story) == playable(load_path(FIRST_WEEK))
    assert cached.content_hash == first.story.content_hash


def test_unreadable_cache_entry_means_validating_again(tmp_path: Path) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(FIRST_WEEK.read_text())
    checked.check_and_remember(story)
    checked._marker(story.read_bytes(), story).write_text('{"hash": "x", "story": [1]}')
    assert checked.cached_story(story) is None
    again = checked.check_and_remember(story)
    assert again.story is not None and not again.errors
    assert checked.cached_story(story) is not None  # the entry was rewritten


def test_a_changed_world_file_means_validating_again(tmp_path: Path) -> None:
    teach = Path(__file__).resolve().parent.parent / "fixtures" / "teach"
    shutil.copytree(teach / "worlds", tmp_path / "worlds")
    story = tmp_path / "seen-by-akira.yaml"
    story.write_text((teach / "seen-by-akira.yaml").read_text())
    checked.check_and_remember(story)
    cached = checked.cached_story(story)
    assert cached is not None and cached.facts["reorg_date"] == "the first Monday of March"
    world = tmp_path / "worlds" / "northwind.yaml"
    world.write_text(world.read_text().replace("first Monday", "second Monday"))
    assert checked.cached_story(story) is None  # same story bytes, another world
    checked.check_and_remember(story)
    again = checked.cached_story(story)
    assert again is not None and again.facts["reorg_date"] == "the second Monday of March"
