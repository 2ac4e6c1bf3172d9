"""The command line's shared plumbing: ``--version``, a lean ``--help``, one name for each kind
of argument in every command's help, and one exception hierarchy drawn where it is defined."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import crossroads
from crossroads.engine import diagnostics
from crossroads.engine.diagnostics import CrossroadsError
from crossroads.tui import cli
from crossroads.tui.commands import _common
from tests.tui.helpers import ROOT


def _crossroads(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crossroads", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_version_prints_the_package_version() -> None:
    out = _crossroads("--version")
    assert (out.returncode, out.stdout, out.stderr) == (0, f"crossroads {crossroads.__version__}\n",
                                                        "")
    assert crossroads.__version__ == "0.2.0"


def _modules_after(argv: list[str]) -> list[str]:
    code = (
        "import json, sys\n"
        "from crossroads.tui.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout = sys.__stderr__\n"
        "print(json.dumps(sorted(sys.modules)), file=open(1, 'w', closefd=False))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_help_imports_no_command() -> None:
    modules = _modules_after(["--help"])
    commands = [m for m in modules if m.startswith("crossroads.tui.commands.")]
    assert commands == []
    assert not [m for m in modules if m.split(".")[0] in ("textual", "rich")]


def test_a_command_imports_only_its_own_module() -> None:
    modules = _modules_after(["stats", "--help"])
    commands = {m for m in modules if m.startswith("crossroads.tui.commands.")}
    assert commands == {"crossroads.tui.commands.stats", "crossroads.tui.commands._common"}


def _command_modules() -> list[str]:
    folder = Path(importlib.import_module("crossroads.tui.commands").__path__[0])
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))


def test_the_static_table_lists_every_command_with_its_own_help() -> None:
    assert sorted(cli.module_of(n) for n in cli.COMMANDS) == _command_modules()
    for name, help_text in cli.COMMANDS.items():
        parser = cli.build_parser(name)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        listed = {c.dest: c.help for c in sub._choices_actions}
        assert listed[name] == help_text, name


def _parsers(
    parser: argparse.ArgumentParser, path: str
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}")


@pytest.mark.parametrize("name", list(cli.COMMANDS))
def test_every_help_names_things_the_same_way(name: str) -> None:
    parser = cli.build_parser(name)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for where, p in _parsers(sub.choices[name], name):
        for action in p._actions:
            flags = set(action.option_strings)
            if "--bank" in flags:
                assert (action.metavar, action.help) == ("PATH|URL", _common.BANK_HELP), where
            if "--output" in flags or "-o" in flags:
                assert flags == {"-o", "--output"} and action.metavar == "FILE", where
            if (action.dest in ("cohort", "code") and not flags) or "--cohort" in flags:
                assert action.metavar == "COHORT", where
            if action.dest in ("story", "paths") or "--story" in flags:
                assert action.metavar == "STORY", where
            if flags & {"--html", "--csv"}:
                assert action.metavar == "FILE", where
        p.format_help()  # every help renders


def test_the_exception_tree_draws_every_error_class() -> None:
    import crossroads.engine
    import crossroads.tui

    for package in (crossroads.engine, crossroads.tui):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(info.name)

    def subclasses(cls: type) -> Iterator[type]:
        for child in cls.__subclasses__():
            yield child
            yield from subclasses(child)

    ours = [c for c in subclasses(CrossroadsError) if c.__module__.startswith("crossroads.")]
    assert len(ours) >= 7
    tree = diagnostics.__doc__ or ""
    missing = [f"{c.__module__}.{c.__name__}" for c in ours if f" {c.__name__} " not in tree]
    assert missing == []


@pytest.mark.parametrize("story", ["first-week", "first-week.yaml"])
def test_check_takes_a_shipped_story_id(story: str) -> None:
    out = _crossroads("check", story, "--json")
    assert out.returncode == 0, out.stderr
    [checked] = json.loads(out.stdout)["files"]
    assert Path(checked["path"]).name == "first-week.yaml" and checked["story"] == "first-week"


def test_an_os_error_that_escapes_a_command_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The boundary's last resort: an OSError no command translated (none should escape)."""
    from crossroads.tui.commands import stats

    def fails(args: argparse.Namespace) -> int:
        raise PermissionError(13, "Permission denied", "/some/file")

    monkeypatch.setattr(stats, "run", fails)  # register() reads it when main() builds the parser
    assert cli.main(["stats", "first-week"]) == 1
    assert capsys.readouterr().err == "/some/file: permission denied\n"


def test_a_reader_that_goes_away_gets_silence_not_a_traceback(tmp_path: Path) -> None:
    """``crossroads play first-week --plain | head -3``: once the reader has gone, the player
    stops quietly (no "Exception ignored … BrokenPipeError" when Python flushes at exit)."""
    env = {**os.environ, "CROSSROADS_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crossroads", "play", "first-week", "--plain", "--as", "kim"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    seen = b""
    while b"Your choice" not in seen:
        chunk = proc.stdout.read1(4096)
        assert chunk, proc.stderr.read().decode()
        seen += chunk
    proc.stdout.close()  # the reader goes away; the next scene has nowhere to go
    proc.stdin.write(b"1\n")
    proc.stdin.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "Exception ignored" not in err, err
