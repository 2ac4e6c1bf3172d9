"""A codebook file: the themes a facilitator expects, ``id: description`` one a line.

::

    # lines starting with # are comments
    caring: Looking after family alongside work - children, a sick parent, school
    voice: Speaking up or staying silent - raising a concern, disagreeing with a boss

The description's first clause (before `` - ``, ``:`` or ``(``) names the theme; all of it, with
the id, is what reflections are coded against, so a few everyday words for the theme help.
A story's own codebook (``reflect: {themes: {id: description}}``) is the same mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from crossroads.engine.diagnostics import UsageError

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def parse_codebook(text: str, where: str = "codebook") -> dict[str, str]:
    """``{id: description}`` from the lines of ``text``.

    Raises:
        UsageError: a line that is not ``id: description``, naming ``where`` and the line.
    """
    book: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        cid, colon, description = stripped.partition(":")
        cid, description = cid.strip().strip("'\""), description.strip().strip("'\"")
        if not colon or not _ID.fullmatch(cid) or not description:
            raise UsageError(f"{where}:{number}:1: expected 'id: description' "
                             f"(an id of letters, digits, - _ or .), got {stripped[:40]!r}")
        if cid in book:
            raise UsageError(f"{where}:{number}:1: code {cid!r} is given twice")
        book[cid] = description
    if not book:
        raise UsageError(f"{where}: no codes in it (write 'id: description', one a line)")
    return book


def load_codebook(path: str | Path) -> dict[str, str]:
    """Read and parse a codebook file (a missing or unreadable file is a one-line error)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the codebook ({exc.__class__.__name__}: "
                         f"{getattr(exc, 'strerror', None) or exc})") from None
    return parse_codebook(text, str(path))


class _HasReflect(Protocol):
    @property
    def reflect(self) -> Any: ...


class _SceneLike(_HasReflect, Protocol):
    @property
    def choices(self) -> Sequence[Any]: ...


class _StoryLike(Protocol):
    @property
    def scenes(self) -> Mapping[str, Any]: ...


def story_codebooks(story: _StoryLike) -> dict[str, dict[str, str]]:
    """Prompt id → the themes its authors declared (``reflect: {themes: …}``), for every
    reflection prompt of ``story`` (a :class:`~crossroads.engine.model.Story` or a
    :class:`~crossroads.engine.playable.PlayStory`) that declares some."""
    out: dict[str, dict[str, str]] = {}
    for prompt in _prompts(story):
        if prompt.themes and prompt.id not in out:
            out[prompt.id] = dict(prompt.themes)
    return out


def prompt_ids(story: _StoryLike) -> list[str]:
    """The ids of every reflection prompt of ``story``, each once, in scene order."""
    seen: dict[str, None] = {}
    for prompt in _prompts(story):
        seen.setdefault(prompt.id, None)
    return list(seen)


def _prompts(story: _StoryLike) -> list[Any]:
    found = []
    for scene in story.scenes.values():
        if scene.reflect is not None:
            found.append(scene.reflect)
        for choice in scene.choices:
            if choice.reflect is not None:
                found.append(choice.reflect)
    return found
