"""Shared fixtures: every test gets its own Crossroads data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "stories"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def crossroads_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CROSSROADS_HOME (saves, default bank) at a fresh temporary folder."""
    home = tmp_path / "crossroads-home"
    home.mkdir()
    monkeypatch.setenv("CROSSROADS_HOME", str(home))
    monkeypatch.delenv("CROSSROADS_BANK", raising=False)
    return home


@pytest.fixture(autouse=True)
def english_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's own strings in English (whatever the machine's locale), in this process and
    in the commands a test starts; a test of another language sets CROSSROADS_LANG itself."""
    from crossroads.tui.i18n import set_ui_language

    monkeypatch.setenv("CROSSROADS_LANG", "en")
    set_ui_language(None)
