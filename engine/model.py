"""The crossroads/1 story format as pydantic models.

Every model forbids unknown keys (a typo is an error) and is frozen. Field descriptions become the
hover text in an author's editor through ``schema/story.schema.json``.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
)

from crossroads.engine.effects import EFFECT_PATTERN as _EFFECT
from crossroads.engine.expressions import MAX_NUMBER
from crossroads.engine.sourcemap import SourceMap

FORMAT = "crossroads/1"

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"),
]
"""A meter or flag name: letters, digits and underscores, not starting with a digit."""

SceneId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
"""A scene, story or prompt id: letters, digits, ``_``, ``-`` and ``.``."""

def _check_effect(value: object) -> int | str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("an effect is +n, -n or =n")
    if isinstance(value, str):
        match = _EFFECT.match(value.strip())
        if not match:
            raise ValueError(f"{value!r} is not an effect: write +n, -n or =n")
        digits = match.group(2)
        if len(digits) > 7 or int(digits) > MAX_NUMBER:
            raise ValueError(f"{_short(value)} is out of range: {_RANGE}")
    elif not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise ValueError(f"{_short(str(value))} is out of range: {_RANGE}")
    return value


_RANGE = f"numbers in a story lie within ±{MAX_NUMBER:,}"


def _short(text: str) -> str:
    return text if len(text) <= 20 else f"{text[:8]}…({len(text)} characters)"


Number = Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
"""A number in a story: within ±:data:`MAX_NUMBER` (1,000,000), so no sum can overflow."""


EffectValue = Annotated[
    int | str,
    BeforeValidator(_check_effect),
    WithJsonSchema(
        {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^[+=-]?\s*\d+$"}]}
    ),
]
"""``+n`` / ``-n`` (or a plain integer) change a meter by n; ``=n`` sets it."""


class Base(BaseModel):
    """Shared configuration: unknown keys are errors, models are immutable."""

    # defer_build: pydantic builds a model's validator on its first use, not at import — so a
    # command that imports the model without validating a story does not pay for it.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class CastMember(Base):
    """A person whose shoes a scene can put the learner in."""

    name: str = Field(description="The person's name, as the learner sees it.")
    role: str = Field(default="", description="Their role, e.g. 'newly promoted manager'.")
    about: str = Field(default="", description="A line of background shown when you become them.")


class Meter(Base):
    """A bounded number the story tracks, such as trust or time."""

    label: str = Field(description="The name the learner sees.")
    min: Number = Field(
        default=0, description="Lowest value; changes are clamped to it (at least -1,000,000)."
    )
    max: Number = Field(
        default=100, description="Highest value; changes are clamped to it (at most 1,000,000)."
    )
    start: Number | None = Field(default=None, description="Value at the start (default: min).")
    description: str = Field(default="", description="What this meter stands for.")

    @property
    def initial(self) -> int:
        """The starting value (``start``, or ``min`` when unset)."""
        return self.min if self.start is None else self.start


class Choice(Base):
    """One thing the learner can do in a scene."""

    say: str = Field(description="The choice's text; may use {…} interpolation.")
    to: str = Field(description="The id of the scene this choice leads to.")
    if_: str | None = Field(
        default=None,
        alias="if",
        description="A condition, e.g. 'trust >= 40 and not asked_leads'; hidden (or locked) "
        "when it is false.",
    )
    effects: dict[str, EffectValue] = Field(
        default_factory=dict,
        description="Meter changes: +n, -n, or =n to set. E.g. {time: -40, trust: +5}.",
    )
    set: list[str] = Field(default_factory=list, description="Flags this choice sets.")
    clear: list[str] = Field(default_factory=list, description="Flags this choice clears.")
    once: bool = Field(default=False, description="Disappears after it has been taken once.")
    id: SceneId | None = Field(
        default=None, description="A stable id for analytics, unchanged across edits."
    )
    stance: Identifier | None = Field(
        default=None,
        description="The stance this choice takes (an id under the story's 'stances:'); "
        "check --deep plays 'always this stance' through the story.",
    )
    reflect: Reflect | None = Field(
        default=None,
        description="A reflection prompt asked after the learner takes this choice, before the "
        "next scene.",
    )


MAX_THEMES = 20
"""The most themes a reflection prompt may declare."""

ThemeDescription = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""What an expected theme is about: its name first, then everyday words for it."""


