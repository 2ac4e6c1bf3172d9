"""The compiled form of a story that exploration, flow analysis and playtests share (data only).

:func:`crossroads.engine.explore.compiled.compile_story` builds it; the state-space reduction
(:mod:`crossroads.engine.explore.abstraction`) fills in the per-scene canonicalisers and step
plans. Nothing here imports another module of the explorer, so every one of them can import it.

The *projected* state the explorer memoises is a flat tuple::

    (scene, flag bits, once bits, meter₀, meter₁, …, visits₀, visits₁, …)

holding only what some condition can read: meters and flags named in an ``if:`` or an ``{if}``
block, and visit counts of scenes named by ``visited``/``visits``. Dropping the rest is sound:
effects on one meter never touch another, so nothing a condition reads depends on what was
dropped. A visit count only compared against constants is saturated one above the largest
constant (every larger count compares the same way); ``visited`` saturates at 1.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.model import Choice, Story
from crossroads.engine.sourcemap import Path

__all__ = [
    "FIRST_NUMERIC",
    "SLOT_FLAGS",
    "SLOT_ONCE",
    "Block",
    "Compiled",
    "FullEffect",
    "MeterMap",
    "Numeric",
    "Opt",
    "Plan",
    "SceneCanon",
    "SceneInfo",
    "State",
    "View",
]

SLOT_FLAGS, SLOT_ONCE, FIRST_NUMERIC = 1, 2, 3
"""Positions in a projected state: the scene is slot 0, then the flag bits, the ``once`` bits,
and from :data:`FIRST_NUMERIC` on the tracked meters and visit counts."""

State = tuple[int, ...]
"""A projected state (see the module docstring)."""

Numeric = tuple[int, str, int, int, int]
"""A tracked effect: (state slot, op ``+``/``=``, amount, min, max)."""
FullEffect = tuple[str, str, int, int, int]
"""An effect on any meter: (meter, op, amount, min, max)."""

@dataclass(slots=True)
class Opt:
    """One option of a scene: a choice, or the scene's Continue (``index == CONTINUE``)."""

    index: int
    cond: ex.Evaluator | None
    to: int
    to_id: str
    effects: tuple[FullEffect, ...] = ()
    tracked: tuple[Numeric, ...] = ()
    set_names: frozenset[str] = frozenset()
    clear_names: frozenset[str] = frozenset()
    set_mask: int = 0
    clear_mask: int = 0
    once_bit: int = 0
    choice: Choice | None = None
    vslot: int = -1
    """The target scene's visit slot in the projected state (-1: not tracked)."""
    vcap: int | None = None
    """Where the target's visit count saturates (None: exact)."""
    canon: SceneCanon | None = None
    """How to canonicalise a state arriving at the target."""
    plan: Plan | None = None
    """The whole step, precomputed (see :func:`crossroads.engine.explore.abstraction.plan`)."""

    @property
    def key(self) -> str:
        """The choice's stable id, ``#index``, or ``next`` (as ``runtime.Option.key``)."""
        if self.choice is None:
            return "next"
        return self.choice.id or f"#{self.index}"


@dataclass(slots=True)
class Block:
    """An ``{if}`` block with compiled branch conditions (``None`` for ``{else}``)."""

    key: tuple[Path, int]
    """(path of the text in the story, offset of the block) — unique per block."""
    branches: tuple[tp.Branch, ...]
    conds: tuple[ex.Evaluator | None, ...]
    bodies: tuple[tuple[Block, ...], ...]
    text: str
    flow: bool = False
    """True when the whole top-level block this belongs to reads no visit counts: its outcomes
    are then computed after exploring, from the values (or combinations of values) the
    variables it reads can have at the scene (:mod:`crossroads.engine.explore.flow`,
    :mod:`crossroads.engine.explore.joint`), instead of from the explored states."""
    var: str | None = None
    """The one meter or flag a flow block reads (None: none, or several)."""
    names: tuple[str, ...] = ()
    """Every meter and flag the whole top-level block reads, sorted."""


@dataclass(slots=True)
class SceneInfo:
    """Everything the stepper needs about one scene."""

    id: str
    index: int
    ending: bool
    reflect: bool
    choices: tuple[Opt, ...]
    cont: Opt | None
    blocks: tuple[Block, ...] = ()
    """Top-level state ``{if}`` blocks of texts rendered at this scene (text, prompt, ending
    title), evaluated in every explored state."""
    say_blocks: dict[int, tuple[Block, ...]] = field(default_factory=dict)
    """Top-level state ``{if}`` blocks of each choice's text, by choice index."""
    flow_blocks: tuple[Block, ...] = ()
    """Top-level flow blocks (see :attr:`Block.flow`) of texts rendered at this scene."""
    flow_say: dict[int, tuple[Block, ...]] = field(default_factory=dict)
    """Top-level flow blocks of each choice's text, by choice index."""
    assumes: ex.Evaluator | None = None
    """The scene's compiled ``assumes:`` (what its text takes for granted; proved per state)."""
    reads: tuple[ex.Expr, ...] = ()
    """The conditions whose values the explored state must keep here: the choices' ``if:``
    and the state blocks' conditions."""


