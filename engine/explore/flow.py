"""Per-variable values over the explored graph: which values each meter and flag can have.

The value of one meter or flag at the end of a path depends only on the choices along it. The
explored graph is an exact quotient of the real state graph (every path in it is a real path and
every real path maps onto one), so a forward pass that unions, at each node, the values carried in
along every edge computes exactly the set of values that variable can have there.

This answers, exactly and cheaply, the questions about one variable at a time: the range of a
meter at a scene (for the reasons given with CR401), whether a flag can be set there, and which
branch of an ``{if}`` block that reads a single variable can show (CR404). Conditions that read
several variables at once are kept in the explored state instead.

A flow value is one Python int holding bit fields: "could be set" bits for the flags, "could be
clear" bits for the flags, then for each meter a bit set over ``min..max``. Union is ``|``.

Memory must not follow a meter's numeric range, so a meter wider than :data:`BITS_LIMIT` values
keeps its possible values as sorted, disjoint intervals instead of bits (at most
:data:`MAX_INTERVALS`; past that the narrowest gaps are filled in, so the lowest and highest values
stay exact while values in between may be over-counted); a story with such a meter has
:class:`WideVal` flow values (the bit fields plus those intervals; ``|`` still unions). A
block reading a wide meter is evaluated once per band between the thresholds its conditions
test (:func:`block_cuts`), not once per value. A wide meter still growing in a loop after
:data:`EXACT_PASSES` passes of :func:`forward` is widened to its whole range — an
over-approximation (its range may be reported wider than it is), never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crossroads.engine import expressions as ex
from crossroads.engine.explore.form import Block, Opt, View
from crossroads.engine.model import Story

#: Meters with more values than this keep them as intervals, not bits.
BITS_LIMIT = 4096
#: Most intervals one wide meter keeps; past it the narrowest gaps are filled in (the lowest and
#: highest values stay exact).
MAX_INTERVALS = 16
#: Passes of :func:`forward` after which wide meters still changing are widened to their range.
EXACT_PASSES = 256

Intervals = tuple[tuple[int, int], ...]
"""Sorted, disjoint, non-adjacent closed intervals of values."""


def _union(a: Intervals, b: Intervals) -> Intervals:
    if not a:
        return b
    if not b or a == b:
        return a
    if len(b) == 1 and len(a) == 1:
        (a0, a1), (b0, b1) = a[0], b[0]
        if b0 >= a0 and b1 <= a1:
            return a
        if a0 >= b0 and a1 <= b1:
            return b
        if b0 <= a1 + 1 and a0 <= b1 + 1:
            return ((min(a0, b0), max(a1, b1)),)
        return (a[0], b[0]) if a0 < b0 else (b[0], a[0])
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(a + b):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    if len(merged) > MAX_INTERVALS:
        return _coarsen(merged)
    return tuple(merged)


def _coarsen(ivs: list[tuple[int, int]]) -> Intervals:
    """Keep the widest ``MAX_INTERVALS - 1`` gaps between the intervals, fill in the others."""
    gaps = sorted(range(1, len(ivs)), key=lambda i: ivs[i][0] - ivs[i - 1][1], reverse=True)
    keep = sorted(gaps[: MAX_INTERVALS - 1])
    out: list[tuple[int, int]] = []
    start = 0
    for i in [*keep, len(ivs)]:
        out.append((ivs[start][0], ivs[i - 1][1]))
        start = i
    return tuple(out)


def _shift(ivs: Intervals, op: str, amount: int, lo: int, hi: int) -> Intervals:
    """The values after an effect (clamped to ``lo..hi``), as intervals."""
    if not ivs:
        return ivs
    if op == "=":
        v = lo if amount < lo else hi if amount > hi else amount
        return ((v, v),)
    out: list[tuple[int, int]] = []
    for a, b in ivs:
        a, b = a + amount, b + amount
        a = lo if a < lo else hi if a > hi else a
        b = lo if b < lo else hi if b > hi else b
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class WideVal:
    """A flow value of a story with wide meters: the bit fields, and intervals per wide meter."""

    bits: int
    wide: tuple[Intervals, ...]

    def __or__(self, other: Any) -> WideVal:
        if isinstance(other, int):
            return self if other == 0 else WideVal(self.bits | other, self.wide)
        if not isinstance(other, WideVal):
            return NotImplemented
        if self.wide == other.wide:
            return self if self.bits | other.bits == self.bits else WideVal(
                self.bits | other.bits, self.wide
            )
        return WideVal(
            self.bits | other.bits,
            tuple(_union(a, b) for a, b in zip(self.wide, other.wide, strict=True)),
        )

    __ror__ = __or__

    def __bool__(self) -> bool:
        return bool(self.bits) or any(self.wide)


FlowVal = int | WideVal
"""Packed bit fields (see the module docstring), with intervals for wide meters; 0 is the empty
set."""
Prepared = (
    tuple[
        int, int, int, int,
        tuple[tuple[int, int, str, int, int], ...],
        tuple[tuple[int, int, tuple[int, ...]], ...],
        tuple[tuple[int, str, int, int, int], ...],
    ]
    | None
)
"""An option as :meth:`FlowSpace.transfer` applies it: set-on, clear-on, set-off and
clear-off masks, meter effects (offset, width, op, amount, min), group tables (offset,
field mask, field → new field), and wide meter effects (index, op, amount, min, max)."""


def _bits(val: FlowVal) -> int:
    return val.bits if isinstance(val, WideVal) else val


@dataclass(frozen=True, slots=True)
class FlowSpace:
    """Bit layout of flow values for one story."""

    flags: tuple[str, ...]
    meters: tuple[str, ...]
    lo: tuple[int, ...]
    hi: tuple[int, ...]
    offsets: tuple[int, ...]
    """Bit offset of each meter's field (-1 for a wide meter)."""
    flag_bit: dict[str, int]
    """Flag → its "could be set" bit."""
    groups: tuple[tuple[str, ...], ...] = ()
    """Groups of flags read together by one block: their combinations are tracked jointly."""
    group_offsets: tuple[int, ...] = ()
    """Bit offset of each group's field (``2 ** len(group)`` bits, one per combination)."""
    wide_index: tuple[int, ...] = ()
    """Per meter, its place among the wide meters' intervals (-1 for a narrow meter)."""
    n_wide: int = 0

    @classmethod
    def of(
        cls,
        story: Story,
        only: set[str] | frozenset[str] | None = None,
        groups: tuple[tuple[str, ...], ...] = (),
    ) -> FlowSpace:
        """The layout for ``story``: every declared flag and meter, or those in ``only``, plus
        joint fields for ``groups`` of flags."""
        meters = tuple(m for m in story.meters if only is None or m in only)
        flags = tuple(f for f in story.flags if only is None or f in only)
        lo = tuple(story.meters[m].min for m in meters)
        hi = tuple(story.meters[m].max for m in meters)
        offsets: list[int] = []
        wide_index: list[int] = []
        n_wide = 0
        at = 2 * len(flags)
        for a, b in zip(lo, hi, strict=True):
            if b - a + 1 > BITS_LIMIT:
                offsets.append(-1)
                wide_index.append(n_wide)
                n_wide += 1
            else:
                offsets.append(at)
                wide_index.append(-1)
                at += b - a + 1
        group_offsets: list[int] = []
        for group in groups:
            group_offsets.append(at)
            at += 1 << len(group)
        return cls(flags, meters, lo, hi, tuple(offsets), {f: 1 << k for k, f in enumerate(flags)},
                   groups, tuple(group_offsets), tuple(wide_index), n_wide)

    def concrete(self, flags: set[str] | frozenset[str], meters: dict[str, int]) -> FlowVal:
        """The flow value holding exactly one concrete state."""
        nf = len(self.flags)
        bit = self.flag_bit
        on = 0
        for f in flags:
            on |= bit.get(f, 0)
        val = on | ((((1 << nf) - 1) & ~on) << nf)
        wide: list[Intervals] = []
        for m, lo, off in zip(self.meters, self.lo, self.offsets, strict=True):
            if off < 0:
                wide.append(((meters[m], meters[m]),))
            else:
                val |= 1 << (off + meters[m] - lo)
        for group, off in zip(self.groups, self.group_offsets, strict=True):
            combo = sum(1 << k for k, f in enumerate(group) if f in flags)
            val |= 1 << (off + combo)
        return WideVal(val, tuple(wide)) if self.n_wide else val


    def start(self, story: Story) -> FlowVal:
        """The value at the start: every flag clear, every meter at its start."""
        return self.concrete(set(), {m: story.meters[m].initial for m in self.meters})

    def prepare(self, opt: Opt) -> Prepared:
        """Precompute what :meth:`transfer` needs from an option (None: changes nothing)."""
        if opt.choice is None:
            return None
        nf = len(self.flags)
        set_on = sum(1 << self.flags.index(f) for f in opt.set_names if f in self.flags)
        clear_on = sum(1 << self.flags.index(f) for f in opt.clear_names if f in self.flags)
        effects = []
        wide_effects = []
        for m, op, amount, lo, hi in opt.effects:
            if m in self.meters:
                k = self.meters.index(m)
                if self.offsets[k] < 0:
                    wide_effects.append((self.wide_index[k], op, amount, lo, hi))
                else:
                    effects.append((self.offsets[k], hi - lo, op, amount, lo))
        tables = []
        for group, off in zip(self.groups, self.group_offsets, strict=True):
            set_c = sum(1 << k for k, f in enumerate(group) if f in opt.set_names)
            clear_c = sum(1 << k for k, f in enumerate(group) if f in opt.clear_names)
            if set_c or clear_c:
                combos = 1 << len(group)
                table = tuple(
                    sum(1 << ((c | set_c) & ~clear_c) for c in range(combos) if field >> c & 1)
                    for field in range(1 << combos)
                )
                tables.append((off, (1 << combos) - 1, table))
        if not (set_on or clear_on or effects or tables or wide_effects):
            return None
        return (set_on, clear_on, set_on << nf, clear_on << nf, tuple(effects), tuple(tables),
                tuple(wide_effects))

    @staticmethod
    def transfer(val: FlowVal, prep: Prepared) -> FlowVal:
        """The values after taking an option (the runtime's order: effects, set, then clear)."""
        if prep is None:
            return val
        if isinstance(val, WideVal):
            wide = list(val.wide)
            for idx, op, amount, lo, hi in prep[6]:
                wide[idx] = _shift(wide[idx], op, amount, lo, hi)
            bits = FlowSpace.transfer(val.bits, (*prep[:6], ()))
            assert isinstance(bits, int)
            return WideVal(bits, tuple(wide))
        set_on, clear_on, set_off, clear_off, effects, tables, _wide = prep
        for off, width, op, amount, lo in effects:
            fmask = (1 << (width + 1)) - 1
            bits = (val >> off) & fmask
            if op == "=":
                new = 1 << (min(max(amount, lo), lo + width) - lo)
            elif amount >= 0:
                shifted = bits << amount
                new = (shifted & fmask) | ((1 << width) if shifted >> (width + 1) else 0)
            else:
                down = -amount
                new = (bits >> down) | (1 if bits & ((1 << down) - 1) else 0)
            val = (val & ~(fmask << off)) | (new << off)
        for off, fmask, table in tables:
            field = (val >> off) & fmask
            val = (val & ~(fmask << off)) | (table[field] << off)
        val = (val | set_on) & ~clear_on
        return (val & ~set_off) | clear_off

    def flag_values(self, val: FlowVal) -> tuple[frozenset[str], frozenset[str]]:
        """(flags that can be set, flags that can be clear) in ``val``."""
        nf = len(self.flags)
        bits = _bits(val)
        on = frozenset(f for k, f in enumerate(self.flags) if bits >> k & 1)
        off = frozenset(f for k, f in enumerate(self.flags) if bits >> (nf + k) & 1)
        return on, off

    def meter_bits(self, val: FlowVal, meter: str) -> tuple[int, int]:
        """(bit set of the meter's possible values, its minimum); the meter must be narrow."""
        k = self.meters.index(meter)
        mask = (1 << (self.hi[k] - self.lo[k] + 1)) - 1
        return (_bits(val) >> self.offsets[k]) & mask, self.lo[k]

    def intervals(self, val: FlowVal, meter: str) -> Intervals:
        """The meter's possible values in ``val`` as intervals (narrow or wide)."""
        k = self.meters.index(meter)
        if self.offsets[k] < 0:
            return val.wide[self.wide_index[k]] if isinstance(val, WideVal) else ()
        bits, lo = self.meter_bits(val, meter)
        out: list[tuple[int, int]] = []
        for i in range(bits.bit_length()):
            if bits >> i & 1:
                if out and out[-1][1] == lo + i - 1:
                    out[-1] = (out[-1][0], lo + i)
                else:
                    out.append((lo + i, lo + i))
        return tuple(out)

    def widen(self, old: FlowVal, new: FlowVal) -> FlowVal:
        """``new`` with every wide meter that changed since ``old`` set to its whole range."""
        if not isinstance(new, WideVal) or not isinstance(old, WideVal):
            return new
        whole = [
            ((lo, hi),) for lo, hi, off in zip(self.lo, self.hi, self.offsets, strict=True)
            if off < 0
        ]
        wide = tuple(
            w if w == o or not o else whole[i]
            for i, (w, o) in enumerate(zip(new.wide, old.wide, strict=True))
        )
        return WideVal(new.bits, wide)

    def values(
        self, val: FlowVal, var: str | None, cuts: tuple[int, ...] | None = None
    ) -> list[View]:
        """One view per possible value of ``var`` (a meter or flag) in ``val``; for a wide meter,
        one per band between ``cuts`` (the thresholds that matter, see :func:`block_cuts`)."""
        if var is None:
            return [View({}, frozenset(), {})]
        if var in self.flags:
            on, off = self.flag_values(val)
            out = []
            if var in on:
                out.append(View({}, frozenset({var}), {}))
            if var in off:
                out.append(View({}, frozenset(), {}))
            return out
        k = self.meters.index(var)
        if self.offsets[k] < 0:
            reps: list[int] = []
            for a, b in self.intervals(val, var):
                reps.append(a)
                reps.extend(c for c in cuts or () if a < c <= b)
            return [View({var: v}, frozenset(), {}) for v in reps]
        bits, lo = self.meter_bits(val, var)
        return [View({var: lo + i}, frozenset(), {}) for i in range(bits.bit_length())
                if bits >> i & 1]

    def group_views(self, val: FlowVal, group: tuple[str, ...]) -> list[View]:
        """One view per combination of a flag group's values in ``val``."""
        k = self.groups.index(group)
        field = (_bits(val) >> self.group_offsets[k]) & ((1 << (1 << len(group))) - 1)
        return [
            View({}, frozenset(f for j, f in enumerate(group) if c >> j & 1), {})
            for c in range(1 << len(group))
            if field >> c & 1
        ]

    def range(self, val: FlowVal, meter: str) -> tuple[int, int] | None:
        """(lowest, highest) value of ``meter`` in ``val`` (None when empty)."""
        if self.offsets[self.meters.index(meter)] < 0:
            ivs = self.intervals(val, meter)
            return (ivs[0][0], ivs[-1][1]) if ivs else None
        bits, lo = self.meter_bits(val, meter)
        if not bits:
            return None
        return lo + (bits & -bits).bit_length() - 1, lo + bits.bit_length() - 1


