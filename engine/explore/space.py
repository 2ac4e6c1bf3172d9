"""Exhaustive exploration of a story's reachable state space, with a sampling fallback.

A breadth-first search over projected states (see :mod:`engine.explore.compiled`), memoised in a
dict, so the first time a state is found is along a shortest path: witness paths are shortest.
When more than ``max_states`` distinct states turn up, the search stops and seeded random
playthroughs (preferring choices not yet taken) continue from the start; what they find is real,
what they miss is not proven impossible, and :attr:`ExploreResult.exhaustive` says so.

While it explores it records what the reports need: which scenes and choices were ever reached
or enabled, the range of every tracked number per scene, which flags were ever on or off per
scene, which branch of every ``{if}`` block showed, the states with no way on, and, for choices
that differ only in their meter effects, whether one was always at least as good as another.
"""

from __future__ import annotations

import itertools
import random
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.explore.compiled import (
    FIRST_NUMERIC,
    SLOT_FLAGS,
    SLOT_ONCE,
    Block,
    Compiled,
    Opt,
    View,
    compile_story,
)
from engine.explore.coverage import ReflectionCoverage, reflection_coverage
from engine.model import Story
from engine.runtime import CONTINUE
from engine.sourcemap import Path

#: Default bound on distinct states before exploration falls back to sampling.
DEFAULT_MAX_STATES = 200_000
#: Default number of sampled playthroughs when the bound is hit.
DEFAULT_SAMPLES = 2_000

Progress = Callable[[int, int | None], None]
"""A progress callback: ``(done, total or None)``."""

State = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WitnessStep:
    """One step of a witness path: at ``scene``, take option ``index`` (``-1`` = Continue)."""

    scene: str
    index: int
    key: str
    say: str
    to: str

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {"scene": self.scene, "index": self.index, "key": self.key, "say": self.say,
                "to": self.to}


Witness = tuple[WitnessStep, ...]


@dataclass(slots=True)
class PairStats:
    """How choice ``a`` compared with sibling ``b`` in the states offering both."""

    ge: bool = True
    """``a`` left every meter at least as high as ``b`` did, every time."""
    gt: bool = False
    """``a`` left some meter strictly higher at least once."""
    together: int = 0
    """States offering both."""


@dataclass
class ExploreResult:
    """What exploring a story found."""

    story: Story
    exhaustive: bool
    """True when every reachable state was explored (the findings are proofs)."""
    states: int
    """Distinct states explored (expanded)."""
    transitions: int
    sampled_runs: int
    seconds: float
    max_states: int
    reached: dict[str, int]
    """Scene id → number of explored states at that scene (reached scenes only)."""
    enabled: set[tuple[str, int]]
    """(scene, choice index) of every choice available in some explored state."""
    endings: dict[str, Witness]
    """Each reached ending → a shortest known path to it."""
    stuck: dict[str, Witness]
    """Scene → a path to a state there with no way on (no choice, no next, not an ending)."""
    trapped: dict[str, Witness]
    """Scene → a path to a state there from which no ending can be reached (exhaustive only)."""
    ranges: dict[str, dict[str, tuple[int, int]]]
    """Scene → tracked number (meter, or ``visits("x")``) → (lowest, highest) seen there."""
    flags_on: dict[str, frozenset[str]]
    """Scene → tracked flags set in some state there."""
    flags_off: dict[str, frozenset[str]]
    """Scene → tracked flags clear in some state there."""
    blocks: dict[tuple[Path, int], set[int]]
    """``{if}`` block → the branch indices shown (-1: none)."""
    pairs: dict[tuple[str, int, int], PairStats]
    """(scene, a, b) for choices differing only in meter effects → how a compared with b."""
    reflections: ReflectionCoverage
    reflection_witness: Witness
    """A path passing the fewest reflection prompts on its way to an ending."""
    compiled: Compiled = field(repr=False)

    @property
    def states_per_second(self) -> float:
        """Explored states per second of exploration."""
        return self.states / self.seconds if self.seconds > 0 else float("inf")


@dataclass(slots=True)
class _SceneAcc:
    count: int = 0
    lo: list[int] | None = None
    hi: list[int] | None = None
    on: int = 0
    off: int = 0
    enabled: int = 0


