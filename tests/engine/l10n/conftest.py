"""A small story with a world and a tiny Spanish translation, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def kettle(tmp_path: Path) -> Path:
    """A writable copy of the fixture story (with its world and ``locale/es/kettle.po``)."""
    shutil.copytree(FIXTURES, tmp_path / "stories")
    return tmp_path / "stories" / "kettle.yaml"
