"""What exploring a story found: :class:`ExploreResult` and the witness paths in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from crossroads.engine.explore.coverage import ReflectionCoverage
from crossroads.engine.explore.form import Compiled, Opt
from crossroads.engine.model import Story
from crossroads.engine.sourcemap import Path

__all__ = [
    "ExploreResult",
    "PairStats",
    "PolicyFinding",
    "Progress",
    "Values",
    "Witness",
    "WitnessStep",
    "witness_step",
]

Progress = Callable[[int, int | None], None]
"""A progress callback: ``(done, total or None)``."""


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
    :func:`crossroads.engine.explore.dominance.compare_effects`)."""
    gt: bool = False
    """``a``'s effects leave some meter strictly higher."""
    together: int = 0
    """Explored states offering both."""


@dataclass(frozen=True, slots=True)
class PolicyFinding:
    """A policy that reaches only the best endings."""

    policy: str
    """A stance id, or :data:`GREEDY`."""
    endings: tuple[str, ...]
    """The endings it reaches (all best), sorted."""
    witness: Witness
    """A shortest path following the policy to one of them."""
    states: int
    """States the policy can reach."""


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
    broken: dict[str, Witness] = field(default_factory=dict)
    """Scene → a shortest path to a state there where its ``assumes:`` is false."""
    policies: list[PolicyFinding] = field(default_factory=list)
    """Fixed strategies that reach only the best endings
    (:mod:`crossroads.engine.explore.policy`)."""

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


def witness_step(c: Compiled, scene: int, opt: Opt) -> WitnessStep:
    """The witness step for taking ``opt`` at scene index ``scene``."""
    say = opt.choice.say if opt.choice is not None else "Continue"
    return WitnessStep(c.scenes[scene].id, opt.index, opt.key, say, opt.to_id)
