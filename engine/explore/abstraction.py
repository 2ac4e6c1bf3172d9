"""Exact state-space reduction: forget, at each scene, what no future condition can tell apart.

Two states at the same scene that every future condition treats the same way can be merged
without changing anything the explorer reports (which scenes, choices and ``{if}`` branches are
possible, the paths to them, where a learner gets stuck). Three such reductions, all computed by
backward data flow over the scene graph before exploring:

* **Liveness.** A flag, a visit count or a ``once`` mark that no scene reachable from here reads
  (before a choice overwrites it, for flags) is dropped to 0.
* **Meter classes.** When a meter is only ever compared with constants (``trust >= 60``), what
  matters about its value ``v`` at scene ``s`` is which side of each *cut* it is on. The cuts at
  ``s`` are the thresholds read at ``s`` plus, for each way on with effect ``+d``, the cuts of the
  next scene shifted by ``-d`` (an ``=n`` effect contributes none). Values between two adjacent
  cuts are equivalent: effects ``v ↦ clamp(v + d)`` are monotone, so if ``v < v'`` were told
  apart later, some cut ``c`` of a later scene would satisfy ``v + D < c <= v' + D`` for the sum
  ``D`` of the effects on the way, and ``c - D`` would be a cut here between them. Each value is
  replaced by the lowest value of its class. A meter used in arithmetic or compared with another
  meter keeps its exact value.

Because every member of a class enables the same options and moves to the same class, the reduced
graph is an exact quotient of the real one: witness paths found in it are real paths, and what it
cannot reach, the story cannot reach.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from crossroads.engine import expressions as ex
from crossroads.engine.explore.form import (
    FIRST_NUMERIC,
    SLOT_FLAGS,
    SLOT_ONCE,
    Compiled,
    MeterMap,
    Opt,
    Plan,
    SceneCanon,
)

#: Most cuts one meter may have at one scene before it is kept exact there.
MAX_CUTS = 1024

Cuts = frozenset[int] | None
"""A meter's cut set at a scene; None stands for every cut (the exact value is kept)."""

_GE_CUTS = {">=": (0,), ">": (1,), "<=": (1,), "<": (0,), "==": (0, 1), "!=": (0, 1)}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def _const(node: ex.Expr) -> int | None:
    if isinstance(node, ex.Num):
        return node.value
    if isinstance(node, ex.Neg) and isinstance(node.operand, ex.Num):
        return -node.operand.value
    return None


def meter_cuts(
    conds: list[ex.Expr], meters: set[str], exact: set[str]
) -> dict[str, set[int]]:
    """Cut points ``c`` (a comparison is ``v >= c`` or its negation) per meter in ``conds``.

    Meters found outside a comparison with a constant are added to ``exact``.
    """
    cuts: dict[str, set[int]] = {}

    def visit(node: ex.Expr) -> None:
        if isinstance(node, ex.Compare):
            for a, b, op in ((node.left, node.right, node.op),
                             (node.right, node.left, _FLIP[node.op])):
                value = _const(b)
                if isinstance(a, ex.Name) and a.name in meters and value is not None:
                    cuts.setdefault(a.name, set()).update(value + k for k in _GE_CUTS[op])
                    return
            read = ex.names(node)
            if len(read) == 1 and not ex.scene_refs(node):
                (name,) = read
                got = ex.linear_cuts(node, name) if name in meters else None
                if got is not None:
                    cuts.setdefault(name, set()).update(got)
                    return
        elif isinstance(node, ex.Name) and node.name in meters:
            exact.add(node.name)
        for child in ex.children(node):
            visit(child)

    for cond in conds:
        visit(cond)
    return cuts


def _edges(c: Compiled) -> list[list[tuple[int, Opt]]]:
    """Predecessor lists: for each scene, (from scene, option) pairs leading into it."""
    preds: list[list[tuple[int, Opt]]] = [[] for _ in c.scenes]
    for info in c.scenes:
        for opt in (*info.choices, *((info.cont,) if info.cont is not None else ())):
            preds[opt.to].append((info.index, opt))
    return preds