@dataclass(slots=True)
class Compiled:
    """The whole story, compiled; see the module docstring for the state layout."""

    story: Story
    scenes: list[SceneInfo]
    index: dict[str, int]
    meters: tuple[str, ...]
    """Tracked meters, in slot order."""
    visit_scenes: tuple[str, ...]
    """Scenes whose visit counts are tracked, in slot order."""
    visit_caps: tuple[int | None, ...]
    flags: tuple[str, ...]
    """Tracked flags; bit k stands for ``flags[k]``."""
    flag_bit: dict[str, int]
    once_count: int
    visit_slot: list[int]
    """Per scene index: its visit slot, or -1 when not tracked."""
    visit_cap: list[int | None]
    initial: tuple[int, ...]
    canon: list[SceneCanon] = field(default_factory=list)
    """Per scene, how to canonicalise an arriving state
    (:mod:`crossroads.engine.explore.abstraction`)."""
    _flag_sets: dict[int, frozenset[str]] = field(default_factory=dict)

    def flag_set(self, bits: int) -> frozenset[str]:
        """The tracked flags set in ``bits`` (cached)."""
        got = self._flag_sets.get(bits)
        if got is None:
            got = frozenset(f for k, f in enumerate(self.flags) if bits >> k & 1)
            self._flag_sets[bits] = got
        return got

    def all_blocks(self) -> list[Block]:
        """Every ``{if}`` block of every rendered text, outer ones first."""
        out: list[Block] = []
        stack: list[Block] = []
        for scene in self.scenes:
            for top in (scene.blocks, scene.flow_blocks, *scene.say_blocks.values(),
                        *scene.flow_say.values()):
                stack.extend(reversed(top))
        seen: set[tuple[Path, int]] = set()
        while stack:
            block = stack.pop()
            if block.key in seen:
                continue
            seen.add(block.key)
            out.append(block)
            for body in reversed(block.bodies):
                stack.extend(reversed(body))
        return out

    def view(self, state: tuple[int, ...]) -> View:
        """What conditions read, for a projected state."""
        nm = len(self.meters)
        return View(
            dict(zip(self.meters, state[FIRST_NUMERIC : FIRST_NUMERIC + nm], strict=True)),
            self.flag_set(state[SLOT_FLAGS]),
            dict(zip(self.visit_scenes, state[FIRST_NUMERIC + nm :], strict=True)),
        )


@dataclass(slots=True)
class View:
    """A state as conditions read it (the :class:`crossroads.engine.expressions.State` protocol)."""

    meters: Mapping[str, int]
    flags: frozenset[str] | set[str]
    visits: Mapping[str, int]


# ---------------------------------------------------------------------- reduction (abstraction)


@dataclass(frozen=True, slots=True)
class MeterMap:
    """Canonicalisation of one meter at one scene: value → lowest value of its class.

    The classes are the bands between ``cuts`` (sorted; a class starts at each cut, the first at
    ``lo``). ``table`` maps ``value - lo`` to its class for meters narrow enough to tabulate
    (None for wider ones, which look the band up in ``cuts``).
    """

    slot: int
    lo: int
    table: tuple[int, ...] | None
    cuts: tuple[int, ...]
    hi: int

    def upper(self, rep: int) -> int:
        """The highest value in the class whose lowest value is ``rep``."""
        k = bisect.bisect_right(self.cuts, rep)
        return self.cuts[k] - 1 if k < len(self.cuts) else self.hi


@dataclass(frozen=True, slots=True)
class SceneCanon:
    """How to canonicalise a state on arriving at one scene."""

    flags: int
    """Live flag bits (others are cleared)."""
    once: int
    """Live ``once`` bits."""
    meters: tuple[MeterMap, ...]
    """Meters reduced to classes here (exact meters are absent)."""
    dead_visits: tuple[int, ...]
    """Visit slots nothing reads from here on (set to 0)."""
    identity: bool
    """True when canonicalising changes nothing."""


Plan = tuple[int, int, int, int, int, tuple[tuple[int, int, tuple[int, ...]], ...],
             tuple[tuple[int, int], ...]]
"""A precomputed step: (target, flag or-mask, flag and-mask, once or-mask, once and-mask,
meter updates (slot, min, value → new value table), visit updates (slot, cap or -1 to zero))."""
