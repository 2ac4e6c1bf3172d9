"""``graph``, ``stats`` and ``playtest`` on a story with errors: they run when it loads, print its
errors to standard error first, and refuse only what they cannot handle, in one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.tui.cli import main
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
GAPS = str(FIXTURES / "gaps.yaml")  # missing 'attic' and 'well', unreachable 'cellar', dead end
ERRORS = [f"{GAPS}:12:13: CR201 error", f"{GAPS}:22:3: CR204 error", f"{GAPS}:27:3: CR203 error",
          f"{GAPS}:29:11: CR201 error"]


def _warned(err: str, command: str) -> None:
    lines = err.splitlines()
    assert [line.split(": ", 2)[0] + ": " + line.split(": ", 2)[1] for line in lines[:4]] == ERRORS
    assert lines[4] == (
        f"{GAPS}: warning: the story has 4 errors (above; see 'crossroads check {GAPS}'); "
        f"{command} shows it as it is"
    )


def test_graph_draws_a_story_with_errors_marking_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", GAPS]) == 0
    captured = capsys.readouterr()
    _warned(captured.err, "graph")
    assert '  m0["missing: attic"]' in captured.out.splitlines()
    assert "  class s4 unreachable" in captured.out.splitlines()
    assert main(["graph", GAPS, "--format", "dot"]) == 0
    dot = capsys.readouterr().out
    assert '"hall" -> "missing: attic"' in dot and "cellar\\nunreachable" in dot


def test_stats_measures_a_story_with_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", GAPS, "--json"]) == 0
    captured = capsys.readouterr()
    _warned(captured.err, "stats")
    data = json.loads(captured.out)
    assert data["scenes"] == 5 and data["paths"] == {"gate": 1}


def test_playtest_plays_a_story_with_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playtest", GAPS, "--runs", "100", "--seed", "2"]) == 0
    captured = capsys.readouterr()
    _warned(captured.err, "playtest")
    out = captured.out
    assert "scenes reached: 4 of 5" in out
    assert f"    {GAPS}:27:3  cellar" in out
    assert f"    {GAPS}:11:9  hall #0  Up the stairs (leads to missing scene 'attic')" in out
    assert "first stuck run:" in out  # the shed is a dead end
    assert main(["playtest", GAPS, "--seed", "2", "--replay", "0"]) == 0
    assert "run 0 of seed 2" in capsys.readouterr().out


def test_stats_and_playtest_refuse_errors_that_stop_a_playthrough(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = str(FIXTURES / "check" / "bad-expr.yaml")
    for command in ("stats", "playtest"):
        assert main([command, bad]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 4 and all(": CR12" in line for line in err[:3])
        assert err[3] == (
            f"{bad}: {command} cannot play this story until its CR121, CR123, CR124 errors above "
            f"are fixed (see 'crossroads check {bad}'); 'crossroads graph' draws it as it is"
        )
    assert main(["graph", bad]) == 0  # the graph has nothing to step through


def test_a_story_that_cannot_be_loaded_is_refused_by_all_three(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: crossroads/1\nid: x\ntitle: [unclosed\n", encoding="utf-8")
    for command in ("graph", "stats", "playtest"):
        assert main([command, str(broken)]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith(f"{broken}:") and "Traceback" not in captured.err


def test_graph_as_a_real_process_keeps_warnings_off_standard_output(tmp_path: Path) -> None:
    out = tmp_path / "gaps.mmd"
    done = subprocess.run(
        [sys.executable, "-m", "crossroads", "graph", GAPS, "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    _warned(done.stderr, "graph")
    assert out.read_text(encoding="utf-8").startswith("flowchart TD\n")
