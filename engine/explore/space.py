"""Exhaustive exploration of a story's reachable state space, with a sampling fallback.

A breadth-first search over projected states (see :mod:`crossroads.engine.explore.compiled`),
memoised in a
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
from functools import cached_property

from crossroads.engine.explore.abstraction import canonical
from crossroads.engine.explore.compiled import (
    FIRST_NUMERIC,
    SLOT_FLAGS,
    SLOT_ONCE,
    Block,
    Compiled,
    Opt,
    View,
    compile_story,
)
from crossroads.engine.explore.coverage import (
    ReflectionCoverage,
    alive,
    dag_coverage,
    reflection_coverage,
)
from crossroads.engine.explore.flow import FlowSpace, FlowVal, eval_flow_blocks, forward, rpo
from crossroads.engine.gc_pause import quiet_gc
from crossroads.engine.model import Story
from crossroads.engine.runtime import CONTINUE
from crossroads.engine.sourcemap import Path

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
    """``a``'s effects leave every meter at least as high as ``b``'s (see
    :func:`compare_effects`)."""
    gt: bool = False
    """``a``'s effects leave some meter strictly higher."""
    together: int = 0
    """Explored states offering both."""


@dataclass(frozen=True, slots=True)
class Values:
    """What each variable can be at each reached scene (exact when exploration was)."""

    ranges: dict[str, dict[str, tuple[int, int]]]
    flags_on: dict[str, frozenset[str]]
    flags_off: dict[str, frozenset[str]]


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
    blocks: dict[tuple[Path, int], set[int]]
    """``{if}`` block → the branch indices shown (-1: none)."""
    pairs: dict[tuple[str, int, int], PairStats]
    """(scene, a, b) for choices differing only in meter effects → how a compared with b."""
    reflections: ReflectionCoverage
    reflection_witness: Witness
    """A path passing the fewest reflection prompts on its way to an ending."""
    compiled: Compiled = field(repr=False)
    values: Callable[[], Values] = field(repr=False)
    """Computes :class:`Values` (a second pass over the explored graph, on demand)."""

    @cached_property
    def _values(self) -> Values:
        return self.values()

    @property
    def ranges(self) -> dict[str, dict[str, tuple[int, int]]]:
        """Scene id → meter (or ``visits("x")``) → (lowest, highest) value it can have there."""
        return self._values.ranges

    @property
    def flags_on(self) -> dict[str, frozenset[str]]:
        """Scene id → flags that can be set there."""
        return self._values.flags_on

    @property
    def flags_off(self) -> dict[str, frozenset[str]]:
        """Scene id → flags that can be clear there."""
        return self._values.flags_off

    @property
    def states_per_second(self) -> float:
        """Explored states per second of exploration."""
        return self.states / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class _Graph:
    """The explored part of the (reduced) state graph; node ids are in BFS order."""

    order: list[State]
    parent: list[int]
    via: list[Opt | None]
    edges: array[int]
    edge_opts: list[Opt]
    offsets: array[int]
    displayed: dict[int, int]
    """Node → bit mask of the choices whose text shows, for scenes with flow blocks in them."""
    complete: bool

    @property
    def n(self) -> int:
        """Number of expanded nodes."""
        return len(self.offsets) - 1


