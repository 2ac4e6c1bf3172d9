"""``crossroads play --plain``: text in, text out, the same records as the full UI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.cli import main
from crossroads.tui.plain import PlainPlayer
from tests.tui.helpers import EVIL, FIRST_WEEK, ending_paths, first_week, markup_story


def script(story_path: list[int], reflection: str = "I remember.") -> str:
    """Answers that play ``story_path`` on the example story, reflecting where asked."""
    story = first_week()
    s = Session.start(story)
    lines: list[str] = []
    for index in [*story_path, None]:
        if s.current.reflect is not None:
            lines += [reflection, "", "2", "y"]
        if index is None:
            break
        options = s.options()
        lines.append(str(next(n for n, o in enumerate(options, 1) if o.index == index)))
        s.choose(index)
    return "\n".join(lines) + "\n"


def play(text: str, learner: str = "ann", resume: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    player = PlainPlayer(first_week(), learner, FileSessionStore(), io.StringIO(text), out, err,
                         story_arg=str(FIRST_WEEK))
    code = player.run(resume)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("ending", ["carried", "mixed", "distant"])
def test_plays_to_every_ending(ending: str, crossroads_home: Path) -> None:
    story = first_week()
    path = ending_paths(story)[ending]
    code, out, err = play(script(path))
    assert code == 0
    expected = Session.replay(story, path)
    assert f"THE END — {expected.ending_title()}" in out
    assert "Your path:" in out and "Team trust: 45 →" in out
    assert "(playthrough archived)" in err
    archived = list((crossroads_home / "saves" / "finished").glob("*.json"))
    assert len(archived) == 1
    data = json.loads(archived[0].read_text())
    choices = [e["index"] for e in data["events"] if e["type"] == "choice"]
    assert choices == path
    reflections = [e for e in data["events"] if e["type"] == "reflection"]
    assert reflections and all(r["text"] == "I remember." for r in reflections)
    assert all(r["visibility"] == "cohort" and r["anonymous"] for r in reflections)


def test_end_of_input_saves_and_resume_continues() -> None:
    code, out, err = play("2\n1\n")
    assert code == 0
    assert "Input ended; your progress is saved" in err and err.count("(saved)") == 2
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None and saved.choices_made == [1, 0]
    code, out, err = play("1\n", resume=True)
    assert "Resuming where you left off." in err
    assert "## Wednesday, 10:00" in out
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None and saved.choices_made == [1, 0, 0]


def test_reopening_asks_and_start_over_archives(crossroads_home: Path) -> None:
    play("2\n")
    code, out, _ = play("n\n3\n")
    assert code == 0
    assert "You have a saved session" in out
    assert len(list((crossroads_home / "saves" / "finished").glob("*.json"))) == 1
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None and saved.choices_made == [2]


def test_invalid_answers_are_asked_again_and_empty_visibility_is_private() -> None:
    code, out, _ = play("x\n9\n3\n1\nLine one\nline two\n\n\n")
    assert code == 0
    assert "Please answer with a number from 1 to 3." in out
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None
    reflection = saved.reflections()[0]
    assert reflection["text"] == "Line one\nline two"
    assert reflection["visibility"] == "private" and not reflection["anonymous"]


def test_markup_is_printed_literally() -> None:
    out, err = io.StringIO(), io.StringIO()
    answers = io.StringIO("[/] me\n\n\n1\n1\n")
    player = PlainPlayer(markup_story(), "ann", FileSessionStore(), answers, out, err)
    assert player.run() == 0
    text = out.getvalue()
    for evil in EVIL:
        assert evil in text
    assert "You are now Bo [/], other [bold]y[/]" in text


def test_cli_plain_with_story_id(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))
    assert main(["play", "first-week", "--plain", "--as", "bo"]) == 0
    out = capsys.readouterr()
    assert "# The First Week" in out.out and "(saved)" in out.err


def test_invalid_story_prints_check_diagnostics_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: crossroads/1\nid: bad\ntitle: Bad\nstart: a\nscenes:\n"
        "  a:\n    text: hi\n    choices: [{say: go, to: nowhere}]\n"
    )
    assert main(["play", str(bad)]) == 1
    err = capsys.readouterr().err
    assert main(["check", str(bad)]) == 1
    check_out = capsys.readouterr().out
    diag_lines = [line for line in check_out.splitlines() if line.startswith(str(bad))]
    assert diag_lines and all(line in err for line in diag_lines)
    assert "CR201" in err


def test_unknown_story_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "no-such-story", "--plain"]) == 2
    assert "no story file" in capsys.readouterr().err