def rpo(n: int, edges: Sequence[int], offsets: Sequence[int]) -> tuple[list[int], bool]:
    """Reverse post-order of the nodes below ``n`` reachable from node 0, and whether the graph
    they span is acyclic (then the order is topological)."""
    seen = bytearray(n)
    on_stack = bytearray(n)
    post: list[int] = []
    acyclic = True
    stack: list[tuple[int, int]] = [(0, offsets[0])]
    seen[0] = on_stack[0] = 1
    while stack:
        u, j = stack[-1]
        end = offsets[u + 1]
        while j < end:
            v = edges[j]
            j += 1
            if v >= n:
                continue
            if not seen[v]:
                seen[v] = on_stack[v] = 1
                stack[-1] = (u, j)
                stack.append((v, offsets[v]))
                break
            if on_stack[v]:
                acyclic = False
        else:
            stack.pop()
            on_stack[u] = 0
            post.append(u)
    post.reverse()
    return post, acyclic


def forward(
    space: FlowSpace,
    start: FlowVal,
    n: int,
    edges: Sequence[int],
    offsets: Sequence[int],
    edge_opts: Sequence[Opt],
    order: list[int] | None = None,
) -> list[FlowVal]:
    """The flow value at each of the first ``n`` nodes (node 0 is the start): a least fixpoint,
    computed in reverse post-order passes (one pass when the graph has no cycle)."""
    prepared: dict[int, Prepared] = {}
    preps: list[Prepared] = []
    for opt in edge_opts:
        key = id(opt)
        if key not in prepared:
            prepared[key] = space.prepare(opt)
        preps.append(prepared[key])
    if order is None:
        order = rpo(n, edges, offsets)[0]
    pos = [0] * n
    for i, u in enumerate(order):
        pos[u] = i
    vals: list[FlowVal] = [0] * n
    vals[0] = start
    dirty = bytearray(n)
    dirty[0] = 1
    transfer = space.transfer
    memo: dict[tuple[int, FlowVal], FlowVal] = {}
    again = True
    passes = 0
    widening = False
    while again:
        again = False
        passes += 1
        if passes > EXACT_PASSES and space.n_wide and not widening:
            widening = True
            memo.clear()
        for u in order:
            if not dirty[u]:
                continue
            dirty[u] = 0
            here = vals[u]
            pu = pos[u]
            for j in range(offsets[u], offsets[u + 1]):
                v = edges[j]
                if v >= n:
                    continue
                prep = preps[j]
                if prep is None:
                    nxt = here
                else:
                    mkey = (id(prep), here)
                    got = memo.get(mkey)
                    if got is None:
                        got = memo[mkey] = transfer(here, prep)
                    nxt = got
                old = vals[v]
                new = old | nxt
                if widening and new != old:
                    new = space.widen(old, new)
                if new != old:
                    vals[v] = new
                    dirty[v] = 1
                    if pos[v] <= pu:
                        again = True
    return vals


