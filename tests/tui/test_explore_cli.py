"""``check --deep``, ``playtest``, ``graph`` and ``stats`` from the command line."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from crossroads.tui.cli import main
from tests.conftest import FIXTURES, STORIES

BROKEN = str(FIXTURES / "explore_broken.yaml")


def test_check_deep_reports_positions_and_prints_witnesses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--deep", BROKEN]) == 1
    out = capsys.readouterr().out
    assert f"{BROKEN}:42:13: CR401 error: the choice 'Celebrate with the whole team'" in out
    assert f"{BROKEN}:45:23: CR401 error:" in out
    assert f"{BROKEN}:58:3: CR402 error: the ending 'good-end' (good)" in out
    lines = out.splitlines()
    at = lines.index(f"{BROKEN}:62:3: CR409 info: ending 'home' (mixed) is reachable in 2 steps")
    assert lines[at + 1 : at + 3] == [
        "    1. start → middle: Ask the team how they are",
        "    2. middle → home: Go home",
    ]
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal


def test_check_deep_json_carries_witnesses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--deep", "--json", BROKEN]) == 1
    data = json.loads(capsys.readouterr().out)
    diags = data["files"][0]["diagnostics"]
    witness = next(d for d in diags if d["code"] == "CR409")
    assert witness["name"] == "ending-witness"
    assert [s["scene"] for s in witness["data"]["witness"]] == ["start", "middle"]


@pytest.mark.parametrize("path", sorted(STORIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_story_passes_check_deep(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--deep", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert " 0 errors" in out
    for sid in _endings(path):  # a witness for every ending
        assert f"CR409 info: ending '{sid}'" in out


def _endings(path: Path) -> list[str]:
    from crossroads.engine import load_path

    story = load_path(path)
    return [sid for sid, s in story.scenes.items() if s.ending is not None]


def test_playtest_prints_coverage_and_what_was_never_reached(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["playtest", BROKEN, "--runs", "50", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "50 playthroughs, seed 4" in out
    assert "scenes reached: 4 of 6" in out
    assert f"    {BROKEN}:50:3  party" in out
    assert f"    {BROKEN}:40:9  middle #0  Celebrate with the whole team" in out
    assert "--seed 4 --replay K" in out


def test_playtest_json_and_replay_agree(capsys: pytest.CaptureFixture[str]) -> None:
    story = str(STORIES / "first-week.yaml")
    assert main(["playtest", story, "--runs", "5", "--seed", "x", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["runs"] == 5 and sum(report["endings"].values()) == 5
    assert main(["playtest", story, "--seed", "x", "--replay", "3", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["run"] == 3 and one["outcome"] == "ending"
    assert [s["index"] for s in one["steps"]] == one["choices"]
    assert one["steps"][0]["scene"] == "inbox"
    assert main(["playtest", story, "--seed", "x", "--replay", "3"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("The First Week: run 3 of seed x:")
    assert f"ending '{one['ending']}'" in text
    assert "    1. inbox → " in text


def test_playtest_rejects_bad_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playtest", BROKEN, "--runs", "0"]) == 2
    assert "--runs" in capsys.readouterr().err


def test_playtest_runs_a_story_with_a_missing_scene_and_warns_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: crossroads/1\nid: bad\ntitle: Bad\nstart: a\nscenes:\n  a:\n    next: nowhere\n",
        encoding="utf-8",
    )
    assert main(["playtest", str(bad), "--runs", "3"]) == 0
    captured = capsys.readouterr()
    assert f"{bad}:7:11: CR201 error" in captured.err
    assert "warning: the story has 2 errors" in captured.err  # CR201 and CR208 (no ending)
    assert "(stuck 3," in captured.out and "first stuck run: 0" in captured.out
    assert "Traceback" not in captured.err


def test_graph_mermaid_and_dot_to_stdout_and_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["graph", "first-week"]) == 0
    assert capsys.readouterr().out.startswith("flowchart TD\n")
    out = tmp_path / "g.dot"
    assert main(["graph", BROKEN, "--format", "dot", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8").startswith('digraph "explore-broken" {')


def test_graph_svg_without_graphviz_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["graph", BROKEN, "--format", "svg"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Graphviz" in lines[0] and "not installed" in lines[0]


def test_graph_svg_through_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "dot"
    fake.write_text(
        "#!/bin/sh\n[ \"$1\" = -Tsvg ] || exit 3\n"
        "printf '<svg>'; grep -c -- '->' ; printf '</svg>'\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert main(["graph", BROKEN, "--format", "svg"]) == 0
    # the fake counts the DOT edges it was given: 7 choices and 2 "next"
    assert capsys.readouterr().out.replace("\n", "") == "<svg>9</svg>"


def test_stats_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "first-week"]) == 0
    out = capsys.readouterr().out
    assert "scenes       13" in out and "routes to each ending:" in out
    assert "    carried                  good   36" in out
    assert "    unanswered               mixed  36" in out
    assert main(["stats", str(FIXTURES / "explore_loops.yaml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cyclic"] and data["paths"] == {"outside": 3}  # hall, cellar loop, locked door
