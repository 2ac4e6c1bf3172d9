"""The explorer's search over projected states: breadth-first, or seeded sampling past the bound.

:class:`Explorer` holds the running statistics the reports need (states per scene, enabled
choices, ``{if}`` branches shown, choices offered together, per-variable values);
:meth:`Explorer.bfs` returns the explored part of the state graph as a :class:`StateGraph`.
:func:`crossroads.engine.explore.space.explore` drives it and assembles the result.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass

from crossroads.engine.explore.dominance import choice_groups
from crossroads.engine.explore.flow import FlowSpace, FlowVal, eval_flow_blocks, forward
from crossroads.engine.explore.form import SLOT_ONCE, Block, Compiled, Opt, State, View
from crossroads.engine.explore.result import Progress, Witness, witness_step
from crossroads.engine.explore.step import step
from crossroads.engine.sourcemap import Path

__all__ = ["Explorer", "StateGraph", "eval_blocks"]


@dataclass
class StateGraph:
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


class Explorer:
    """Searches the projected states of one compiled story and records what it finds."""

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
        self.groups = [choice_groups(compiled, k) for k in range(len(compiled.scenes))]
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
                eval_blocks(info.blocks, view, self.blocks)
            for i, blocks in info.say_blocks.items():
                if shown >> i & 1:
                    eval_blocks(blocks, view, self.blocks)
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
    def bfs(self, max_states: int, progress: Progress | None) -> StateGraph:
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
        options, record, step_ = self.options, self.record, step
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
                nxt = step_(state, opt)
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
        return StateGraph(order, parent, via, edges, edge_opts, offsets, displayed, complete)

    def flow(self, g: StateGraph, topo: list[int] | None = None) -> None:
        """Per-variable values (of the flow blocks' variables) over the explored graph."""
        vals: list[FlowVal]
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

    def full_values(self, g: StateGraph) -> dict[int, FlowVal]:
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
                state = step(state, opt)
                steps_total += 1
            if progress is not None and not (run + 1) & 0xFF:
                progress(run + 1, runs)
        return endings, stuck, done

    def flow_blocks(self) -> None:
        """Evaluate the flow blocks from the per-scene values of the variables they read."""
        for k, val in self.flow_scene.items():
            blocks = self.c.scenes[k].flow_blocks
            if blocks:
                eval_flow_blocks(self.space, blocks, val, self.blocks, eval_blocks)
        for (k, i), val in self.flow_say.items():
            eval_flow_blocks(self.space, self.c.scenes[k].flow_say[i], val, self.blocks,
                             eval_blocks)


def eval_blocks(
    blocks: tuple[Block, ...], view: View, hits: dict[tuple[Path, int], set[int]]
) -> None:
    """Record in ``hits`` which branch of each block (and of the blocks shown inside it) shows
    in ``view`` (-1: none)."""
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
            eval_blocks(block.bodies[chosen], view, hits)


def _keep_shorter(
    store: dict[str, Witness], sid: str, c: Compiled, path: list[tuple[int, Opt]]
) -> None:
    if sid not in store or len(path) < len(store[sid]):
        store[sid] = tuple(witness_step(c, k, o) for k, o in path)
