"""Load a story for playing, validated — remembering which exact files already passed.

``crossroads play`` refuses a story with errors, printing what ``crossroads check`` prints. Full
validation builds the scene graph with networkx, which costs more start-up time than everything
else the player does; so once a file's exact bytes have validated without errors, a marker named
after their hash (and the validating code's version) is kept under the data folder, and the next
start only loads the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.check import FileReport, check_story_file
from engine.diagnostics import StoryError
from engine.loader import load_path
from engine.paths import data_dir

_ENGINE = Path(__file__).resolve().parent.parent / "engine"
_VALIDATING = ("validate.py", "loader.py", "model.py", "expressions.py", "templates.py",
               "sourcemap.py", "check.py", "diagnostics.py")


def _engine_stamp() -> bytes:
    parts = []
    for name in _VALIDATING:
        try:
            st = (_ENGINE / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts).encode()


def _marker(data: bytes) -> Path:
    key = hashlib.sha256(_engine_stamp() + b"\0" + data).hexdigest()[:32]
    return data_dir() / "cache" / "checked" / key


def check_for_play(path: Path) -> FileReport:
    """Load ``path``; validate it unless these exact bytes already validated without errors."""
    try:
        marker = _marker(path.read_bytes())
    except OSError:
        return check_story_file(path)
    if marker.exists():
        try:
            return FileReport(path, load_path(path))
        except StoryError:
            pass  # changed under us: check properly below
    report = check_story_file(path)
    if report.story is not None and not report.errors:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only data folder only costs start-up time
    return report
