"""Dominance between sibling choices that differ only in their meter effects (CR405)."""

from __future__ import annotations

from crossroads.engine.explore.form import Compiled, Opt

__all__ = ["choice_groups", "compare_effects"]


def choice_groups(c: Compiled, k: int) -> list[list[int]]:
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
