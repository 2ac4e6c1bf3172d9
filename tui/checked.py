"""Load a story for playing, validated — remembering which exact files already passed.

``crossroads play`` refuses a story with errors, printing what ``crossroads check`` prints. Full
validation (YAML parsing with positions, pydantic, the scene graph) costs more start-up time than
everything else the player does; so once a file's exact bytes have validated without errors, the
validated story is cached under the data folder — as its pydantic dump and content hash, in a file
named after those bytes' hash and the validating code's version — and the next start builds the
plain form the player plays (:class:`~crossroads.engine.playable.PlayStory`) from that dump,
importing neither the YAML parser, the validator nor pydantic.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.engine.paths import data_dir
from crossroads.engine.playable import PlayStory
from crossroads.engine.worlds import world_bytes

if TYPE_CHECKING:
    from crossroads.engine.check import FileReport
    from crossroads.engine.model import Story

_ENGINE = Path(__file__).resolve().parent.parent / "engine"
_VALIDATING = ("validate.py", "loader.py", "model.py", "expressions.py", "templates.py",
               "sourcemap.py", "check.py", "diagnostics.py", "playable.py", "worlds.py")


def _engine_stamp() -> bytes:
    parts = []
    for name in _VALIDATING:
        try:
            st = (_ENGINE / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts).encode()


def _marker(data: bytes, path: Path | None = None) -> Path:
    # a story that names a world validated together with the world file's bytes
    world = world_bytes(data, path) if path is not None and b"world:" in data else b""
    key = hashlib.sha256(_engine_stamp() + b"\0" + data + b"\0" + world).hexdigest()[:32]
    return data_dir() / "cache" / "checked" / key


def cached_story(path: Path) -> PlayStory | None:
    """The story in ``path``, ready to play, if these exact bytes already validated without
    errors; else None. Nothing is parsed or validated: the story is rebuilt from the cache.
    """
    try:
        entry = json.loads(_marker(path.read_bytes(), path).read_text(encoding="utf-8"))
        return PlayStory.from_data(entry["story"], entry["hash"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not cached (or an unreadable cache entry): validate


def _remember(data: bytes, path: Path, story: Story) -> None:
    marker = _marker(data, path)
    entry = {"hash": story.content_hash,
             "story": story.model_dump(mode="json", by_alias=True, exclude_unset=True)}
    tmp = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, marker)
    except OSError:  # a read-only data folder only costs start-up time
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def check_story_file(path: Path) -> FileReport:
    """Load and validate ``path`` fully (what ``crossroads check`` does)."""
    from crossroads.engine.check import check_story_file as check

    return check(path)


def check_and_remember(path: Path) -> FileReport:
    """Validate ``path`` fully; when it has no errors, remember its exact bytes as checked, so
    :func:`cached_story` finds it next time."""
    try:
        data = path.read_bytes()
    except OSError:
        return check_story_file(path)
    report = check_story_file(path)
    if report.story is not None and not report.errors:
        try:
            unchanged = path.read_bytes() == data
        except OSError:
            unchanged = False
        if unchanged:  # the cache must hold what these very bytes validated to
            _remember(data, path, report.story)
    return report