class _Explorer:
    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        n = len(compiled.scenes)
        self.count = [0] * n
        """Explored states per scene."""
        self.enabled = [0] * n
        """Per scene, bit mask of the choices enabled in some explored state."""
        self.sampled: list[State] = []
        """States first met while sampling (their visit counts feed :class:`Values`)."""
        self.blocks: dict[tuple[Path, int], set[int]] = {}
        self.together: dict[tuple[str, int, int], int] = {}
        self.show_locked = compiled.story.show_locked
        self.needs_view = [
            any(o.cond is not None for o in s.choices) or bool(s.blocks) or bool(s.say_blocks)
            for s in compiled.scenes
        ]
        self.groups = [_groups(compiled, k) for k in range(len(compiled.scenes))]
        tops = [b for s in compiled.scenes for b in s.flow_blocks]
        tops += [b for s in compiled.scenes for bs in s.flow_say.values() for b in bs]
        needed = {b.var for b in tops if b.var}
        groups = tuple(sorted({b.names for b in tops if len(b.names) > 1}))
        self.space = FlowSpace.of(compiled.story, needed, groups)
        """Only the variables flow blocks read."""
        self.full = FlowSpace.of(compiled.story)
        """Every meter and flag (for the reasons reports give, computed when needed)."""
        self.flow_scene: dict[int, FlowVal] = {}
        self.flow_say: dict[tuple[int, int], FlowVal] = {}
        self.sampled_full: dict[int, FlowVal] = {}
        """Every variable's values per scene, from sampled playthroughs."""

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

    def static_options(self, k: int) -> tuple[list[Opt], int] | None:
        """The options of scene ``k`` when they never depend on the state, with their mask."""
        info = self.c.scenes[k]
        if any(o.cond is not None or o.once_bit for o in info.choices):
            return None
        offered = list(info.choices) or ([info.cont] if info.cont is not None else [])
        return offered, sum(1 << o.index for o in offered if o.index >= 0)

    def heavy(self, k: int) -> bool:
        """Whether recording a state of scene ``k`` needs more than counting it."""
        info = self.c.scenes[k]
        return bool(
            info.blocks or info.say_blocks or info.flow_say or self.groups[k] or self.show_locked
        )

    def record(self, state: State, offered: list[Opt], view: View | None) -> int:
        """Fold one explored state into the running statistics; return the bit mask of the
        choices whose text is displayed (for flow blocks in choice texts)."""
        k = state[0]
        info = self.c.scenes[k]
        self.count[k] += 1
        shown = 0
        for o in offered:
            if o.index >= 0:
                shown |= 1 << o.index
        self.enabled[k] |= shown
        if self.show_locked:
            once = state[SLOT_ONCE]
            for o in info.choices:
                if not (o.once_bit and once & o.once_bit):
                    shown |= 1 << o.index
        if view is None and (info.blocks or info.say_blocks):
            view = self.c.view(state)
        if view is not None:
            if info.blocks:
                _eval_blocks(info.blocks, view, self.blocks)
            for i, blocks in info.say_blocks.items():
                if shown >> i & 1:
                    _eval_blocks(blocks, view, self.blocks)
        if self.groups[k] and len(offered) > 1:
            self._together(info.id, k, offered)
        return shown

    def _together(self, sid: str, k: int, offered: list[Opt]) -> None:
        indices = {o.index for o in offered}
        for group in self.groups[k]:
            present = [i for i in group if i in indices]
            if len(present) < 2:
                continue
            for a in present:
                for b in present:
                    if a != b:
                        key = (sid, a, b)
                        self.together[key] = self.together.get(key, 0) + 1

    def fold(self, k: int, shown: int, val: FlowVal) -> None:
        """Add one node's (or concrete state's) variable values to its scene's."""
        self.flow_scene[k] = self.flow_scene.get(k, 0) | val
        for i in self.c.scenes[k].flow_say:
            if shown >> i & 1:
                self.flow_say[(k, i)] = self.flow_say.get((k, i), 0) | val

    # ------------------------------------------------------------------ searches
    def bfs(self, max_states: int, progress: Progress | None) -> _Graph:
        c = self.c
        start = c.initial
        ids: dict[State, int] = {start: 0}
        order: list[State] = [start]
        parent: list[int] = [-1]
        via: list[Opt | None] = [None]
        edges: array[int] = array("l")
        edge_opts: list[Opt] = []
        offsets: array[int] = array("l")
        displayed: dict[int, int] = {}
        n_scenes = len(c.scenes)
        static = [self.static_options(k) for k in range(n_scenes)]
        heavy = [self.heavy(k) for k in range(n_scenes)]
        flow_say = [bool(info.flow_say) for info in c.scenes]
        count, enabled = self.count, self.enabled
        options, record, step = self.options, self.record, _step
        edges_append, opts_append, offsets_append = edges.append, edge_opts.append, offsets.append
        i = 0
        complete = True
        while i < len(order):
            if len(order) > max_states:
                complete = False
                break
            state = order[i]
            k = state[0]
            offsets_append(len(edges))
            fixed = static[k]
            if heavy[k]:
                offered, view = options(state) if fixed is None else (fixed[0], None)
                shown = record(state, offered, view)
                if flow_say[k]:
                    displayed[i] = shown
            elif fixed is None:
                offered, _view = options(state)
                count[k] += 1
                for o in offered:
                    if o.index >= 0:
                        enabled[k] |= 1 << o.index
            else:
                offered = fixed[0]
                count[k] += 1
                enabled[k] |= fixed[1]
            for opt in offered:
                nxt = step(state, opt)
                j = ids.get(nxt)
                if j is None:
                    j = len(order)
                    ids[nxt] = j
                    order.append(nxt)
                    parent.append(i)
                    via.append(opt)
                edges_append(j)
                opts_append(opt)
            i += 1
            if progress is not None and not i & 0x1FFF:
                progress(i, None)
        offsets_append(len(edges))
        return _Graph(order, parent, via, edges, edge_opts, offsets, displayed, complete)

    def flow(self, g: _Graph, topo: list[int] | None = None) -> None:
        """Per-variable values (of the flow blocks' variables) over the explored graph."""
        if g.n == 0 or not (self.space.flags or self.space.meters or self.space.groups):
            vals = [0] * g.n
        else:
            vals = forward(
                self.space, self.space.start(self.c.story), g.n, g.edges, g.offsets, g.edge_opts,
                topo,
            )
        order, displayed = g.order, g.displayed
        scene_vals = self.flow_scene
        for u, val in enumerate(vals):
            k = order[u][0]
            scene_vals[k] = scene_vals.get(k, 0) | val
        for u, shown in displayed.items():
            k = order[u][0]
            for i in self.c.scenes[k].flow_say:
                if shown >> i & 1:
                    self.flow_say[(k, i)] = self.flow_say.get((k, i), 0) | vals[u]

    def full_values(self, g: _Graph) -> dict[int, FlowVal]:
        """Every variable's values per scene: over the explored graph, plus sampled runs."""
        out = dict(self.sampled_full)
        if g.n:
            vals = forward(
                self.full, self.full.start(self.c.story), g.n, g.edges, g.offsets, g.edge_opts
            )
            for u, val in enumerate(vals):
                k = g.order[u][0]
                out[k] = out.get(k, 0) | val
        return out

    def sample(
        self,
        runs: int,
        seed: int,
        max_steps: int,
        seen: set[State],
        progress: Progress | None,
        budget: int,
    ) -> tuple[dict[str, Witness], dict[str, Witness], int]:
        """Seeded random playthroughs preferring options not taken yet, until ``runs`` are done
        or ``budget`` steps were taken; returns the witnesses found and the runs done.

        Each run follows the reduced state and, beside it, the concrete meters and flags, which
        feed the per-variable values of the scenes it passes.
        """
        c = self.c
        story = c.story
        endings: dict[str, Witness] = {}
        stuck: dict[str, Witness] = {}
        taken: set[tuple[int, int]] = set()
        steps_total = 0
        done = 0
        for run in range(runs):
            if steps_total >= budget:
                break
            done += 1
            rng = random.Random(f"{seed}:{run}")
            state = c.initial
            meters = {m: spec.initial for m, spec in story.meters.items()}
            flags: set[str] = set()
            path: list[tuple[int, Opt]] = []
            for _ in range(max_steps):
                offered, view = self.options(state)
                info = c.scenes[state[0]]
                if state not in seen:
                    seen.add(state)
                    self.sampled.append(state)
                    shown = self.record(state, offered, view)
                else:
                    shown = sum(1 << o.index for o in offered if o.index >= 0)
                self.fold(state[0], shown, self.space.concrete(flags, meters))
                k = state[0]
                self.sampled_full[k] = self.sampled_full.get(k, 0) | self.full.concrete(
                    flags, meters
                )
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
                for m, op, amount, lo, hi in opt.effects:
                    v = amount if op == "=" else meters[m] + amount
                    meters[m] = lo if v < lo else hi if v > hi else v
                flags |= opt.set_names
                flags -= opt.clear_names
                state = _step(state, opt)
                steps_total += 1
            if progress is not None and not (run + 1) & 0xFF:
                progress(run + 1, runs)
        return endings, stuck, done

    def flow_blocks(self) -> None:
        """Evaluate the flow blocks from the per-scene values of the variables they read."""
        for k, val in self.flow_scene.items():
            blocks = self.c.scenes[k].flow_blocks
            if blocks:
                eval_flow_blocks(self.space, blocks, val, self.blocks, _eval_blocks)
        for (k, i), val in self.flow_say.items():
            eval_flow_blocks(self.space, self.c.scenes[k].flow_say[i], val, self.blocks,
                             _eval_blocks)


