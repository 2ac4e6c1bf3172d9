"""``crossroads play --plain``: text in, text out, the same records as the full UI."""

from __future__ import annotations

import io
import json
import shlex
from pathlib import Path

import pytest

from crossroads.engine.loader import load_text
from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.cli import main
from crossroads.tui.plain import INPUT_ENDED, PlainPlayer, resume_command
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
        if s.current.choices[index].reflect is not None:  # a choice's own prompt comes first
            lines += [reflection, "", "2", "y"]
        s.choose(index)
    return "\n".join(lines) + "\n"


def play(text: str, learner: str = "ann", resume: bool = False,
         in_cohort: bool = True) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    player = PlainPlayer(first_week(), learner, FileSessionStore(), io.StringIO(text), out, err,
                         in_cohort=in_cohort)
    code = player.run(resume)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("ending", ["carried", "unanswered", "in-writing", "mixed", "distant"])
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
    assert code == INPUT_ENDED == 3
    assert "Input ended; your progress is saved" in err and err.count("(saved)") == 2
    assert "Continue with: crossroads play first-week --plain --resume" in err
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None and saved.choices_made == [1, 0]
    code, out, err = play("1\n", resume=True)
    assert "Resuming where you left off." in err
    assert "\nWednesday, 10:00 a.m.\n" in out
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None and saved.choices_made == [1, 0, 0]


def test_reopening_asks_and_start_over_archives(crossroads_home: Path) -> None:
    play("2\n")
    code, out, _ = play("n\n3\n")
    assert code == INPUT_ENDED
    assert "You have a saved session" in out
    assert len(list((crossroads_home / "saves" / "finished").glob("*.json"))) == 1
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None and saved.choices_made == [2]


def test_invalid_answers_are_asked_again_and_empty_visibility_is_private() -> None:
    code, out, _ = play("x\n9\n3\n1\nLine one\nline two\n\n\n")
    assert code == INPUT_ENDED
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
    assert main(["play", "first-week", "--plain", "--as", "bo"]) == 3
    out = capsys.readouterr()
    assert out.out.startswith("The First Week\n") and "(saved)" in out.err


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


def test_resume_hint_repeats_the_learners_command_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "my bank.db"
    argv = ["play", "first-week", "--plain", "--as", "Bo O'Neil", "--cohort", "c 1",
            "--bank", str(bank)]
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))
    assert main(argv) == INPUT_ENDED
    err = capsys.readouterr().err
    hint = err.split("Continue with: ", 1)[1].strip()
    assert shlex.split(hint) == ["crossroads", *argv, "--resume"]
    assert "site-packages" not in hint and "first-week.yaml" not in hint
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    assert main(shlex.split(hint)[1:]) == INPUT_ENDED  # the hint itself continues the session
    err = capsys.readouterr().err
    assert "Resuming where you left off." in err


def test_resume_hint_keeps_a_story_path_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "week.yaml").write_text(FIRST_WEEK.read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))
    assert main(["play", "week.yaml", "--plain"]) == INPUT_ENDED
    err = capsys.readouterr().err
    assert err.rstrip().endswith("Continue with: crossroads play week.yaml --plain --resume")


def test_picker_end_of_input_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", "--plain"]) == INPUT_ENDED


def test_play_help_documents_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    assert "exit code is 3" in " ".join(capsys.readouterr().out.split())


MARKDOWN_STORY = r"""
format: crossroads/1
id: md
title: "The \e[1mstory"
cast:
  a: {name: Ann, role: lead, about: "Runs the night shift."}
  b: {name: Bo, role: new hire}
pov: a
start: one
scenes:
  one:
    title: "Monday, 8:02"
    text: |
      ## A heading

      Some *emphasis*, __strong__, `code` and a [link](https://example.org)
      that wraps.

      > A quoted _line_.

      - first point
      - second point

      1. step one
      2. step two
    choices:
      - say: "Go on\e]0;pwned\a to Bo"
        to: two
      - say: Stay
        to: two
  two:
    pov: b
    text: "Bo's first scene: bell\a and \e[31mcolour\e[0m and \e]0;title\a done."
    next: three
  three:
    pov: b
    text: Bo's second scene.
    next: four
  four:
    text: Back with Ann.
    reflect: {id: r, prompt: "Think of a time. What happened?"}
    next: end
  end:
    text: Done.
    ending: {kind: good, title: The end}
"""


