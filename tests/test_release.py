"""The release: a wheel built from this checkout installs one top-level package and plays.

The wheel is built without build isolation (setuptools is already here; CI has no reason to fetch
it twice) and installed with ``pip install --target`` into an empty folder, which is put first on
``PYTHONPATH`` of a process started outside the checkout: whatever that process imports of
``crossroads`` comes from the wheel, never from the checkout (the test asserts so).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import crossroads
from tests.plain_keyboard import play_at_keyboard
from tests.tui.helpers import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once for this module, from a copy of the files git tracks."""
    out, src = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("src")
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):  # a clean copy: no build/ left over from another build
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name, follow_symlinks=False)
    done = subprocess.run(
        [sys.executable, "-m", "build", "-w", "-n", "-o", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (built,) = out.glob("crossroads-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed (without its dependencies, which this interpreter has) in a folder."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return target


def _run(site: Path, args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "CROSSROADS_HOME": str(home)}
    env.pop("CROSSROADS_BANK", None)
    return subprocess.run([sys.executable, *args], input="", capture_output=True, text=True,
                          cwd=home, env=env, timeout=120)


def test_wheel_has_one_top_level_package_and_the_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"crossroads"}
    assert "crossroads/stories/first-week.yaml" in names
    assert "crossroads/schema/story.schema.json" in names
    assert "crossroads/tui/app.tcss" in names
    assert "crossroads/tui/locale/es/LC_MESSAGES/crossroads.mo" in names  # the UI in Spanish
    assert "crossroads/stories/locale/es/first-week.po" in names  # First Week in Spanish
    assert not any(n.startswith(("crossroads/devtools", "devtools/", "tests/")) for n in names)


def test_installed_wheel_prints_its_version(installed: Path, tmp_path: Path) -> None:
    done = _run(installed, ["-m", "crossroads", "--version"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"crossroads {crossroads.__version__}"


def test_installed_wheel_plays_first_week_to_an_ending(installed: Path, tmp_path: Path) -> None:
    where = _run(installed, ["-c", "import crossroads.engine.paths as p, crossroads.tui.app as a;"
                             "print(p.__file__); print(a.__file__); print(p.stories_dir())"],
                 tmp_path)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert Path(line).resolve().is_relative_to(installed.resolve()), line
    code, transcript, err = _play_interactively(installed, tmp_path)
    assert code == 0, err
    assert "THE END" in transcript
    assert "Traceback" not in err


def _answer(tail: str, state: dict[str, int]) -> str | None:
    """What a learner types at the prompt that ``tail`` (the last line, a whole prompt) shows."""
    if tail.startswith("Your choice"):
        return "1"
    if tail.startswith("> "):  # a reflection: one line of story, then an empty line ends it
        state["lines"] += 1
        return "The week I moved teams, nobody told me why." if state["lines"] % 2 else ""
    if tail.endswith("(1-5): "):
        return "3"
    if tail.startswith(("Who may read it?", "Share it anonymously?", "Read others'")):
        return ""
    return None


def _play_interactively(site: Path, home: Path) -> tuple[int, str, str]:
    """Play first-week in ``--plain`` the way a person at the keyboard would: read each prompt,
    then answer it (choices: always the first; reflections: one line, kept private)."""
    env = {**os.environ, "PYTHONPATH": str(site), "CROSSROADS_HOME": str(home)}
    env.pop("CROSSROADS_BANK", None)
    state = {"lines": 0}
    return play_at_keyboard(
        [sys.executable, "-m", "crossroads", "play", "first-week", "--plain", "--as", "kim"],
        lambda tail, _: _answer(tail, state), cwd=home, env=env)
