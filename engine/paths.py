"""Where Crossroads keeps a learner's data: the platform's user-data directory.

``CROSSROADS_HOME`` overrides it (tests and shared machines use this).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_path


def data_dir() -> Path:
    """Return (and create) the folder for saves and the default story bank."""
    override = os.environ.get("CROSSROADS_HOME")
    path = Path(override) if override else user_data_path("crossroads", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _package_data(name: str) -> Path:
    """A folder of package data inside the installed ``crossroads`` package."""
    return Path(str(files("crossroads").joinpath(name)))


def stories_dir() -> Path:
    """Return the shipped stories folder (package data of ``crossroads``)."""
    return _package_data("stories")


def schema_file() -> Path:
    """Return the shipped JSON Schema of the story format (package data of ``crossroads``)."""
    return _package_data("schema") / "story.schema.json"
