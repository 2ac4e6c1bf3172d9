"""Exhaustive exploration of a story's reachable state space, with a sampling fallback.

A breadth-first search over projected states (see :mod:`crossroads.engine.explore.form`),
memoised in a dict, so the first time a state is found is along a shortest path: witness paths
are shortest. When more than ``max_states`` distinct states turn up, the search stops and seeded
random playthroughs (preferring choices not yet taken) continue from the start; what they find is
real, what they miss is not proven impossible, and :attr:`ExploreResult.exhaustive` says so.

While it explores it records what the reports need: which scenes and choices were ever reached
or enabled, the range of every tracked number per scene, which flags were ever on or off per
scene, which branch of every ``{if}`` block showed, the states with no way on, and, for choices
that differ only in their meter effects, whether one was always at least as good as another.

The parts: :mod:`~crossroads.engine.explore.explorer` searches,
:mod:`~crossroads.engine.explore.step` steps one state, :mod:`~crossroads.engine.explore.result`
holds what was found; this module runs them and assembles the :class:`ExploreResult`.
"""

from __future__ import annotations

import itertools
import time

from crossroads.engine.explore.compiled import compile_story
from crossroads.engine.explore.coverage import (
    ReflectionCoverage,
    alive,
    dag_coverage,
    reflection_coverage,
)
from crossroads.engine.explore.dominance import compare_effects
from crossroads.engine.explore.explorer import Explorer, StateGraph
from crossroads.engine.explore.flow import rpo
from crossroads.engine.explore.form import FIRST_NUMERIC, Compiled, Opt, State
from crossroads.engine.explore.policy import run_policies
from crossroads.engine.explore.result import (
    ExploreResult,
    PairStats,
    Progress,
    Values,
    Witness,
    WitnessStep,
    witness_step,
)
from crossroads.engine.explore.step import step
from crossroads.engine.gc_pause import quiet_gc
from crossroads.engine.model import Story

#: Default bound on distinct states before exploration falls back to sampling.
DEFAULT_MAX_STATES = 200_000
#: Default number of sampled playthroughs when the bound is hit.
DEFAULT_SAMPLES = 2_000


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
    ex = Explorer(c)
    g = ex.bfs(max_states, progress)
    n = g.n
    order, parent, via = g.order, g.parent, g.via

    def witness(i: int) -> Witness:
        steps: list[WitnessStep] = []
        while parent[i] >= 0:
            opt = via[i]
            assert opt is not None
            steps.append(witness_step(c, order[parent[i]][0], opt))
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

    broken: dict[str, Witness] = {}
    assuming = {info.index for info in c.scenes if info.assumes is not None}
    if assuming:
        for i in range(n):  # BFS order: the first state found breaking it is a shortest path
            k = order[i][0]
            if k in assuming:
                info = c.scenes[k]
                assert info.assumes is not None
                if info.id not in broken and not info.assumes(c.view(order[i])):
                    broken[info.id] = witness(i)

    topo, acyclic = rpo(n, g.edges, g.offsets) if n else ([], True)
    ex.flow(g, topo)
    sampled = 0
    if g.complete:
        ending = bytearray(c.scenes[order[u][0]].ending for u in range(n))
        reflect = bytearray(c.scenes[order[u][0]].reflect for u in range(n))
        asks = (
            bytearray(_asks(opt) for opt in g.edge_opts) if _choice_prompts(c) else None
        )
        if acyclic:
            cov, live = dag_coverage(n, g.edges, g.offsets, topo, reflect, ending, "states", asks)
        else:
            live = alive(n, g.edges, g.offsets, ending)
            cov = reflection_coverage(
                n, g.edges, g.offsets, reflect, ending, live, "states", edge_reflect=asks
            )
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
    policies = run_policies(ex, set(endings), max_states) if g.complete else []

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
        broken=broken,
        policies=policies,
    )


def _values(c: Compiled, ex: Explorer, g: StateGraph) -> Values:
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


def _pairs(ex: Explorer) -> dict[tuple[str, int, int], PairStats]:
    out: dict[tuple[str, int, int], PairStats] = {}
    c = ex.c
    for (sid, a, b), together in ex.together.items():
        choices = c.scenes[c.index[sid]].choices
        got = compare_effects(choices[a], choices[b])
        ge, gt = got if got is not None else (False, False)
        out[(sid, a, b)] = PairStats(ge, gt, together)
    return out


def _asks(opt: Opt) -> bool:
    """Whether taking ``opt`` asks a reflection prompt of its own (a choice's ``reflect:``)."""
    return opt.choice is not None and opt.choice.reflect is not None


def _choice_prompts(c: Compiled) -> bool:
    """Whether any choice of the story asks a prompt of its own."""
    return any(_asks(opt) for info in c.scenes for opt in info.choices)


def _state_path_witness(ex: Explorer, order: list[State], path: tuple[int, ...]) -> Witness:
    c = ex.c
    steps: list[WitnessStep] = []
    for u, v in itertools.pairwise(path):
        offered, _ = ex.options(order[u])
        # the fewest prompts went by the option without a prompt of its own, when there is one
        for opt in sorted(offered, key=_asks):
            if step(order[u], opt) == order[v]:
                steps.append(witness_step(c, order[u][0], opt))
                break
    return tuple(steps)


def _scene_path_witness(c: Compiled, path: tuple[int, ...]) -> Witness:
    steps: list[WitnessStep] = []
    for u, v in itertools.pairwise(path):
        info = c.scenes[u]
        opts = [*info.choices, *([info.cont] if info.cont is not None else [])]
        opt = next(o for o in sorted(opts, key=_asks) if o.to == v)
        steps.append(witness_step(c, u, opt))
    return tuple(steps)


def _scene_coverage(c: Compiled) -> ReflectionCoverage:
    edges: list[int] = []
    asks = bytearray()  # an edge asks only when every option along it does
    offsets = [0]
    for info in c.scenes:
        to: dict[int, bool] = {}
        for o in (*info.choices, *((info.cont,) if info.cont else ())):
            to[o.to] = to.get(o.to, True) and _asks(o)
        for v in sorted(to):
            edges.append(v)
            asks.append(to[v])
        offsets.append(len(edges))
    n = len(c.scenes)
    ending = bytearray(info.ending for info in c.scenes)
    reflect = bytearray(info.reflect for info in c.scenes)
    live = alive(n, edges, offsets, ending)
    return reflection_coverage(
        n, edges, offsets, reflect, ending, live, "scenes", start=c.initial[0],
        edge_reflect=asks if any(asks) else None,
    )


__all__ = [
    "DEFAULT_MAX_STATES",
    "DEFAULT_SAMPLES",
    "ExploreResult",
    "PairStats",
    "Progress",
    "Witness",
    "WitnessStep",
    "explore",
]