def eval_flow_blocks(
    space: FlowSpace,
    blocks: Sequence[Block],
    val: FlowVal,
    hits: dict[tuple[tuple[str | int, ...], int], set[int]],
    run: Callable[[tuple[Block, ...], View, dict[tuple[tuple[str | int, ...], int], set[int]]],
                  None],
) -> None:
    """Evaluate flow blocks for every value (or combination) their variables can have."""
    for block in blocks:
        views = (
            space.group_views(val, block.names) if len(block.names) > 1
            else space.values(val, block.var, block_cuts(_tree_conds(block), block.var))
        )
        for view in views:
            run((block,), view, hits)


def _tree_conds(block: Block) -> tuple[ex.Expr, ...]:
    out: list[ex.Expr] = []
    stack = [block]
    while stack:
        b = stack.pop()
        out.extend(br.cond for br in b.branches if br.cond is not None)
        for body in b.bodies:
            stack.extend(body)
    return tuple(out)


@lru_cache(maxsize=4096)
def block_cuts(conds: tuple[ex.Expr, ...], var: str | None) -> tuple[int, ...]:
    """Where the conditions on one meter can change value: every comparison is
    ``k·var op c``, whose truth is constant between the cuts ``⌊c/k⌋`` and ``⌊c/k⌋ + 1``, so
    one value per band between the sorted cuts shows every outcome."""
    if var is None:
        return ()
    cuts: set[int] = set()
    stack = list(conds)
    while stack:
        node = stack.pop()
        if isinstance(node, ex.Compare):
            got = ex.linear_cuts(node, var)
            if got is not None:
                cuts.update(got)
                continue
        stack.extend(ex.children(node))
    return tuple(sorted(cuts))


__all__ = [
    "BITS_LIMIT",
    "FlowSpace",
    "FlowVal",
    "WideVal",
    "block_cuts",
    "eval_flow_blocks",
    "forward",
    "rpo",
]