class _Explorer:
    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        self.acc = [_SceneAcc() for _ in compiled.scenes]
        self.blocks: dict[tuple[Path, int], set[int]] = {}
        self.pairs: dict[tuple[str, int, int], PairStats] = {}
        self.flag_mask = (1 << len(compiled.flags)) - 1
        self.show_locked = compiled.story.show_locked
        self.needs_view = [
            any(o.cond is not None for o in s.choices) or bool(s.blocks) or bool(s.say_blocks)
            for s in compiled.scenes
        ]
        self.groups = [_groups(compiled, k) for k in range(len(compiled.scenes))]
        self.untracked = {
            key: _untracked_compare(compiled, key)
            for k, groups in enumerate(self.groups)
            for group in groups
            for key in _ordered_pairs(compiled.scenes[k].id, group)
        }

    # ------------------------------------------------------------------ one state
    def options(self, state: State) -> tuple[list[Opt], View | None]:
        """The enabled options in ``state`` (choices, else Continue) and the view used."""
        info = self.c.scenes[state[0]]
        view = self.c.view(state) if self.needs_view[state[0]] else None
        once = state[SLOT_ONCE]
        offered: list[Opt] = []
        for o in info.choices:
            if o.once_bit and once & o.once_bit:
                continue
            if o.cond is None or (view is not None and o.cond(view)):
                offered.append(o)
        if not offered and info.cont is not None:
            offered.append(info.cont)
        return offered, view

    def record(self, state: State, offered: list[Opt], view: View | None) -> None:
        """Fold one explored state into the running statistics."""
        k = state[0]
        info = self.c.scenes[k]
        acc = self.acc[k]
        acc.count += 1
        if len(state) > FIRST_NUMERIC:
            nums = state[FIRST_NUMERIC:]
            if acc.lo is None or acc.hi is None:
                acc.lo, acc.hi = list(nums), list(nums)
            else:
                lo, hi = acc.lo, acc.hi
                for j, v in enumerate(nums):
                    if v < lo[j]:
                        lo[j] = v
                    elif v > hi[j]:
                        hi[j] = v
        flags = state[SLOT_FLAGS]
        acc.on |= flags
        acc.off |= ~flags & self.flag_mask
        for o in offered:
            if o.index >= 0:
                acc.enabled |= 1 << o.index
        if view is None:
            return
        if info.blocks:
            _eval_blocks(info.blocks, view, self.blocks)
        if info.say_blocks:
            once = state[SLOT_ONCE]
            shown = {o.index for o in offered}
            for i, blocks in info.say_blocks.items():
                opt = info.choices[i]
                if i in shown or (self.show_locked and not (opt.once_bit and once & opt.once_bit)):
                    _eval_blocks(blocks, view, self.blocks)
        if self.groups[k] and len(offered) > 1:
            self._compare(state, info.id, offered)

    def _compare(self, state: State, sid: str, offered: list[Opt]) -> None:
        by_index = {o.index: o for o in offered}
        for group in self.groups[state[0]]:
            present = [by_index[i] for i in group if i in by_index]
            if len(present) < 2:
                continue
            results = {o.index: _results(state, o) for o in present}
            for a in present:
                ra = results[a.index]
                for b in present:
                    if a is b:
                        continue
                    key = (sid, a.index, b.index)
                    stats = self.pairs.get(key)
                    if stats is None:
                        stats = self.pairs[key] = PairStats()
                    stats.together += 1
                    if not stats.ge:
                        continue
                    rb = results[b.index]
                    if any(x < y for x, y in zip(ra, rb, strict=True)):
                        stats.ge = False
                    elif not stats.gt and any(x > y for x, y in zip(ra, rb, strict=True)):
                        stats.gt = True

    # ------------------------------------------------------------------ searches
    def bfs(
        self, max_states: int, progress: Progress | None
    ) -> tuple[list[State], list[int], list[Opt | None], array[int], array[int], bool]:
        c = self.c
        start = c.initial
        ids: dict[State, int] = {start: 0}
        order: list[State] = [start]
        parent: list[int] = [-1]
        via: list[Opt | None] = [None]
        edges: array[int] = array("l")
        offsets: array[int] = array("l")
        options, record, step = self.options, self.record, _step
        visit_slot, visit_cap = c.visit_slot, c.visit_cap
        i = 0
        complete = True
        while i < len(order):
            if len(order) > max_states:
                complete = False
                break
            state = order[i]
            offsets.append(len(edges))
            offered, view = options(state)
            record(state, offered, view)
            for opt in offered:
                nxt = step(state, opt, visit_slot[opt.to], visit_cap[opt.to])
                j = ids.get(nxt)
                if j is None:
                    j = len(order)
                    ids[nxt] = j
                    order.append(nxt)
                    parent.append(i)
                    via.append(opt)
                edges.append(j)
            i += 1
            if progress is not None and not i & 0x1FFF:
                progress(i, None)
        offsets.append(len(edges))
        return order[:i] if not complete else order, parent, via, edges, offsets, complete

    def sample(
        self,
        runs: int,
        seed: int,
        max_steps: int,
        seen: set[State],
        progress: Progress | None,
    ) -> tuple[dict[str, Witness], dict[str, Witness], int]:
        """Seeded random playthroughs preferring options not taken yet; returns witnesses."""
        c = self.c
        endings: dict[str, Witness] = {}
        stuck: dict[str, Witness] = {}
        taken: set[tuple[int, int]] = set()
        steps_total = 0
        for run in range(runs):
            rng = random.Random(f"{seed}:{run}")
            state = c.initial
            path: list[tuple[int, Opt]] = []
            for _ in range(max_steps):
                offered, view = self.options(state)
                if state not in seen:
                    seen.add(state)
                    self.record(state, offered, view)
                info = c.scenes[state[0]]
                if info.ending:
                    _keep_shorter(endings, info.id, c, path)
                    break
                if not offered:
                    _keep_shorter(stuck, info.id, c, path)
                    break
                fresh = [o for o in offered if (state[0], o.index) not in taken]
                opt = rng.choice(fresh or offered)
                taken.add((state[0], opt.index))
                path.append((state[0], opt))
                state = _step(state, opt, c.visit_slot[opt.to], c.visit_cap[opt.to])
                steps_total += 1
            if progress is not None and not (run + 1) & 0xFF:
                progress(run + 1, runs)
        return endings, stuck, steps_total