def _backward(
    reads: list[int], preds: list[list[tuple[int, Opt]]], transfer: Callable[[int, Opt], int]
) -> list[int]:
    """Least fixpoint of ``live[s] = reads[s] | OR over s→t of transfer(live[t], option)``."""
    live = list(reads)
    work = [k for k, bits in enumerate(live) if bits]
    queued = set(work)
    while work:
        t = work.pop()
        queued.discard(t)
        bits = live[t]
        for s, opt in preds[t]:
            new = live[s] | transfer(bits, opt)
            if new != live[s]:
                live[s] = new
                if s not in queued:
                    queued.add(s)
                    work.append(s)
    return live


def canonicalisers(c: Compiled) -> list[SceneCanon]:
    """Per scene, how to canonicalise an arriving state (see the module docstring)."""
    story = c.story
    n = len(c.scenes)
    preds = _edges(c)
    conds = {info.id: list(info.reads) for info in c.scenes}
    tracked = set(c.meters)
    exact: set[str] = set()
    cuts_at = [meter_cuts(conds[info.id], tracked, exact) for info in c.scenes]

    # flags: killed by a choice that sets or clears them
    flag_reads = [0] * n
    visit_reads = [0] * n
    visit_bit = {sid: 1 << k for k, sid in enumerate(c.visit_scenes)}
    for info in c.scenes:
        for cond in conds[info.id]:
            for name in ex.names(cond):
                flag_reads[info.index] |= c.flag_bit.get(name, 0)
            for sid in ex.scene_refs(cond):
                visit_reads[info.index] |= visit_bit.get(sid, 0)
    live_flags = _backward(
        flag_reads, preds, lambda bits, o: bits & ~(o.set_mask | o.clear_mask)
    )
    live_visits = _backward(visit_reads, preds, lambda bits, o: bits)
    once_here = [0] * n
    for info in c.scenes:
        for o in info.choices:
            once_here[info.index] |= o.once_bit
    live_once = _backward(once_here, preds, lambda bits, o: bits)

    maps: list[list[MeterMap]] = [[] for _ in range(n)]
    tables: dict[tuple[str, frozenset[int]], tuple[tuple[int, ...] | None, tuple[int, ...]]] = {}
    for k, meter in enumerate(c.meters):
        if meter in exact:
            continue
        spec = story.meters[meter]
        lo, hi = spec.min, spec.max
        width = hi - lo
        reads: list[Cuts] = []
        for s in range(n):
            here = frozenset(cut for cut in cuts_at[s].get(meter, ()) if lo < cut <= hi)
            reads.append(here if len(here) <= MAX_CUTS else None)

        def shift(cuts: Cuts, o: Opt, meter: str = meter, lo: int = lo, hi: int = hi) -> Cuts:
            for m, op, amount, _lo, _hi in o.effects:
                if m == meter:
                    if op == "=":
                        return frozenset()
                    if cuts is None:
                        return None
                    return frozenset(
                        c - amount for c in cuts if lo < c - amount <= hi
                    )
            return cuts

        live = _backward_cuts(reads, preds, shift)
        slot = FIRST_NUMERIC + k
        for s in range(n):
            cuts = live[s]
            if cuts is None or len(cuts) >= width:
                continue  # every value is its own class here
            key = (meter, cuts)
            if key not in tables:
                ordered = tuple(sorted(cuts))
                table: tuple[int, ...] | None = None
                if width <= TABLE_LIMIT:
                    table = tuple(_rep(ordered, lo, v) for v in range(lo, hi + 1))
                tables[key] = (table, ordered)
            table_t, cuts_t = tables[key]
            maps[s].append(MeterMap(slot, lo, table_t, cuts_t, hi))

    all_flags = (1 << len(c.flags)) - 1
    all_once = (1 << c.once_count) - 1
    out: list[SceneCanon] = []
    for s in range(n):
        dead = tuple(
            FIRST_NUMERIC + len(c.meters) + j
            for j in range(len(c.visit_scenes))
            if not live_visits[s] >> j & 1
        )
        identity = (
            live_flags[s] == all_flags and live_once[s] == all_once and not maps[s] and not dead
        )
        out.append(SceneCanon(live_flags[s], live_once[s], tuple(maps[s]), dead, identity))
    return out