def _step(state: State, opt: Opt) -> State:
    """The reduced state after taking ``opt`` in ``state`` (canonicalised on arrival)."""
    p = opt.plan
    if p is None:
        return _step_slow(state, opt)
    to, or_flags, and_flags, or_once, and_once, meters, visits = p
    vals = list(state)
    vals[0] = to
    vals[1] = (vals[1] | or_flags) & and_flags
    vals[2] = (vals[2] | or_once) & and_once
    for slot, lo, table in meters:
        vals[slot] = table[vals[slot] - lo]
    for slot, cap in visits:
        if cap < 0:
            vals[slot] = 0
        else:
            v = vals[slot] + 1
            vals[slot] = v if v <= cap else cap
    return tuple(vals)


def _step_slow(state: State, opt: Opt) -> State:
    """:func:`_step` for meters too wide for lookup tables."""
    vals = list(state)
    for slot, op, amount, lo, hi in opt.tracked:
        v = amount if op == "=" else vals[slot] + amount
        vals[slot] = lo if v < lo else hi if v > hi else v
    if opt.set_mask or opt.clear_mask:
        vals[SLOT_FLAGS] = (vals[SLOT_FLAGS] | opt.set_mask) & ~opt.clear_mask
    if opt.once_bit:
        vals[SLOT_ONCE] |= opt.once_bit
    vals[0] = opt.to
    vslot = opt.vslot
    if vslot >= 0:
        v = vals[vslot] + 1
        cap = opt.vcap
        vals[vslot] = v if cap is None or v <= cap else cap
    canon = opt.canon
    if canon is not None and not canon.identity:
        canonical(vals, canon)
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