def _step(state: State, opt: Opt, vslot: int, vcap: int | None) -> State:
    vals = list(state)
    for slot, op, amount, lo, hi in opt.tracked:
        v = amount if op == "=" else vals[slot] + amount
        vals[slot] = lo if v < lo else hi if v > hi else v
    if opt.set_mask or opt.clear_mask:
        vals[SLOT_FLAGS] = (vals[SLOT_FLAGS] | opt.set_mask) & ~opt.clear_mask
    if opt.once_bit:
        vals[SLOT_ONCE] |= opt.once_bit
    vals[0] = opt.to
    if vslot >= 0:
        v = vals[vslot] + 1
        vals[vslot] = v if vcap is None or v <= vcap else vcap
    return tuple(vals)


def _eval_blocks(
    blocks: tuple[Block, ...], view: View, hits: dict[tuple[Path, int], set[int]]
) -> None:
    for block in blocks:
        chosen = -1
        for k, cond in enumerate(block.conds):
            if cond is None or cond(view):
                chosen = k
                break
        seen = hits.get(block.key)
        if seen is None:
            hits[block.key] = {chosen}
        else:
            seen.add(chosen)
        if chosen >= 0 and block.bodies[chosen]:
            _eval_blocks(block.bodies[chosen], view, hits)


# ---------------------------------------------------------------------- dominance helpers


def _groups(c: Compiled, k: int) -> list[list[int]]:
    """Choices of scene ``k`` that differ only in their meter effects (same target, same flags
    set and cleared, same ``once``), in groups of two or more."""
    by_key: dict[tuple[int, frozenset[str], frozenset[str], bool], list[int]] = {}
    for o in c.scenes[k].choices:
        key = (o.to, o.set_names, o.clear_names, bool(o.once_bit))
        by_key.setdefault(key, []).append(o.index)
    return [g for g in by_key.values() if len(g) > 1]


def _ordered_pairs(sid: str, group: list[int]) -> list[tuple[str, int, int]]:
    return [(sid, a, b) for a in group for b in group if a != b]