class Reflect(Base):
    """A moment where the story asks the learner for an experience from their own life."""

    id: SceneId = Field(description="A stable id for the prompt; the story bank groups by it.")
    prompt: str = Field(
        description="Ask for a story, not an opinion: 'Think of a time… What happened?'"
    )
    required: bool = Field(default=False, description="The learner cannot skip it.")
    themes: (
        Annotated[dict[SceneId, ThemeDescription], Field(min_length=1, max_length=MAX_THEMES)]
        | None
    ) = Field(
        default=None,
        description="The themes the authors expect in the answers (id: description), e.g. "
        "{caring: 'Looking after family alongside work - a sick parent, school runs'}. "
        "`crossroads themes` and the report code reflections against them; those that fit none "
        f"are grouped as new themes. At most {MAX_THEMES}.",
    )


class Ending(Base):
    """Marks a scene as an ending."""

    kind: Literal["good", "mixed", "hard"] = Field(description="good, mixed or hard.")
    title: str = Field(description="The ending's title; may use {…} interpolation.")


class CheckinItem(Base):
    """One statement of a self-assessment, answered on a 1–5 scale."""

    id: SceneId = Field(description="Stable id; the same id at start and end measures change.")
    statement: str = Field(
        description="E.g. 'I know how the people two levels below me are doing'."
    )


class Scene(Base):
    """A passage of the story and what the learner can do next."""

    title: str = Field(default="", description="A short heading, e.g. 'Monday, 8:02'.")
    text: str = Field(default="", description="The passage, in Markdown, with {…} interpolation.")
    pov: str | None = Field(
        default=None, description="Whose shoes this scene puts the learner in (a cast id)."
    )
    choices: list[Choice] = Field(default_factory=list, description="What the learner can do.")
    next: str | None = Field(
        default=None,
        description="Where a scene with no available choice continues (offered as 'Continue').",
    )
    reflect: Reflect | None = Field(default=None, description="A reflection prompt at this scene.")
    checkin: list[CheckinItem] | None = Field(
        default=None, description="A short 1–5 self-assessment at this scene."
    )
    ending: Ending | None = Field(default=None, description="Makes this scene an ending.")
    assumes: str | None = Field(
        default=None,
        description="What this scene's text takes for granted, e.g. 'dana_spoke and trust >= 50'; "
        "check --deep proves it holds on every path that reaches the scene.",
    )


class Place(Base):
    """A place the stories of a world share."""

    name: str = Field(description="The place's name.")
    about: str = Field(default="", description="A line about it.")


class Balance(Base):
    """What check --deep counts as winning, when testing fixed strategies."""

    best: list[SceneId] = Field(
        default_factory=list,
        description="The ending scenes that count as the story's best (default: every ending of "
        "kind good).",
    )


class Facilitator(Base):
    """Notes for the person running a session with the story (printed by crossroads debrief)."""

    objectives: list[str] = Field(
        default_factory=list, description="What learners should take away."
    )
    session_plan: list[str] = Field(
        default_factory=list, description="The session, step by step (e.g. '10 min: play')."
    )
    debrief: dict[SceneId, list[str]] = Field(
        default_factory=dict,
        description="Debrief questions per reflection prompt id.",
    )


class World(Base):
    """What the stories of one world share: the cast, places and facts (stories/worlds/*.yaml)."""

    format: Literal["crossroads/1"] = Field(description="Always 'crossroads/1'.")
    id: SceneId = Field(description="The world's id: its file name without '.yaml'.")
    title: str = Field(default="", description="A name for the world.")
    cast: dict[SceneId, CastMember] = Field(
        default_factory=dict, description="The people of this world."
    )
    places: dict[SceneId, Place] = Field(default_factory=dict, description="Places, by id.")
    facts: dict[Identifier, str] = Field(
        default_factory=dict,
        description="What is true in this world, by id; a story prints one with {fact.ID}.",
    )


