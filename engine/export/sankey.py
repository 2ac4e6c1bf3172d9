"""The flow of choices as one small chart per decision, readable on a 1280-px page.

One giant diagram of every scene squeezed into a page leaves its labels a few pixels high. Here
each scene where learners chose gets its own chart, drawn at its natural size (no scaling): the
scene on the left, one band per choice to the right, as thick as the share of learners who took
it, each labelled with the choice, where it led and how many learners took it (a learner who
came back to the scene counts once; the times it was chosen are said when they differ). Scene
titles that repeat in a story are told apart by their id.

This module only computes the geometry; the template (``templates/report.html.j2``) draws it,
escaping every label. Each band is a ``<path class="flow">`` so a browser test can count them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crossroads.engine.cohort.model import CohortReport, SceneSplit

WIDTH = 760
NODE_W = 10
LEFT = 8
RIGHT = 250
LABEL_X = RIGHT + NODE_W + 10
ROW = 48
TOP = 8
MAX_BAND = 30.0
MIN_BAND = 3.0
LABEL_PX = 14
DETAIL_PX = 12
LABEL_CHARS = 60


@dataclass(frozen=True, slots=True)
class Band:
    """One choice at a decision: its band (if anyone took it) and its label."""

    label: str
    short: str
    """The label cut to fit (the whole one is the tooltip)."""
    detail: str
    """Where it led and how many took it."""
    learners: int
    times: int
    target: str
    y: float
    thickness: float
    left_y: float
    path: str
    """The band's SVG path (empty when nobody took the choice)."""


@dataclass(frozen=True, slots=True)
class DecisionChart:
    """One decision: the scene, the split, where paths parted, and its chart's geometry."""

    scene: str
    title: str
    learners: int
    parted: int
    """Pairs of playthroughs whose choices first differed here."""
    withheld: bool
    width: int
    height: int
    node_y: float
    node_h: float
    bands: tuple[Band, ...]
    label_px: int = LABEL_PX
    detail_px: int = DETAIL_PX


def display_titles(titles: Mapping[str, str]) -> dict[str, str]:
    """Scene titles, a repeated one followed by its scene id so that each is told apart."""
    seen: dict[str, int] = {}
    for title in titles.values():
        seen[title] = seen.get(title, 0) + 1
    return {sid: f"{t} ({sid})" if seen[t] > 1 else t for sid, t in titles.items()}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def decision_chart(split: SceneSplit, titles: Mapping[str, str], parted: int) -> DecisionChart:
    """The chart of one decision (``titles``: scene id → the title to show)."""
    choices = list(split.choices)
    rows = max(1, len(choices))
    height = TOP * 2 + ROW * rows
    title = titles.get(split.scene, split.title)
    if split.withheld:
        return DecisionChart(split.scene, title, split.learners, parted, True, WIDTH, 0, 0, 0, ())
    takers = [c.learners if c.learners is not None else (c.count or 0) for c in choices]
    most = max(takers, default=0) or 1
    thick = [MIN_BAND + (MAX_BAND - MIN_BAND) * n / most if c.count else 0.0
             for c, n in zip(choices, takers, strict=True)]
    total = sum(thick)
    node_y = height / 2 - total / 2
    used = 0.0
    bands = []
    for k, (c, t) in enumerate(zip(choices, thick, strict=True)):
        y = TOP + ROW * k + ROW / 2
        left_y = node_y + used + t / 2
        used += t
        x0, x1 = LEFT + NODE_W, RIGHT
        mid = (x0 + x1) / 2
        path = (f"M{x0},{left_y:.1f} C{mid:.1f},{left_y:.1f} {mid:.1f},{y:.1f} {x1},{y:.1f}"
                if c.count else "")
        learners = c.learners if c.learners is not None else (c.count or 0)
        times = c.count or 0
        target = titles.get(c.to, c.to)
        who = _plural(learners, "learner") if times else "nobody"
        if times > learners:
            who += f", chosen {_plural(times, 'time')}"
        bands.append(Band(c.label, _cut(c.label), _cut(f"→ {target} · {who}", 80), learners,
                          times, c.to, y, t, left_y, path))
    return DecisionChart(split.scene, title, split.learners, parted, False, WIDTH, height,
                         node_y, total, tuple(bands))


def decision_charts(report: CohortReport, titles: Mapping[str, str]) -> list[DecisionChart]:
    """A chart for every scene where someone chose, in story order."""
    parted = {s.scene: s.pairs for s in report.splits}
    return [decision_chart(s, titles, parted.get(s.scene, 0)) for s in report.scenes
            if s.learners]
