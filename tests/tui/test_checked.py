"""``play`` validates a story file once per exact content, then only loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.helpers import FIRST_WEEK
from tui import checked


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
