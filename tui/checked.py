"""Load a story for playing, validated — remembering which exact files already passed.

``crossroads play`` refuses a story with errors, printing what ``crossroads check`` prints. Full
validation (YAML parsing with positions, pydantic, the scene graph) costs more start-up time than
everything else the player does; so once a file's exact bytes have validated without errors, the
validated story is cached under the data folder — as its pydantic dump and content hash, in a file
named after those bytes' hash and the validating code's version — and the next start builds the
plain form the player plays (:class:`~crossroads.engine.playable.PlayStory`) from that dump,
importing neither the YAML parser, the validator nor pydantic. Entries are the user's alone (mode
0600) and the cache holds at most :data:`CACHE_LIMIT` bytes: past it, the least recently used
entries are removed.
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

CACHE_LIMIT = 64 * 1024 * 1024
"""The most the cache of checked stories holds, in bytes; the oldest entries go first."""
LIMIT_ENV = "CROSSROADS_CACHE_LIMIT"
"""Overrides :data:`CACHE_LIMIT` (bytes)."""

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
        marker = _marker(path.read_bytes(), path)
        entry = json.loads(marker.read_text(encoding="utf-8"))
        story = PlayStory.from_data(entry["story"], entry["hash"])
        with contextlib.suppress(OSError):
            os.utime(marker)  # used now: evicted last
        return story
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not cached (or an unreadable cache entry): validate


def _remember(data: bytes, path: Path, story: Story) -> None:
    marker = _marker(data, path)
    entry = {"hash": story.content_hash,
             "story": story.model_dump(mode="json", by_alias=True, exclude_unset=True)}
    tmp = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the user's alone
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False))
        os.replace(tmp, marker)
    except OSError:  # a read-only data folder only costs start-up time
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return
    evict(marker.parent, keep=marker)


def evict(folder: Path, limit: int | None = None, keep: Path | None = None) -> int:
    """Remove the oldest cache entries (by last use) until the folder holds at most ``limit``
    bytes (default :data:`CACHE_LIMIT`, or ``$CROSSROADS_CACHE_LIMIT``); ``keep`` goes last.
    Return how many were removed."""
    if limit is None:
        try:
            limit = int(os.environ.get(LIMIT_ENV, "") or CACHE_LIMIT)
        except ValueError:
            limit = CACHE_LIMIT
    entries: list[tuple[float, int, Path]] = []
    with contextlib.suppress(OSError):
        for item in os.scandir(folder):
            with contextlib.suppress(OSError):
                st = item.stat(follow_symlinks=False)
                entries.append((float("inf") if keep is not None and item.path == str(keep)
                                else st.st_mtime, st.st_size, Path(item.path)))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
        total -= size
    return removed


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
