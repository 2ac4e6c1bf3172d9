"""Shared worlds: ``world: NAME`` in a story reads ``worlds/NAME.yaml`` next to it (or among the
shipped stories), whose cast, places and facts the story then uses.

A world file is loaded like a story (positions kept, the same refusals), validated against
:class:`~crossroads.engine.model.World`, and merged into the story's data before the story itself
is validated: a story may add cast members, places and facts, never redefine the world's
(CR421, at the story's key, naming the world file's line). Problems inside the world file are
reported at their own line in that file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossroads.engine.diagnostics import Diagnostic, StoryError

if TYPE_CHECKING:  # the player's fast start (tui.checked) imports this module without pydantic
    from crossroads.engine.model import World
    from crossroads.engine.sourcemap import SourceMap

#: The folder of world files, inside a folder of stories.
WORLDS = "worlds"
_WORLD_LINE = re.compile(rb"^world:[ \t]*['\"]?([A-Za-z0-9_][A-Za-z0-9_.-]*)", re.MULTILINE)
_SHARED = ("cast", "places", "facts")


def world_dirs(story_file: str | Path) -> list[Path]:
    """Where a story's world is looked for: ``worlds/`` beside the story, then the shipped
    stories' ``worlds/``."""
    from crossroads.engine.paths import stories_dir

    here = Path(story_file).parent / WORLDS
    shipped = stories_dir() / WORLDS
    return [here] if here.resolve() == shipped.resolve() else [here, shipped]


def find_world(name: str, story_file: str | Path) -> Path | None:
    """The world file named ``name`` for a story at ``story_file`` (None when there is none)."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    for folder in world_dirs(story_file):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def world_bytes(story_bytes: bytes, story_file: str | Path) -> bytes:
    """The bytes of the world file a story's bytes name (b'' when none): part of what a story
    validated to, so caches keyed on a story's bytes must include them."""
    match = _WORLD_LINE.search(story_bytes)
    if match is None:
        return b""
    found = find_world(match.group(1).decode(), story_file)
    if found is None:
        return b""
    try:
        return found.read_bytes()
    except OSError:
        return b""


def merge_world(
    data: dict[str, Any],
    smap: SourceMap,
    story_file: str,
    load_world: Callable[[Path], tuple[World, SourceMap]],
) -> tuple[SourceMap | None, list[Diagnostic]]:
    """Add the world a story's ``data`` names to it (in place), before validation.

    ``load_world`` loads and validates a world file (the loader's), raising
    :class:`StoryError` positioned in that file.

    Returns:
        The world's source map (None without a world) and the problems found: the world cannot
        be found (CR420) or does not load (its own diagnostics), or the story redefines what the
        world defines (CR421).
    """
    name = data.get("world")
    if not isinstance(name, str):
        return None, []
    found = find_world(name, story_file)
    if found is None:
        where = " or ".join(str(d / f"{name}.yaml") for d in world_dirs(story_file))
        return None, [
            Diagnostic("CR420", "error", f"world {name!r} not found (looked for {where})",
                       story_file, *smap.value(("world",)),
                       f"create {WORLDS}/{name}.yaml beside the story, or fix the name")
        ]
    try:
        world, wmap = load_world(found)
    except StoryError as err:
        return None, err.diagnostics
    problems: list[Diagnostic] = []
    for part in _SHARED:
        mine = data.get(part)
        theirs = getattr(world, part)
        if not theirs:
            continue
        if mine is None:
            mine = {}
        if not isinstance(mine, dict):
            continue  # validation reports the wrong type
        for key in mine:
            if key in theirs:
                wline, _ = wmap.key((part, key))
                problems.append(
                    Diagnostic(
                        "CR421", "error",
                        f"{part}: {key!r} is already defined by the world {name!r} "
                        f"({found}:{wline})",
                        story_file, *smap.key((part, key)),
                        f"remove it here and use the world's, or change it in {found.name}",
                    )
                )
        dumped = {k: (v.model_dump(exclude_unset=True) if part != "facts" else v)
                  for k, v in theirs.items()}
        data[part] = {**dumped, **{k: v for k, v in mine.items() if k not in theirs}}
    return wmap, problems