def _untracked_compare(c: Compiled, key: tuple[str, int, int]) -> tuple[bool, bool] | None:
    """Compare two choices on the meters no condition reads, whose values are not tracked.

    Returns (a ≥ b on all, a > b on some), or None when it depends on the value (a set against a
    change): then no dominance is claimed.
    """
    sid, a, b = key
    scene = c.scenes[c.index[sid]]
    tracked = set(c.meters)
    ea = {m: (op, n) for m, op, n, _lo, _hi in scene.choices[a].effects if m not in tracked}
    eb = {m: (op, n) for m, op, n, _lo, _hi in scene.choices[b].effects if m not in tracked}
    ge, gt = True, False
    for m in set(ea) | set(eb):
        (op_a, na), (op_b, nb) = ea.get(m, ("+", 0)), eb.get(m, ("+", 0))
        if op_a != op_b:
            return None
        ge = ge and na >= nb
        gt = gt or na > nb
    return ge, gt


def _results(state: State, opt: Opt) -> tuple[int, ...]:
    """The tracked meters after taking ``opt`` in ``state``."""
    vals = list(state)
    for slot, op, amount, lo, hi in opt.tracked:
        v = amount if op == "=" else vals[slot] + amount
        vals[slot] = lo if v < lo else hi if v > hi else v
    return tuple(vals[FIRST_NUMERIC:])


def _keep_shorter(
    store: dict[str, Witness], sid: str, c: Compiled, path: list[tuple[int, Opt]]
) -> None:
    if sid not in store or len(path) < len(store[sid]):
        store[sid] = tuple(_witness_step(c, k, o) for k, o in path)


def _witness_step(c: Compiled, scene: int, opt: Opt) -> WitnessStep:
    say = opt.choice.say if opt.choice is not None else "Continue"
    return WitnessStep(c.scenes[scene].id, opt.index, opt.key, say, opt.to_id)


# ---------------------------------------------------------------------- entry point


def explore(
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
) -> ExploreResult:
    """Explore every reachable state of a validated story (or sample when there are too many).

    Args:
        story: a story that passed :func:`engine.validate.validate` without errors.
        max_states: the most distinct states to explore before falling back to sampling.
        samples: how many seeded playthroughs to sample when the bound is hit.
        seed: the sampling seed (run ``k`` uses ``random.Random(f"{seed}:{k}")``).
        progress: called now and then with (states or runs done, total or None).
    """
    began = time.perf_counter()
    c = compile_story(story)
    ex = _Explorer(c)
    order, parent, via, edges, offsets, complete = ex.bfs(max_states, progress)
    n = len(order)

    def witness(i: int) -> Witness:
        steps: list[WitnessStep] = []
        while parent[i] >= 0:
            opt = via[i]
            assert opt is not None
            steps.append(_witness_step(c, order[parent[i]][0], opt))
            i = parent[i]
        steps.reverse()
        return tuple(steps)

    endings: dict[str, Witness] = {}
    stuck: dict[str, Witness] = {}
    trapped: dict[str, Witness] = {}
    for i in range(n):
        info = c.scenes[order[i][0]]
        if info.ending:
            if info.id not in endings:
                endings[info.id] = witness(i)
        elif offsets[i] == offsets[i + 1] and info.id not in stuck:
            stuck[info.id] = witness(i)

    sampled = 0
    if complete:

        def succ(u: int) -> array[int]:
            return edges[offsets[u] : offsets[u + 1]]

        def is_end(u: int) -> bool:
            return c.scenes[order[u][0]].ending

        def refl(u: int) -> bool:
            return c.scenes[order[u][0]].reflect

        cov = reflection_coverage(n, succ, refl, is_end, "states")
        cov_witness = _state_path_witness(ex, order, cov.min_path)
        alive = _alive(n, succ, is_end)
        for i in range(n):
            sid = c.scenes[order[i][0]].id
            if not alive[i] and offsets[i] != offsets[i + 1] and sid not in trapped:
                trapped[sid] = witness(i)
    else:
        seen = set(order)
        more_endings, more_stuck, _ = ex.sample(
            samples, seed, max_steps=4 * len(c.scenes) + 100, seen=seen, progress=progress
        )
        sampled = samples
        for store, more in ((endings, more_endings), (stuck, more_stuck)):
            for sid, w in more.items():
                if sid not in store or len(w) < len(store[sid]):
                    store[sid] = w
        cov = _scene_coverage(c)
        cov_witness = _scene_path_witness(c, cov.min_path)

    return ExploreResult(
        story=story,
        exhaustive=complete,
        states=n if complete else sum(a.count for a in ex.acc),
        transitions=len(edges),
        sampled_runs=sampled,
        seconds=time.perf_counter() - began,
        max_states=max_states,
        reached={c.scenes[k].id: a.count for k, a in enumerate(ex.acc) if a.count},
        enabled={
            (c.scenes[k].id, i)
            for k, a in enumerate(ex.acc)
            for i in range(len(c.scenes[k].choices))
            if a.enabled >> i & 1
        },
        endings=endings,
        stuck=stuck,
        trapped=trapped,
        ranges=_ranges(c, ex),
        flags_on={c.scenes[k].id: c.flag_set(a.on) for k, a in enumerate(ex.acc) if a.count},
        flags_off={c.scenes[k].id: c.flag_set(a.off) for k, a in enumerate(ex.acc) if a.count},
        blocks=ex.blocks,
        pairs=_merge_untracked(ex),
        reflections=cov,
        reflection_witness=cov_witness,
        compiled=c,
    )


