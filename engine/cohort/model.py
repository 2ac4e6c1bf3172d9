"""The records a cohort analysis produces: plain, frozen, JSON-ready.

Every distribution over a group smaller than the minimum group size is *withheld*: its counts are
``None`` and ``withheld`` is true, so no individual can be singled out. Totals stay visible.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from crossroads.engine.bank.base import SOURCE_LANG

MIN_GROUP = 3
"""The default minimum group size below which per-choice shares are withheld."""


@dataclass(frozen=True, slots=True)
class ChoiceShare:
    """How many took one choice at a scene."""

    key: str
    """The choice's stable key (its ``id``, ``#index``, or ``next`` for Continue)."""
    label: str
    """The choice's text (author text, rendered for the story's opening state)."""
    to: str
    count: int | None
    """None when the scene's group is below the minimum size."""
    share: float | None
    """count ÷ choices made at the scene, 0–1."""
    median_ms: float | None
    """Median time taken for this choice; None when fewer than the minimum group took it."""
    learners: int | None = None
    """Distinct learners who took it (a learner back at a scene counts once); None when
    withheld."""


@dataclass(frozen=True, slots=True)
class SceneSplit:
    """The cohort's split at one scene that offers choices."""

    scene: str
    title: str
    depth: int
    """Distance from the start scene (the column in the flow diagram)."""
    learners: int
    """Distinct learners who made a choice here."""
    made: int
    """Choices made here (a learner may pass a hub scene more than once)."""
    withheld: bool
    choices: tuple[ChoiceShare, ...]
    median_ms: float | None
    """Median time to choose at this scene; None when withheld or untimed."""


@dataclass(frozen=True, slots=True)
class Flow:
    """A link of the flow diagram: how many choices led from one scene to another."""

    source: str
    target: str
    count: int


@dataclass(frozen=True, slots=True)
class EndingCount:
    """How many playthroughs reached one ending."""

    scene: str
    title: str
    kind: str
    count: int | None


@dataclass(frozen=True, slots=True)
class StopCount:
    """How many unfinished playthroughs stopped at a scene."""

    scene: str
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class SplitPoint:
    """A scene where learners' paths first parted: how many pairs of paths parted here."""

    scene: str
    title: str
    pairs: int


@dataclass(frozen=True, slots=True)
class MeterSummary:
    """A meter's value at the end of the finished playthroughs."""

    meter: str
    label: str
    n: int
    withheld: bool
    mean: float | None
    median: float | None
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class CheckinChange:
    """One check-in item: its first and last answers and the change between them."""

    item: str
    statement: str
    first_scene: str
    last_scene: str
    n: int
    """Playthroughs that answered it both the first and the last time it is asked."""
    withheld: bool
    first_mean: float | None
    last_mean: float | None
    change: float | None
    """Mean of (last − first) per playthrough; None when the item is asked only once."""


@dataclass(frozen=True, slots=True)
class PromptCount:
    """The reflections written at one prompt: counts only, never text."""

    prompt: str
    scene: str
    shared: int
    """Shared with the cohort or the bank."""
    private: int
    skipped: int


@dataclass(frozen=True, slots=True)
class Divergence:
    """Where two paths first part."""

    a: str
    b: str
    scene: str | None
    """The scene where they chose differently; None when one path is a prefix of the other."""
    step: int
    """How many choices they made alike before parting."""


def language_words(lang: str | None) -> str | None:
    """A language filter in words: ``played in es``, ``played as written``; None for none."""
    if lang is None:
        return None
    return "played as written" if lang == SOURCE_LANG else f"played in {lang}"


@dataclass(frozen=True)
class CohortReport:
    """Everything a facilitator's report shows about one story played by a group."""

    story_id: str
    story_title: str
    cohort: str | None
    min_group: int
    learners: int
    started: int
    finished: int
    abandoned: int
    playing: int
    scenes: tuple[SceneSplit, ...]
    flows: tuple[Flow, ...]
    """Links of the flow diagram, from scenes whose group is large enough only."""
    endings: tuple[EndingCount, ...]
    endings_withheld: bool
    stops: tuple[StopCount, ...]
    stops_withheld: bool
    splits: tuple[SplitPoint, ...]
    meters: tuple[MeterSummary, ...]
    checkins: tuple[CheckinChange, ...]
    reflections: tuple[PromptCount, ...]
    similarity: tuple[tuple[float, ...], ...] | None = None
    """Path similarity between playthroughs (labels in ``similarity_labels``); None for groups
    too small (withheld) or too large to list pairwise."""
    similarity_labels: tuple[str, ...] = field(default_factory=tuple)
    lang: str | None = None
    """Whose playthroughs these are: those played in this language (``source``: as written);
    None: all of them, in whatever language."""

    @property
    def language(self) -> str | None:
        """Which playthroughs the report counts, in words (None: all of them)."""
        return language_words(self.lang)

    @property
    def completion(self) -> float | None:
        """Finished ÷ started (None when nothing was started)."""
        return self.finished / self.started if self.started else None

    @property
    def unfinished(self) -> int:
        """Playthroughs not at an ending (playing or abandoned)."""
        return self.started - self.finished

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready mapping."""
        data = asdict(self)
        data["completion"] = self.completion
        data["unfinished"] = self.unfinished
        return data
