"""The engine (and the plain player's logic) never pull in Textual or Rich."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.tui.plain import INPUT_ENDED
from tests.tui.helpers import ROOT


@pytest.mark.parametrize(
    "module",
    ["crossroads.engine", "crossroads.engine.runtime", "crossroads.engine.saves",
     "crossroads.engine.check", "crossroads.engine.records", "crossroads.tui.flow",
     "crossroads.tui.plain", "crossroads.tui.catalog", "crossroads.tui.cli"],
)
def test_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"{module} imported {out.stdout.strip()}"


HEAVY = ("pydantic", "networkx", "ruamel", "yaml", "psycopg")
"""What validation, analysis and PostgreSQL need, and playing a checked story does not."""

_REPORT_MODULES = """
import atexit, os, runpy, sys

def report():
    heavy = {m.split('.')[0] for m in sys.modules} & set(os.environ["HEAVY"].split(","))
    engine = {m for m in sys.modules if m in (
        "crossroads.engine.model", "crossroads.engine.validate", "crossroads.engine.loader")}
    with open(os.environ["REPORT"], "w") as fh:
        fh.write(",".join(sorted(heavy | engine)))

atexit.register(report)
sys.argv = ["crossroads", *sys.argv[1:]]
runpy.run_module("crossroads", run_name="__main__")
"""


def _play_imports(tmp_path: Path, *extra: str) -> str:
    """Run ``crossroads play first-week --plain`` and return the heavy modules it imported."""
    report = tmp_path / "modules.txt"
    env = {**os.environ, "CROSSROADS_HOME": str(tmp_path / "home"), "HEAVY": ",".join(HEAVY),
           "REPORT": str(report)}
    out = subprocess.run(
        [sys.executable, "-c", _REPORT_MODULES, "play", "first-week", "--plain", "--as", "bo",
         *extra],
        cwd=ROOT, env=env, input="", capture_output=True, text=True, check=False,
    )
    assert out.returncode == INPUT_ENDED, out.stderr  # no answers: it saves and stops
    return report.read_text()


def test_playing_a_checked_story_imports_no_validation_machinery(tmp_path: Path) -> None:
    """The first ``play`` validates the story (pydantic and all); the second rebuilds it from
    the checked-story cache and plays from plain classes."""
    assert "pydantic" in _play_imports(tmp_path)
    assert _play_imports(tmp_path) == ""
    assert _play_imports(tmp_path, "--resume") == ""


def test_the_full_screen_player_imports_no_validation_machinery() -> None:
    """Nor does the full-screen player's code (markdown-it only for passages that need it)."""
    code = (
        "import sys\n"
        "import crossroads.tui.app, crossroads.tui.screens.play, crossroads.tui.commands.play\n"
        "import crossroads.tui.checked, crossroads.engine.bank, crossroads.engine.bank.sqlite\n"
        "import argparse\n"  # and `play`'s options, as the command line builds them
        "crossroads.tui.commands.play.register(argparse.ArgumentParser().add_subparsers())\n"
        f"bad = {{m.split('.')[0] for m in sys.modules}} & {{*{HEAVY!r}, 'markdown_it'}}\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_the_engine_package_imports_the_model_on_first_use() -> None:
    code = (
        "import sys, crossroads.engine as engine\n"
        "before = 'pydantic' in sys.modules\n"
        "from crossroads.engine.model import Story\n"
        "print(before, engine.Story is Story)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]