def _rep(cuts: tuple[int, ...], lo: int, v: int) -> int:
    """The lowest value of ``v``'s class: the last cut at or below it, else ``lo``."""
    k = bisect.bisect_right(cuts, v)
    return cuts[k - 1] if k else lo


def _backward_cuts(
    reads: list[Cuts], preds: list[list[tuple[int, Opt]]], shift: Callable[[Cuts, Opt], Cuts]
) -> list[Cuts]:
    """:func:`_backward` over cut sets (None: every cut), capped at :data:`MAX_CUTS`."""
    live = list(reads)
    work = [k for k, cuts in enumerate(live) if cuts is None or cuts]
    queued = set(work)
    while work:
        t = work.pop()
        queued.discard(t)
        cuts = live[t]
        for s, opt in preds[t]:
            old = live[s]
            if old is None:
                continue
            add = shift(cuts, opt)
            if add is None:
                new: Cuts = None
            elif add <= old:
                continue
            else:
                new = old | add
                if len(new) > MAX_CUTS:
                    new = None
            live[s] = new
            if s not in queued:
                queued.add(s)
                work.append(s)
    return live


def canonical(vals: list[int], canon: SceneCanon) -> None:
    """Canonicalise a state (as a list) in place for the scene ``canon`` belongs to."""
    if canon.identity:
        return
    vals[SLOT_FLAGS] &= canon.flags
    vals[SLOT_ONCE] &= canon.once
    for mm in canon.meters:
        table = mm.table
        if table is not None:
            vals[mm.slot] = table[vals[mm.slot] - mm.lo]
        else:
            vals[mm.slot] = _rep(mm.cuts, mm.lo, vals[mm.slot])
    for slot in canon.dead_visits:
        vals[slot] = 0


#: Meters wider than this are updated arithmetically rather than through a lookup table.
TABLE_LIMIT = 4096


def plan(
    c: Compiled,
    opt: Opt,
    canon: SceneCanon,
) -> Plan | None:
    """Fuse an option's effects with the canonicalisation at its target into one step plan.

    Returns None when a meter is too wide for lookup tables (the caller steps arithmetically).
    """
    story = c.story
    maps = {mm.slot: mm for mm in canon.meters}
    effects = {slot: (op, amount) for slot, op, amount, _lo, _hi in opt.tracked}
    updates: list[tuple[int, int, tuple[int, ...]]] = []
    for k, meter in enumerate(c.meters):
        slot = FIRST_NUMERIC + k
        mm = maps.get(slot)
        effect = effects.get(slot)
        if mm is None and effect is None:
            continue
        spec = story.meters[meter]
        lo, hi = spec.min, spec.max
        if hi - lo > TABLE_LIMIT:
            return None
        table = []
        for v in range(lo, hi + 1):
            if effect is not None:
                op, amount = effect
                v = amount if op == "=" else v + amount
                v = lo if v < lo else hi if v > hi else v
            table.append(mm.table[v - lo] if mm is not None and mm.table is not None else v)
        updates.append((slot, lo, tuple(table)))
    visits: list[tuple[int, int]] = []
    dead = set(canon.dead_visits)
    for slot in dead:
        visits.append((slot, -1))
    if opt.vslot >= 0 and opt.vslot not in dead:
        cap = opt.vcap if opt.vcap is not None else 1 << 62
        visits.append((opt.vslot, cap))
    return (
        opt.to,
        opt.set_mask & canon.flags,
        ~opt.clear_mask & canon.flags,
        opt.once_bit & canon.once,
        canon.once,
        tuple(updates),
        tuple(visits),
    )
