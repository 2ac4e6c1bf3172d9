"""`crossroads check` and `crossroads schema` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.engine.schema import story_schema
from crossroads.tui.cli import main
from tests.conftest import FIXTURES, ROOT, STORIES

CHECK = FIXTURES / "check"


def test_check_clean_story_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CHECK / "valid.yaml")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["1 story file checked: 0 errors, 0 warnings — ok"]


def test_check_shipped_stories_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(STORIES)]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_check_reports_each_problem_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CHECK / "broken-links.yaml"), str(CHECK / "valid.yaml")]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("2 story files checked: ")
    assert "failed" in lines[-1]
    first = lines[0]
    path, line, col, rest = first.split(":", 3)
    assert path.endswith("broken-links.yaml") and line.isdigit() and col.isdigit()
    assert rest.lstrip().split()[0].startswith("CR")
    assert rest.lstrip().split()[1] in ("error:", "warning:")


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", str(CHECK / "bad-expr.yaml")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["errors"] == 3
    diag = data["files"][0]["diagnostics"][0]
    assert {"code", "severity", "message", "file", "line", "col", "hint", "name"} <= set(diag)


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as err:
        main(["check"])
    assert err.value.code == 2
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    assert "CR100" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 2
    assert "no story files" in capsys.readouterr().err


def test_console_script_has_no_traceback_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"format: crossroads/1\nid: !!python/object/apply:os.system ['echo hi']\n")
    proc = subprocess.run(
        [sys.executable, "-m", "crossroads.tui.cli", "check", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{bad}:2:5: CR106 error" in proc.stdout


def test_committed_schema_is_current() -> None:
    committed = json.loads((ROOT / "schema" / "story.schema.json").read_text(encoding="utf-8"))
    assert committed == story_schema(), "schema is stale: run `crossroads schema`"


def test_every_story_points_its_editor_at_the_schema() -> None:
    for path in STORIES.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/story.schema.json", path


def test_schema_command_writes_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "-o", str(out)]) == 0
    schema = json.loads(out.read_text())
    assert schema["properties"]["scenes"]["description"]
    choice = schema["$defs"]["Choice"]["properties"]
    assert "if" in choice and "if_" not in choice
