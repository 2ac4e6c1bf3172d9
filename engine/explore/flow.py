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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crossroads.engine.explore.form import Block, Opt, View
from crossroads.engine.model import Story

FlowVal = int
"""Packed bit fields (see the module docstring); 0 is the empty set."""
Prepared = (
    tuple[
        int, int, int, int,
        tuple[tuple[int, int, str, int, int], ...],
        tuple[tuple[int, int, tuple[int, ...]], ...],
    ]
    | None
)
"""An option as :meth:`FlowSpace.transfer` applies it: set-on, clear-on, set-off and
clear-off masks, meter effects (offset, width, op, amount, min), and group tables (offset,
field mask, field → new field)."""


@dataclass(frozen=True, slots=True)
class FlowSpace:
    """Bit layout of flow values for one story."""

    flags: tuple[str, ...]
    meters: tuple[str, ...]
    lo: tuple[int, ...]
    hi: tuple[int, ...]
    offsets: tuple[int, ...]
    """Bit offset of each meter's field."""
    flag_bit: dict[str, int]
    """Flag → its "could be set" bit."""
    groups: tuple[tuple[str, ...], ...] = ()
    """Groups of flags read together by one block: their combinations are tracked jointly."""
    group_offsets: tuple[int, ...] = ()
    """Bit offset of each group's field (``2 ** len(group)`` bits, one per combination)."""

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
        at = 2 * len(flags)
        for a, b in zip(lo, hi, strict=True):
            offsets.append(at)
            at += b - a + 1
        group_offsets: list[int] = []
        for group in groups:
            group_offsets.append(at)
            at += 1 << len(group)
        return cls(flags, meters, lo, hi, tuple(offsets), {f: 1 << k for k, f in enumerate(flags)},
                   groups, tuple(group_offsets))

    def concrete(self, flags: set[str] | frozenset[str], meters: dict[str, int]) -> FlowVal:
        """The flow value holding exactly one concrete state."""
        nf = len(self.flags)
        bit = self.flag_bit
        on = 0
        for f in flags:
            on |= bit.get(f, 0)
        val = on | ((((1 << nf) - 1) & ~on) << nf)
        for m, lo, off in zip(self.meters, self.lo, self.offsets, strict=True):
            val |= 1 << (off + meters[m] - lo)
        for group, off in zip(self.groups, self.group_offsets, strict=True):
            combo = sum(1 << k for k, f in enumerate(group) if f in flags)
            val |= 1 << (off + combo)
        return val


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
        for m, op, amount, lo, hi in opt.effects:
            if m in self.meters:
                k = self.meters.index(m)
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
        if not (set_on or clear_on or effects or tables):
            return None
        return set_on, clear_on, set_on << nf, clear_on << nf, tuple(effects), tuple(tables)

    @staticmethod
    def transfer(val: FlowVal, prep: Prepared) -> FlowVal:
        """The values after taking an option (the runtime's order: effects, set, then clear)."""
        if prep is None:
            return val
        set_on, clear_on, set_off, clear_off, effects, tables = prep
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
        on = frozenset(f for k, f in enumerate(self.flags) if val >> k & 1)
        off = frozenset(f for k, f in enumerate(self.flags) if val >> (nf + k) & 1)
        return on, off

    def meter_bits(self, val: FlowVal, meter: str) -> tuple[int, int]:
        """(bit set of the meter's possible values, its minimum)."""
        k = self.meters.index(meter)
        return (val >> self.offsets[k]) & ((1 << (self.hi[k] - self.lo[k] + 1)) - 1), self.lo[k]

    def values(self, val: FlowVal, var: str | None) -> list[View]:
        """One view per possible value of ``var`` (a meter or flag) in ``val``."""
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
        bits, lo = self.meter_bits(val, var)
        return [View({var: lo + i}, frozenset(), {}) for i in range(bits.bit_length())
                if bits >> i & 1]

    def group_views(self, val: FlowVal, group: tuple[str, ...]) -> list[View]:
        """One view per combination of a flag group's values in ``val``."""
        k = self.groups.index(group)
        field = (val >> self.group_offsets[k]) & ((1 << (1 << len(group))) - 1)
        return [
            View({}, frozenset(f for j, f in enumerate(group) if c >> j & 1), {})
            for c in range(1 << len(group))
            if field >> c & 1
        ]

    def range(self, val: FlowVal, meter: str) -> tuple[int, int] | None:
        """(lowest, highest) value of ``meter`` in ``val`` (None when empty)."""
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
    vals = [0] * n
    vals[0] = start
    dirty = bytearray(n)
    dirty[0] = 1
    transfer = space.transfer
    memo: dict[tuple[int, FlowVal], FlowVal] = {}
    again = True
    while again:
        again = False
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
            else space.values(val, block.var)
        )
        for view in views:
            run((block,), view, hits)


__all__ = ["FlowSpace", "FlowVal", "eval_flow_blocks", "forward", "rpo"]
