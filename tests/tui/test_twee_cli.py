"""``crossroads import twee`` and ``crossroads export twee`` as real subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "twee"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crossroads", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_import_writes_a_story_that_checks(tmp_path: Path) -> None:
    out = tmp_path / "shift.yaml"
    run = cli("import", "twee", str(FIXTURES / "sugarcube.twee"), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert "wrote" in run.stdout and "6 scenes" in run.stdout
    assert "sugarcube.twee:40:20: CR511 warning:" in run.stderr
    assert "Traceback" not in run.stderr
    check = cli("check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    assert cli("import", "twee", str(FIXTURES / "sugarcube.twee"), "-o", str(out)).returncode \
        == 2  # exists: --force needed


def test_import_keeps_broken_links_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "broken.yaml"
    run = cli("import", "twee", str(FIXTURES / "broken.twee"), "-o", str(out))
    assert run.returncode == 1
    assert "broken.twee:8:1: CR520 error: link to 'Yard '" in run.stderr
    check = cli("check", str(out))
    assert check.returncode == 1 and "broken.twee:8:1" in check.stdout + check.stderr


def test_import_refuses_a_missing_file_in_one_line(tmp_path: Path) -> None:
    run = cli("import", "twee", str(tmp_path / "nope.twee"))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "nope.twee" in run.stderr and "Traceback" not in run.stderr


def test_export_then_import(tmp_path: Path) -> None:
    twee = tmp_path / "first-week.twee"
    run = cli("export", "twee", "first-week", "-o", str(twee))
    assert run.returncode == 0, run.stderr
    assert twee.read_text().startswith(":: StoryTitle\n")
    back = cli("import", "twee", str(twee), "-o", "-")
    assert back.returncode == 0 and "format: crossroads/1" in back.stdout