def _alive(n: int, succ: Callable[[int], array[int]], is_end: Callable[[int], bool]) -> list[bool]:
    preds: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for v in succ(u):
            preds[v].append(u)
    alive = [False] * n
    stack = [u for u in range(n) if is_end(u)]
    for u in stack:
        alive[u] = True
    while stack:
        v = stack.pop()
        for u in preds[v]:
            if not alive[u]:
                alive[u] = True
                stack.append(u)
    return alive


def _ranges(c: Compiled, ex: _Explorer) -> dict[str, dict[str, tuple[int, int]]]:
    names = [*c.meters, *(f'visits("{s}")' for s in c.visit_scenes)]
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for k, a in enumerate(ex.acc):
        if a.count and a.lo is not None and a.hi is not None:
            out[c.scenes[k].id] = {
                name: (a.lo[j], a.hi[j]) for j, name in enumerate(names)
            }
    return out


def _merge_untracked(ex: _Explorer) -> dict[tuple[str, int, int], PairStats]:
    """Fold the state-independent comparison on untracked meters into each pair's stats."""
    out: dict[tuple[str, int, int], PairStats] = {}
    for key, stats in ex.pairs.items():
        other = ex.untracked.get(key)
        if other is None:
            out[key] = PairStats(False, stats.gt, stats.together)
        else:
            ge, gt = other
            out[key] = PairStats(stats.ge and ge, stats.gt or gt, stats.together)
    return out


def _state_path_witness(ex: _Explorer, order: list[State], path: tuple[int, ...]) -> Witness:
    c = ex.c
    steps: list[WitnessStep] = []
    for u, v in itertools.pairwise(path):
        offered, _ = ex.options(order[u])
        for opt in offered:
            if _step(order[u], opt, c.visit_slot[opt.to], c.visit_cap[opt.to]) == order[v]:
                steps.append(_witness_step(c, order[u][0], opt))
                break
    return tuple(steps)


def _scene_path_witness(c: Compiled, path: tuple[int, ...]) -> Witness:
    steps: list[WitnessStep] = []
    for u, v in itertools.pairwise(path):
        info = c.scenes[u]
        opts = [*info.choices, *([info.cont] if info.cont is not None else [])]
        opt = next(o for o in opts if o.to == v)
        steps.append(_witness_step(c, u, opt))
    return tuple(steps)


def _scene_coverage(c: Compiled) -> ReflectionCoverage:
    succs = [
        sorted({o.to for o in s.choices} | ({s.cont.to} if s.cont is not None else set()))
        for s in c.scenes
    ]
    start = c.initial[0]
    return reflection_coverage(
        len(c.scenes),
        lambda u: succs[u],
        lambda u: c.scenes[u].reflect,
        lambda u: c.scenes[u].ending,
        "scenes",
        start=start,
    )


__all__ = [
    "CONTINUE",
    "DEFAULT_MAX_STATES",
    "DEFAULT_SAMPLES",
    "ExploreResult",
    "PairStats",
    "Progress",
    "Witness",
    "WitnessStep",
    "explore",
]