class Story(Base):
    """A whole branching story in the crossroads/1 format."""

    format: Literal["crossroads/1"] = Field(description="Always 'crossroads/1'.")
    id: SceneId = Field(description="The story's stable id, e.g. 'fifteen-to-eighty'.")
    title: str = Field(description="The title learners see.")
    summary: str = Field(default="", description="One or two sentences for the story picker.")
    cast: dict[SceneId, CastMember] = Field(
        default_factory=dict, description="The people whose shoes the learner can be in."
    )
    pov: str | None = Field(default=None, description="The default point of view (a cast id).")
    meters: dict[Identifier, Meter] = Field(
        default_factory=dict, description="Bounded numbers the story tracks (0..100 unless set)."
    )
    flags: list[Identifier] = Field(
        default_factory=list, description="Booleans the story remembers."
    )
    start: str = Field(description="The id of the first scene.")
    scenes: dict[SceneId, Scene] = Field(description="The scenes, by id.")
    pairs_with: list[SceneId] = Field(
        default_factory=list,
        description="Ids of stories that tell the same events from other views.",
    )
    show_meters: bool = Field(default=True, description="Show the meters to the learner.")
    show_locked: bool = Field(
        default=False, description="Show choices whose condition fails, disabled."
    )
    min_reflections: int = Field(
        default=3,
        ge=0,
        le=MAX_NUMBER,
        description="Fewest reflection prompts any path to an ending should have.",
    )
    estimated_minutes: int | None = Field(
        default=None,
        ge=1,
        le=MAX_NUMBER,
        description="How long a playthrough takes, for the picker.",
    )
    tags: list[str] = Field(default_factory=list, description="Free-form tags.")
    world: SceneId | None = Field(
        default=None,
        description="A shared world (stories/worlds/NAME.yaml) whose cast, places and facts this "
        "story uses.",
    )
    places: dict[SceneId, Place] = Field(
        default_factory=dict, description="Places, by id (the world's are added)."
    )
    facts: dict[Identifier, str] = Field(
        default_factory=dict,
        description="What is true in the story, by id, printable with {fact.ID} (the world's are "
        "added).",
    )
    stances: dict[Identifier, str] = Field(
        default_factory=dict,
        description="Stances a choice can take (id: what it means), e.g. {ask: 'asks a question'}.",
    )
    balance: Balance | None = Field(
        default=None, description="Which endings count as best when testing strategies."
    )
    content_notes: list[str] = Field(
        default_factory=list,
        description="Notes on difficult content, shown in the picker and before the first scene.",
    )
    facilitator: Facilitator | None = Field(
        default=None,
        description="Objectives, a session plan and debrief questions (crossroads debrief).",
    )

    _source: SourceMap | None = PrivateAttr(default=None)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)
    _world_source: SourceMap | None = PrivateAttr(default=None)

    @property
    def world_source(self) -> SourceMap | None:
        """Where the story's world came from (its file and positions), when it has one."""
        return self._world_source

    @property
    def derived(self) -> dict[str, Any]:
        """A per-story cache for data other modules derive from it (compiled conditions, …)."""
        return self._derived

    @property
    def source(self) -> SourceMap:
        """Where each part of the story came from (file and positions)."""
        if self._source is None:
            self._source = SourceMap(f"<{self.id}>")
        return self._source

    @cached_property
    def content_hash(self) -> str:
        """A hash of the story's content (not its formatting); saves are tied to it."""
        return hashlib.sha256(self.model_dump_json(by_alias=True).encode()).hexdigest()[:16]

    def pov_of(self, scene_id: str) -> str | None:
        """Return the cast id whose shoes the scene puts the learner in."""
        return self.scenes[scene_id].pov or self.pov
