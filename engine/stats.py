"""Numbers about a story: size, reading time, and how many distinct routes lead to each ending.

* **words**: the words of every passage, with ``{…}`` markup removed and every ``{if}`` branch
  counted (what an author wrote, not what one learner reads).
* **reading minutes**: words read along a playthrough (the passages of the scenes visited, at
  :data:`WORDS_PER_MINUTE`), over :data:`SAMPLE_RUNS` seeded random playthroughs under the story's
  rules: the shortest, the average and the longest of them.
* **paths to each ending**: the number of distinct routes (sequences of choices; two choices
  between the same scenes are two routes) through the scene graph from the start, counted on its
  condensation (every loop collapsed to one node, so going round a loop is not a new route), and
  regardless of conditions. Counting simple paths directly explodes; this never enumerates any.
  Counts saturate above :data:`MANY_ROUTES` (10^30) and print as "more than 10^30"
  (:func:`format_routes`), so a story of thousands of two-way forks prints like any other.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

from crossroads.engine.explore.playtest import iter_runs
from crossroads.engine.lenient import playable
from crossroads.engine.model import Story
from crossroads.engine.scene_graph import scene_graph

WORDS_PER_MINUTE = 200
SAMPLE_RUNS = 200
N = TypeVar("N", bound=Hashable)
_TAG = re.compile(r"\{[^{}\n]*\}")
#: Route counts above this are reported as "more than 10^30" (the count saturates at one more).
MANY_ROUTES = 10**30
MORE_THAN_MANY = f"more than 10^{len(str(MANY_ROUTES)) - 1}"


def format_routes(n: int) -> str:
    """A route count for people: ``1,024``, or ``more than 10^30`` past :data:`MANY_ROUTES`."""
    return MORE_THAN_MANY if n > MANY_ROUTES else f"{n:,}"


def words(text: str) -> int:
    """Words in a passage, with ``{…}`` markup removed."""
    return len(_TAG.sub(" ", text).split())


@dataclass
class StoryStats:
    """Size, reading time and route counts of one story."""

    story: str
    title: str
    scenes: int
    words: int
    choices: int
    reflections: int
    checkins: int
    points_of_view: list[str]
    endings: dict[str, list[str]]
    """Ending kind → ending scene ids."""
    reading_minutes: dict[str, float]
    """``shortest``, ``average`` and ``longest`` over the sampled playthroughs."""
    paths: dict[str, int]
    """Ending scene id → number of routes from the start (on the condensation)."""
    cyclic: bool
    """True when the scene graph has loops (routes are then counted with loops collapsed)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "story": self.story,
            "title": self.title,
            "scenes": self.scenes,
            "words": self.words,
            "choices": self.choices,
            "reflections": self.reflections,
            "checkins": self.checkins,
            "points_of_view": self.points_of_view,
            "endings": self.endings,
            "reading_minutes": self.reading_minutes,
            "words_per_minute": WORDS_PER_MINUTE,
            "sample_runs": SAMPLE_RUNS,
            "paths": {
                sid: (n if n <= MANY_ROUTES else MORE_THAN_MANY) for sid, n in self.paths.items()
            },
            "paths_counted_on": "condensation" if self.cyclic else "scene graph",
            "cyclic": self.cyclic,
        }


def count_paths(
    g: nx.DiGraph, start: N, targets: list[N], weight: dict[tuple[N, N], int] | None = None
) -> tuple[dict[N, int], bool]:
    """Routes from ``start`` to each target, counted on the condensation of ``g``.

    Args:
        g: the graph.
        start: where routes begin.
        targets: where they may end.
        weight: how many parallel edges (choices) each edge stands for (default 1).

    Returns:
        (target → count, whether ``g`` has a cycle); a count above :data:`MANY_ROUTES` is
        ``MANY_ROUTES + 1``.
    """
    cond = nx.condensation(g)
    mapping: dict[N, int] = cond.graph["mapping"]
    cyclic = any(len(cond.nodes[c]["members"]) > 1 for c in cond) or any(
        g.has_edge(n, n) for n in g
    )
    between: dict[tuple[int, int], int] = {}
    for a, b in g.edges:
        ca, cb = mapping[a], mapping[b]
        if ca != cb:
            between[(ca, cb)] = between.get((ca, cb), 0) + (weight or {}).get((a, b), 1)
    ways: dict[int, int] = {c: 0 for c in cond}
    ways[mapping[start]] = 1
    cap = MANY_ROUTES + 1
    for c in nx.topological_sort(cond):
        if ways[c]:
            for d in cond.successors(c):
                ways[d] = min(ways[d] + ways[c] * between[(c, d)], cap)
    return {t: ways[mapping[t]] for t in targets}, cyclic


def story_stats(story: Story, runs: int = SAMPLE_RUNS) -> StoryStats:
    """Compute :class:`StoryStats` for a story that loaded; the numbers cover what can be played
    when its scene graph has errors (a choice to a missing scene is never taken, an unreachable
    scene is never read; see :func:`crossroads.engine.lenient.playable`)."""
    per_scene = {sid: words(scene.text) for sid, scene in story.scenes.items()}
    endings: dict[str, list[str]] = {"good": [], "mixed": [], "hard": []}
    for sid, scene in story.scenes.items():
        if scene.ending is not None:
            endings[scene.ending.kind].append(sid)
    povs = sorted({p for p in (story.pov_of(sid) for sid in story.scenes) if p})
    minutes: dict[str, float] = {"shortest": 0.0, "average": 0.0, "longest": 0.0}
    if runs:
        sampled = iter_runs(playable(story), runs, "stats")
        read = [sum(per_scene[s] for s in run.scenes) for run in sampled]
        minutes = {
            "shortest": round(min(read) / WORDS_PER_MINUTE, 1),
            "average": round(sum(read) / len(read) / WORDS_PER_MINUTE, 1),
            "longest": round(max(read) / WORDS_PER_MINUTE, 1),
        }
    all_endings = [sid for kind in endings.values() for sid in kind]
    weight: dict[tuple[str, str], int] = {}
    for sid, scene in story.scenes.items():
        for to in [c.to for c in scene.choices] + ([scene.next] if scene.next else []):
            if to in story.scenes:
                weight[(sid, to)] = weight.get((sid, to), 0) + 1
    paths, cyclic = count_paths(scene_graph(story), story.start, all_endings, weight)
    return StoryStats(
        story=story.id,
        title=story.title,
        scenes=len(story.scenes),
        words=sum(per_scene.values()),
        choices=sum(len(s.choices) for s in story.scenes.values()),
        reflections=sum(1 for s in story.scenes.values() if s.reflect is not None)
        + sum(1 for s in story.scenes.values() for c in s.choices if c.reflect is not None),
        checkins=sum(1 for s in story.scenes.values() if s.checkin),
        points_of_view=povs,
        endings=endings,
        reading_minutes=minutes,
        paths=paths,
        cyclic=cyclic,
    )