def compare_effects(a: Opt, b: Opt) -> tuple[bool, bool] | None:
    """Compare two choices' meter effects: (a ≥ b on every meter, a > b on some).

    ``+n`` against ``+m`` and ``=n`` against ``=m`` compare the numbers (clamping keeps the
    order); a set against a change depends on the meter's value, so no claim is made (None).
    """
    ea = {m: (op, n) for m, op, n, _lo, _hi in a.effects}
    eb = {m: (op, n) for m, op, n, _lo, _hi in b.effects}
    ge, gt = True, False
    for m in set(ea) | set(eb):
        (op_a, na), (op_b, nb) = ea.get(m, ("+", 0)), eb.get(m, ("+", 0))
        if op_a != op_b:
            return None
        ge = ge and na >= nb
        gt = gt or na > nb
    return ge, gt


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
        story: a story that passed :func:`crossroads.engine.validate.validate` without errors.
        max_states: the most distinct states to explore before falling back to sampling.
        samples: how many seeded playthroughs to sample when the bound is hit (they stop
            early after ``max_states`` steps in all, so sampling costs about what exploring
            did).
        seed: the sampling seed (run ``k`` uses ``random.Random(f"{seed}:{k}")``).
        progress: called now and then with (states or runs done, total or None).
    """
    with quiet_gc():
        return _explore(story, max_states, samples, seed, progress)


def _explore(
    story: Story, max_states: int, samples: int, seed: int, progress: Progress | None
) -> ExploreResult:
    began = time.perf_counter()
    c = compile_story(story)
    ex = _Explorer(c)
    g = ex.bfs(max_states, progress)
    n = g.n
    order, parent, via = g.order, g.parent, g.via

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
        elif g.offsets[i] == g.offsets[i + 1] and info.id not in stuck:
            stuck[info.id] = witness(i)

    topo, acyclic = rpo(n, g.edges, g.offsets) if n else ([], True)
    ex.flow(g, topo)
    sampled = 0
    if g.complete:
        ending = bytearray(c.scenes[order[u][0]].ending for u in range(n))
        reflect = bytearray(c.scenes[order[u][0]].reflect for u in range(n))
        if acyclic:
            cov, live = dag_coverage(n, g.edges, g.offsets, topo, reflect, ending, "states")
        else:
            live = alive(n, g.edges, g.offsets, ending)
            cov = reflection_coverage(n, g.edges, g.offsets, reflect, ending, live, "states")
        cov_witness = _state_path_witness(ex, order, cov.min_path)
        for i in range(n):
            sid = c.scenes[order[i][0]].id
            if not live[i] and g.offsets[i] != g.offsets[i + 1] and sid not in trapped:
                trapped[sid] = witness(i)
    else:
        seen = set(order[:n])
        more_endings, more_stuck, sampled = ex.sample(
            samples,
            seed,
            max_steps=4 * len(c.scenes) + 100,
            seen=seen,
            progress=progress,
            budget=max(max_states, 10_000),
        )
        for store, more in ((endings, more_endings), (stuck, more_stuck)):
            for sid, w in more.items():
                if sid not in store or len(w) < len(store[sid]):
                    store[sid] = w
        cov = _scene_coverage(c)
        cov_witness = _scene_path_witness(c, cov.min_path)
    ex.flow_blocks()

    return ExploreResult(
        story=story,
        exhaustive=g.complete,
        states=n if g.complete else sum(ex.count),
        transitions=len(g.edges),
        sampled_runs=sampled,
        seconds=time.perf_counter() - began,
        max_states=max_states,
        reached={c.scenes[k].id: count for k, count in enumerate(ex.count) if count},
        enabled={
            (c.scenes[k].id, i)
            for k, bits in enumerate(ex.enabled)
            for i in range(len(c.scenes[k].choices))
            if bits >> i & 1
        },
        endings=endings,
        stuck=stuck,
        trapped=trapped,
        blocks=ex.blocks,
        pairs=_pairs(ex),
        reflections=cov,
        reflection_witness=cov_witness,
        compiled=c,
        values=lambda: _values(c, ex, g),
    )


def _values(c: Compiled, ex: _Explorer, g: _Graph) -> Values:
    """Exact meter ranges and flag values per scene, and visit-count ranges."""
    full = ex.full
    ranges: dict[str, dict[str, tuple[int, int]]] = {}
    on: dict[str, frozenset[str]] = {}
    off: dict[str, frozenset[str]] = {}
    nm = len(c.meters)
    visit_lo: dict[int, list[int]] = {}
    visit_hi: dict[int, list[int]] = {}
    if c.visit_scenes:
        for state in (*g.order[: g.n], *ex.sampled):
            k, nums = state[0], state[FIRST_NUMERIC + nm :]
            lo, hi = visit_lo.get(k), visit_hi.get(k)
            if lo is None or hi is None:
                visit_lo[k], visit_hi[k] = list(nums), list(nums)
            else:
                visit_lo[k] = [min(a, b) for a, b in zip(lo, nums, strict=True)]
                visit_hi[k] = [max(a, b) for a, b in zip(hi, nums, strict=True)]
    for k, val in ex.full_values(g).items():
        sid = c.scenes[k].id
        here: dict[str, tuple[int, int]] = {}
        for m in full.meters:
            got = full.range(val, m)
            if got is not None:
                here[m] = got
        lo, hi = visit_lo.get(k), visit_hi.get(k)
        if lo is not None and hi is not None:
            for j, vid in enumerate(c.visit_scenes):
                here[f'visits("{vid}")'] = (lo[j], hi[j])
        ranges[sid] = here
        on[sid], off[sid] = full.flag_values(val)
    return Values(ranges, on, off)


def _pairs(ex: _Explorer) -> dict[tuple[str, int, int], PairStats]:
    out: dict[tuple[str, int, int], PairStats] = {}
    c = ex.c
    for (sid, a, b), together in ex.together.items():
        choices = c.scenes[c.index[sid]].choices
        got = compare_effects(choices[a], choices[b])
        ge, gt = got if got is not None else (False, False)
        out[(sid, a, b)] = PairStats(ge, gt, together)
    return out


def _state_path_witness(ex: _Explorer, order: list[State], path: tuple[int, ...]) -> Witness:
    c = ex.c
    steps: list[WitnessStep] = []
    for u, v in itertools.pairwise(path):
        offered, _ = ex.options(order[u])
        for opt in offered:
            if _step(order[u], opt) == order[v]:
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
    edges: list[int] = []
    offsets = [0]
    for info in c.scenes:
        edges.extend(sorted({o.to for o in (*info.choices, *((info.cont,) if info.cont else ()))}))
        offsets.append(len(edges))
    n = len(c.scenes)
    ending = bytearray(info.ending for info in c.scenes)
    reflect = bytearray(info.reflect for info in c.scenes)
    live = alive(n, edges, offsets, ending)
    return reflection_coverage(
        n, edges, offsets, reflect, ending, live, "scenes", start=c.initial[0]
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