def test_markdown_and_control_characters_become_clean_text() -> None:
    story = load_text(MARKDOWN_STORY, "md.yaml")
    assert "\x1b" in story.scenes["two"].text  # the story really carries control characters
    out, err = io.StringIO(), io.StringIO()
    answers = io.StringIO("1\n1\n1\nI \x1b]0;pwned\x07remember\x1b[2J.\n\n\n1\n")
    player = PlainPlayer(story, "ann", FileSessionStore(), answers, out, err)
    assert player.run() == 0
    text = out.getvalue()
    assert not any(ch in text for ch in "\x1b\x07")
    prose = "".join(line for line in text.splitlines(True) if not line.startswith("> "))
    assert not any(ch in prose for ch in "*_#>`")  # "> " is the prompt for a reflection's lines
    assert text.startswith("The story\n")
    assert "\nMonday, 8:02\n\nA heading\n\n" in text
    assert "\nSome emphasis, strong, code and a link that wraps.\n" in text
    assert "\nA quoted line.\n\nfirst point\nsecond point\n\n1. step one\n2. step two\n" in text
    assert "Bo's first scene: bell and colour and done." in text
    assert "1. Go on to Bo" in text
    assert "> I remember.\n" in text  # the learner's echoed line, without its control characters


def test_point_of_view_is_said_once_per_change() -> None:
    story = load_text(MARKDOWN_STORY, "md.yaml")
    out = io.StringIO()
    player = PlainPlayer(story, "ann", FileSessionStore(), io.StringIO("1\n1\n1\n\n1\n"), out,
                         io.StringIO())
    assert player.run() == 0
    text = out.getvalue()
    assert text.count("You are Ann, lead.") == 1
    assert text.count("You are now Bo, new hire.") == 1  # not again at Bo's second scene
    assert text.count("You are now Ann, lead.") == 1
    assert text.index("You are now Bo") < text.index("Bo's first scene")
    assert text.index("Bo's second scene") < text.index("You are now Ann")


def test_resume_command_leaves_a_bank_password_out() -> None:
    import argparse

    args = argparse.Namespace(story="first-week", plain=True, learner=None, cohort=None,
                              bank="postgresql://ann:s3cret@db.example:5432/bank")
    command = resume_command(args, first_week(), None)
    assert command == ["crossroads", "play", "first-week", "--plain", "--bank",
                       "postgresql://ann@db.example:5432/bank", "--resume"]


def test_outside_a_cohort_my_cohort_is_not_offered(crossroads_home: Path) -> None:
    """Played without --cohort, a reflection is private or for everyone; "2" means everyone."""
    story = first_week()
    path = ending_paths(story)["carried"]
    code, out, _ = play(script(path), in_cohort=False)
    assert code == 0
    assert "Who may read it? 1 private, 2 bank (empty: private)" in out
    assert "cohort" not in out.split("Who may read it?")[1].split("\n")[0]
    archived = next((crossroads_home / "saves" / "finished").glob("*.json"))
    events = json.loads(archived.read_text())["events"]
    assert {e["visibility"] for e in events if e["type"] == "reflection"} == {"bank"}


def test_in_a_cohort_my_cohort_is_offered(crossroads_home: Path) -> None:
    story = first_week()
    code, out, _ = play(script(ending_paths(story)["carried"]), in_cohort=True)
    assert code == 0
    assert "Who may read it? 1 private, 2 cohort, 3 bank (empty: private)" in out
