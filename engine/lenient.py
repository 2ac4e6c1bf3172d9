"""Stories with errors, for the commands that can still show something useful about them.

``crossroads check`` says what is wrong with a story; ``graph``, ``stats`` and ``playtest`` help to
see why, so they work on any story that loads (:func:`load_lenient`), errors and all:

* ``graph`` draws every story that loads, marking the problems :func:`graph_problems` finds
  (missing scenes, unreachable scenes, dead ends).
* ``stats`` and ``playtest`` step through the story, which needs a start scene and conditions and
  effects that compile: they run despite the errors in :data:`GRAPH_CODES` (the shape of the
  graph), on :func:`playable`'s copy of the story, and refuse the others
  (:func:`blocking_errors`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crossroads.engine.check import FileReport, check_story_file
from crossroads.engine.diagnostics import Diagnostic, StoryError
from crossroads.engine.model import Choice, Scene, Story

GRAPH_CODES = frozenset({"CR201", "CR203", "CR204", "CR205", "CR206", "CR208"})
"""Errors in the shape of the scene graph that a playthrough can meet without breaking the
engine: a missing ``to:``/``next:`` scene, an unreachable scene, a dead end, a loop with no way
out, an ending that goes on, no ending at all."""


def load_lenient(path: Path) -> FileReport:
    """Load and validate ``path``, keeping the story even when it has errors.

    Raises:
        StoryError: the file cannot be loaded at all (its diagnostics say why).
    """
    report = check_story_file(path)
    if report.story is None:
        raise StoryError(f"{path}: the story cannot be loaded", report.diagnostics)
    return report


def blocking_errors(report: FileReport) -> list[Diagnostic]:
    """The errors that stop a story from being stepped through (all but :data:`GRAPH_CODES`)."""
    return [d for d in report.diagnostics if d.severity == "error" and d.code not in GRAPH_CODES]


@dataclass(frozen=True)
class GraphProblems:
    """What is wrong with a story's scene graph, for drawing."""

    missing: dict[str, list[str]] = field(default_factory=dict)
    """Each scene id that a ``to:``, ``next:`` or ``start:`` names but no scene has → the scenes
    that lead there (``start:`` is listed as the empty string)."""
    unreachable: frozenset[str] = frozenset()
    """Scenes no path from the start scene reaches (all of them when the start is missing)."""
    dead_ends: frozenset[str] = frozenset()
    """Scenes with no choices, no ``next:`` and no ending."""

    def __bool__(self) -> bool:
        return bool(self.missing or self.unreachable or self.dead_ends)


def graph_problems(story: Story) -> GraphProblems:
    """Find the missing, unreachable and dead-end scenes of ``story`` (any loaded story)."""
    scenes = story.scenes
    missing: dict[str, list[str]] = {}
    if story.start not in scenes:
        missing[story.start] = [""]
    for sid, scene in scenes.items():
        targets = [c.to for c in scene.choices] + ([scene.next] if scene.next else [])
        for to in targets:
            if to not in scenes and sid not in missing.setdefault(to, []):
                missing[to].append(sid)
    seen: set[str] = set()
    stack = [story.start] if story.start in scenes else []
    while stack:
        sid = stack.pop()
        if sid in seen:
            continue
        seen.add(sid)
        scene = scenes[sid]
        stack.extend(c.to for c in scene.choices if c.to in scenes and c.to not in seen)
        if scene.next in scenes and scene.next not in seen:
            stack.append(scene.next)
    dead = frozenset(
        sid for sid, s in scenes.items() if s.ending is None and not s.choices and s.next is None
    )
    return GraphProblems(missing, frozenset(s for s in scenes if s not in seen), dead)


def playable(story: Story) -> Story:
    """``story``, or a copy the runtime can step through when some ``to:``/``next:`` names a
    missing scene: such a choice is never offered (its condition is ``false`` and it points back
    at its own scene) and such a ``next:`` is dropped, so a run that meets only these gets stuck
    there. Choice indices and source positions are unchanged; nothing else differs."""
    scenes = story.scenes
    if all(
        (s.next is None or s.next in scenes) and all(c.to in scenes for c in s.choices)
        for s in scenes.values()
    ):
        return story
    fixed: dict[str, Scene] = {}
    for sid, scene in scenes.items():
        choices: list[Choice] = [
            c if c.to in scenes else c.model_copy(update={"to": sid, "if_": "false"})
            for c in scene.choices
        ]
        nxt = scene.next if scene.next is None or scene.next in scenes else None
        fixed[sid] = scene.model_copy(update={"choices": choices, "next": nxt})
    copy = story.model_copy(update={"scenes": fixed})
    copy._derived = {}  # not the original's compiled caches
    copy.__dict__.pop("content_hash", None)
    return copy
