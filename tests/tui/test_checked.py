"""``play`` validates a story file once per exact content, then only loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.tui import checked
from tests.tui.helpers import FIRST_WEEK


def test_validates_once_then_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(FIRST_WEEK.read_text())
    first = checked.check_for_play(story)
    assert first.story is not None and not first.errors
    calls: list[Path] = []
    real = checked.check_story_file

    def counting(path: Path) -> checked.FileReport:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(checked, "check_story_file", counting)
    again = checked.check_for_play(story)
    assert again.story is not None and again.story.id == "first-week" and calls == []
    story.write_text(FIRST_WEEK.read_text().replace("to: dana-invite\n", "to: nowhere\n", 1))
    broken = checked.check_for_play(story)
    assert calls == [story] and broken.errors and broken.story is not None
    assert checked.check_for_play(story).errors and calls == [story, story]


def test_cached_story_is_the_validated_story(tmp_path: Path) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(FIRST_WEEK.read_text())
    assert checked.cached_story(story) is None  # never validated
    first = checked.check_for_play(story)
    assert first.story is not None
    cached = checked.cached_story(story)
    assert cached is not None and cached.source.file == str(story)
    assert cached.model_dump() == first.story.model_dump()
    assert cached.content_hash == first.story.content_hash


def test_unreadable_cache_entry_means_validating_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(FIRST_WEEK.read_text())
    checked.check_for_play(story)
    checked._marker(story.read_bytes()).write_text('{"hash": "x", "story": [1]}')
    assert checked.cached_story(story) is None
    calls: list[Path] = []
    real = checked.check_story_file

    def counting(path: Path) -> checked.FileReport:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(checked, "check_story_file", counting)
    again = checked.check_for_play(story)
    assert calls == [story] and again.story is not None and not again.errors
    assert checked.cached_story(story) is not None  # the entry was rewritten
