"""Shared fixtures: every test gets its own Crossroads data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg import fresh_schema, own_cluster

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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema (dropped after the test)."""
    yield from fresh_schema()


@pytest.fixture
def pg_bank_url(pg_url: str) -> str:
    """The same as ``pg_url`` (the server tests' name for it)."""
    return pg_url


@pytest.fixture
def cluster() -> Iterator[Any]:
    """A PostgreSQL cluster of the test's own, to stop and start under the code under test."""
    yield from own_cluster()


@pytest.fixture(autouse=True)
def english_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's own strings in English (whatever the machine's locale), in this process and
    in the commands a test starts; a test of another language sets CROSSROADS_LANG itself."""
    from crossroads.tui.i18n import set_ui_language

    monkeypatch.setenv("CROSSROADS_LANG", "en")
    set_ui_language(None)
