"""Fixed strategies played through a whole story: does one always win?

A *policy* picks, in every state, which of the offered options a learner following it takes;
where it picks several (a tie, or nothing to prefer), every one is followed. The search covers
every state the policy can reach, exactly, under the story's rules (conditions, effects, ``once``,
visits, as :mod:`crossroads.engine.explore.step` steps them), so "this policy reaches only the
best endings" is a proof, with a shortest witness path to one of them.

- **Stance** ``s`` (for each stance some choice declares): take the options whose choice has
  ``stance: s`` where any is offered, otherwise each option in turn.
- **Greedy**: take the options whose effects raise the meters most — the sum over the meters of
  the change the effects actually make from the current values (clamped to the meter's range),
  each divided by that meter's range; tied options are all followed. Meters change with every
  step, so this search follows the concrete values of every meter an effect changes, beside the
  projected state.

A policy is reported (CR412, CR413) when every ending it reaches is one of the story's best
(``balance: {best: [...]}``, else the endings of kind ``good``), it never gets stuck, and the story
has some other ending a learner can reach. A search that passes ``max_states`` states stops and
makes no claim.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from crossroads.engine.explore.explorer import Explorer
from crossroads.engine.explore.form import Compiled, Opt, State
from crossroads.engine.explore.result import PolicyFinding, Witness, witness_step
from crossroads.engine.explore.step import step
from crossroads.engine.model import Story

__all__ = ["GREEDY", "PolicyFinding", "best_endings", "run_policies"]

GREEDY = "greedy"
"""The name of the greedy policy (stance policies are named after their stance)."""
# PolicyFinding lives in crossroads.engine.explore.result, with the other findings


def best_endings(story: Story) -> frozenset[str]:
    """The story's best endings: ``balance.best``, else every ending of kind ``good``."""
    if story.balance is not None and story.balance.best:
        return frozenset(story.balance.best)
    return frozenset(
        sid for sid, s in story.scenes.items() if s.ending is not None and s.ending.kind == "good"
    )


Key = tuple[State, tuple[int, ...]]
Chooser = Callable[[list[Opt], tuple[int, ...]], list[Opt]]


def run_policies(
    ex: Explorer, reachable_endings: set[str], max_states: int
) -> list[PolicyFinding]:
    """Play every stance policy and the greedy policy; return the ones that always win.

    Args:
        ex: the explorer of the compiled story (for the options offered in a state).
        reachable_endings: the endings exploration found reachable (no policy can win where
            every reachable ending is a best one, so nothing is reported then).
        max_states: the most states one policy's search may visit before giving up.
    """
    c = ex.c
    story = c.story
    best = best_endings(story)
    if not best & reachable_endings or reachable_endings <= best:
        return []
    out: list[PolicyFinding] = []
    stances = sorted(
        {ch.stance for s in story.scenes.values() for ch in s.choices if ch.stance is not None}
    )
    for stance in stances:
        got = _search(c, ex, _stance_chooser(stance), (), best, max_states)
        if got is not None:
            out.append(PolicyFinding(stance, *got))
    greedy = _greedy(c)
    if greedy is not None:
        chooser, meters, initial = greedy
        got = _search(c, ex, chooser, initial, best, max_states, meters)
        if got is not None:
            out.append(PolicyFinding(GREEDY, *got))
    return out


def _stance_chooser(stance: str) -> Chooser:
    def choose(offered: list[Opt], _values: tuple[int, ...]) -> list[Opt]:
        mine = [o for o in offered if o.choice is not None and o.choice.stance == stance]
        return mine or offered

    return choose


_Meters = dict[str, tuple[int, int, int]]
"""Meter → (position in the concrete values, min, max)."""


def _greedy(c: Compiled) -> tuple[Chooser, _Meters, tuple[int, ...]] | None:
    story = c.story
    changed: list[str] = []
    for info in c.scenes:
        for o in info.choices:
            for m, *_rest in o.effects:
                if m not in changed:
                    changed.append(m)
    names = [m for m in story.meters if m in changed and story.meters[m].max > story.meters[m].min]
    if not names:
        return None
    meters = {m: (k, story.meters[m].min, story.meters[m].max) for k, m in enumerate(names)}
    initial = tuple(story.meters[m].initial for m in names)

    def gain(o: Opt, values: tuple[int, ...]) -> Fraction:
        total = Fraction(0)
        for m, op, amount, lo, hi in o.effects:
            spec = meters.get(m)
            if spec is None:
                continue
            old = values[spec[0]]
            new = amount if op == "=" else old + amount
            new = lo if new < lo else hi if new > hi else new
            if new != old:
                total += Fraction(new - old, hi - lo)
        return total

    def choose(offered: list[Opt], values: tuple[int, ...]) -> list[Opt]:
        if len(offered) < 2:
            return offered
        gains = [gain(o, values) for o in offered]
        top = max(gains)
        return [o for o, g in zip(offered, gains, strict=True) if g == top]

    return choose, meters, initial


def _apply(o: Opt, values: tuple[int, ...], meters: _Meters) -> tuple[int, ...]:
    if not o.effects:
        return values
    out = list(values)
    for m, op, amount, lo, hi in o.effects:
        spec = meters.get(m)
        if spec is None:
            continue
        k = spec[0]
        v = amount if op == "=" else out[k] + amount
        out[k] = lo if v < lo else hi if v > hi else v
    return tuple(out)


def _search(
    c: Compiled,
    ex: Explorer,
    choose: Chooser,
    initial: tuple[int, ...],
    best: frozenset[str],
    max_states: int,
    meters: _Meters | None = None,
) -> tuple[tuple[str, ...], Witness, int] | None:
    """Breadth-first over the states the policy reaches; the finding when it always wins."""
    start: Key = (c.initial, initial)
    ids: dict[Key, int] = {start: 0}
    order: list[Key] = [start]
    parent: list[int] = [-1]
    via: list[Opt | None] = [None]
    reached: set[str] = set()
    first_best = -1
    i = 0
    while i < len(order):
        if len(order) > max_states:
            return None
        state, values = order[i]
        info = c.scenes[state[0]]
        if info.ending:
            if info.id not in best:
                return None
            reached.add(info.id)
            if first_best < 0:
                first_best = i
            i += 1
            continue
        offered, _view = ex.options(state)
        if not offered:
            return None  # stuck: the policy does not always win
        for o in choose(offered, values):
            nxt: Key = (step(state, o), _apply(o, values, meters) if meters else values)
            if nxt not in ids:
                ids[nxt] = len(order)
                order.append(nxt)
                parent.append(i)
                via.append(o)
        i += 1
    if first_best < 0:
        return None
    steps = []
    j = first_best
    while parent[j] >= 0:
        taken = via[j]
        assert taken is not None
        steps.append(witness_step(c, order[parent[j]][0][0], taken))
        j = parent[j]
    steps.reverse()
    return tuple(sorted(reached)), tuple(steps), len(order)
