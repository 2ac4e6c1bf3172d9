"""Where Crossroads keeps a learner's data: the platform's user-data directory.

``CROSSROADS_HOME`` overrides it (tests and shared machines use this).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def data_dir() -> Path:
    """Return (and create) the folder for saves and the default story bank."""
    override = os.environ.get("CROSSROADS_HOME")
    path = Path(override) if override else user_data_path("crossroads", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def stories_dir() -> Path:
    """Return the shipped stories folder (``stories/`` next to the packages)."""
    return Path(__file__).resolve().parent.parent / "stories"
