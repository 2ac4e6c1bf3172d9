"""Seeded random playthroughs: coverage of scenes and choices, and exact replays.

Run ``k`` of a playtest seeded ``S`` draws from ``random.Random(f"{S}:{k}")`` alone, choosing
uniformly among the options a learner would have (the runtime's rules, through the same compiled
conditions and effects), so without ``prefer_new`` it makes exactly the choices
:meth:`crossroads.engine.runtime.Session.random_walk` makes with that generator. With
``prefer_new`` a run
picks among options no earlier step of the playtest has taken, when there are any; replaying
run ``k`` then replays runs ``0..k-1`` first (quickly) to know what they took.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from random import Random
from typing import Literal

from crossroads.engine.explore.compiled import compile_story
from crossroads.engine.explore.form import Compiled, View
from crossroads.engine.explore.result import Progress
from crossroads.engine.model import Story

Outcome = Literal["ending", "stuck", "cut"]
DEFAULT_MAX_STEPS = 1_000


@dataclass(frozen=True, slots=True)
class Run:
    """One playthrough."""

    index: int
    choices: tuple[int, ...]
    """Option indices taken (``-1`` = Continue), as :meth:`Session.replay` takes them."""
    scenes: tuple[str, ...]
    """Scenes visited, starting with the start scene."""
    outcome: Outcome
    """``ending``, ``stuck`` (no way on) or ``cut`` (stopped after ``max_steps``)."""

    @property
    def ending(self) -> str | None:
        """The ending scene reached, if any."""
        return self.scenes[-1] if self.outcome == "ending" else None


@dataclass
class PlaytestReport:
    """Coverage over many seeded playthroughs."""

    story: Story
    runs: int
    seed: str
    prefer_new: bool
    max_steps: int
    seconds: float = 0.0
    steps: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    scene_visits: Counter[str] = field(default_factory=Counter)
    choices_taken: Counter[tuple[str, int]] = field(default_factory=Counter)
    first_stuck: int | None = None
    """Index of the first run that got stuck (to replay), if any."""

    def never_reached(self) -> list[str]:
        """Scenes no run visited, in story order."""
        return [sid for sid in self.story.scenes if sid not in self.scene_visits]

    def never_taken(self) -> list[tuple[str, int]]:
        """Choices (scene, index) no run took, in story order."""
        return [
            (sid, i)
            for sid, scene in self.story.scenes.items()
            for i in range(len(scene.choices))
            if (sid, i) not in self.choices_taken
        ]

    @property
    def total_choices(self) -> int:
        """Number of choices in the story."""
        return sum(len(s.choices) for s in self.story.scenes.values())


def _play(
    c: Compiled, index: int, rng: Random, max_steps: int, taken: set[tuple[int, int]] | None
) -> Run:
    story = c.story
    meters = {m: spec.initial for m, spec in story.meters.items()}
    flags: set[str] = set()
    k = c.initial[0]
    visits = {c.scenes[k].id: 1}
    view = View(meters, flags, visits)
    once = 0
    chosen: list[int] = []
    scenes = [c.scenes[k].id]
    scenes_info = c.scenes
    outcome: Outcome = "cut"
    while True:
        info = scenes_info[k]
        if info.ending:
            outcome = "ending"
            break
        if len(chosen) >= max_steps:
            break
        offered = [
            o for o in info.choices
            if not (o.once_bit and once & o.once_bit) and (o.cond is None or o.cond(view))
        ]
        if not offered:
            if info.cont is None:
                outcome = "stuck"
                break
            offered.append(info.cont)
        if taken is not None:
            fresh = [o for o in offered if (k, o.index) not in taken]
            opt = rng.choice(fresh or offered)
            taken.add((k, opt.index))
        else:
            opt = rng.choice(offered)
        for m, op, amount, lo, hi in opt.effects:
            v = amount if op == "=" else meters[m] + amount
            meters[m] = lo if v < lo else hi if v > hi else v
        if opt.set_names:
            flags |= opt.set_names
        if opt.clear_names:
            flags -= opt.clear_names
        once |= opt.once_bit
        k = opt.to
        visits[opt.to_id] = visits.get(opt.to_id, 0) + 1
        chosen.append(opt.index)
        scenes.append(opt.to_id)
    return Run(index, tuple(chosen), tuple(scenes), outcome)


def _rng(seed: str | int, k: int) -> Random:
    return Random(f"{seed}:{k}")


def iter_runs(
    story: Story,
    runs: int,
    seed: str | int = 0,
    *,
    prefer_new: bool = False,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> Iterator[Run]:
    """Yield runs ``0..runs-1`` of a playtest (see :func:`playtest`)."""
    c = compile_story(story)
    taken: set[tuple[int, int]] | None = set() if prefer_new else None
    for k in range(runs):
        yield _play(c, k, _rng(seed, k), max_steps, taken)


def playtest(
    story: Story,
    runs: int,
    seed: str | int = 0,
    *,
    prefer_new: bool = False,
    max_steps: int = DEFAULT_MAX_STEPS,
    progress: Progress | None = None,
) -> PlaytestReport:
    """Play ``runs`` seeded random playthroughs of a validated story and count coverage.

    Args:
        story: a story that passed validation.
        runs: how many playthroughs.
        seed: the playtest seed; run ``k`` uses ``random.Random(f"{seed}:{k}")``.
        prefer_new: prefer options no earlier step of this playtest has taken.
        max_steps: stop a run after this many steps (a story may loop).
        progress: called now and then with (runs done, runs).
    """
    began = time.perf_counter()
    report = PlaytestReport(story, runs, str(seed), prefer_new, max_steps)
    visits: Counter[str] = Counter()
    choices: Counter[tuple[str, int]] = Counter()
    for k, run in enumerate(
        iter_runs(story, runs, seed, prefer_new=prefer_new, max_steps=max_steps)
    ):
        report.outcomes[run.outcome] += 1
        if run.outcome == "ending":
            report.endings[run.scenes[-1]] += 1
        elif run.outcome == "stuck" and report.first_stuck is None:
            report.first_stuck = k
        visits.update(run.scenes)
        choices.update(zip(run.scenes, run.choices, strict=False))
        report.steps += len(run.choices)
        if progress is not None and not (k + 1) & 0xFF:
            progress(k + 1, runs)
    report.scene_visits = visits
    report.choices_taken = Counter({key: n for key, n in choices.items() if key[1] >= 0})
    report.seconds = time.perf_counter() - began
    return report


def replay_run(
    story: Story,
    seed: str | int,
    k: int,
    *,
    prefer_new: bool = False,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> Run:
    """Reproduce run ``k`` of a playtest seeded ``seed`` exactly."""
    c = compile_story(story)
    taken: set[tuple[int, int]] | None = None
    if prefer_new:
        taken = set()
        for j in range(k):
            _play(c, j, _rng(seed, j), max_steps, taken)
    return _play(c, k, _rng(seed, k), max_steps, taken)
