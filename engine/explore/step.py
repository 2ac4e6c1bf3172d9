"""One step of the explorer: the reduced state after taking an option, canonicalised on arrival."""

from __future__ import annotations

from crossroads.engine.explore.abstraction import canonical
from crossroads.engine.explore.form import SLOT_FLAGS, SLOT_ONCE, Opt, State

__all__ = ["step", "step_slow"]


def step(state: State, opt: Opt) -> State:
    """The reduced state after taking ``opt`` in ``state`` (canonicalised on arrival)."""
    p = opt.plan
    if p is None:
        return step_slow(state, opt)
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


def step_slow(state: State, opt: Opt) -> State:
    """:func:`step` for meters too wide for lookup tables."""
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
