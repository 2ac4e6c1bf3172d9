"""The story as the player plays it: plain, immutable classes, without pydantic.

:class:`~crossroads.engine.runtime.Session` plays a :class:`PlayStory`. One is built either from a
validated :class:`~crossroads.engine.model.Story` (:func:`playable`) or straight from the cached
dump of a story that already validated (:meth:`PlayStory.from_data`), so ``crossroads play`` of a
known-valid file imports neither the YAML parser, the validator nor pydantic. The attribute names
are the pydantic models' (``scene.choices[0].if_``, ``story.meters["trust"].initial``…); defaults
too, since a cached dump leaves unset fields out. The parts are named tuples, the story a slotted
dataclass: on Python 3.11 each frozen dataclass costs about 0.4 ms to define, a named tuple a
tenth of that, and every millisecond counts before the first frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from crossroads.engine.model import Story

_NO_EFFECTS: Mapping[str, int | str] = MappingProxyType({})


class PlayCastMember(NamedTuple):
    """A person whose shoes a scene can put the learner in."""

    name: str
    role: str = ""
    about: str = ""


class PlayMeter(NamedTuple):
    """A bounded number the story tracks."""

    label: str
    min: int = 0
    max: int = 100
    start: int | None = None
    description: str = ""

    @property
    def initial(self) -> int:
        """The starting value (``start``, or ``min`` when unset)."""
        return self.min if self.start is None else self.start


class PlayReflect(NamedTuple):
    """A reflection prompt."""

    id: str
    prompt: str
    required: bool = False
    themes: dict[str, str] | None = None
    """The themes the authors expect (id: description), or None."""


class PlayChoice(NamedTuple):
    """One thing the learner can do in a scene."""

    say: str
    to: str
    if_: str | None = None
    effects: Mapping[str, int | str] = _NO_EFFECTS
    set: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()
    once: bool = False
    id: str | None = None
    stance: str | None = None
    reflect: PlayReflect | None = None


class PlayEnding(NamedTuple):
    """Marks a scene as an ending."""

    kind: Literal["good", "mixed", "hard"]
    title: str


class PlayCheckinItem(NamedTuple):
    """One 1–5 self-assessment statement."""

    id: str
    statement: str


class PlayScene(NamedTuple):
    """A passage of the story and what the learner can do next."""

    title: str = ""
    text: str = ""
    pov: str | None = None
    choices: tuple[PlayChoice, ...] = ()
    next: str | None = None
    reflect: PlayReflect | None = None
    checkin: tuple[PlayCheckinItem, ...] | None = None
    ending: PlayEnding | None = None
    assumes: str | None = None


class PlayPlace(NamedTuple):
    """A place the stories of a world share."""

    name: str
    about: str = ""


class PlayBalance(NamedTuple):
    """Which endings count as best when testing strategies."""

    best: tuple[str, ...] = ()


class PlayFacilitator(NamedTuple):
    """Notes for the person running a session."""

    objectives: tuple[str, ...] = ()
    session_plan: tuple[str, ...] = ()
    debrief: Mapping[str, tuple[str, ...]] = _NO_EFFECTS  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class PlayStory:
    """A whole story, ready to play (see the module docstring)."""

    id: str
    title: str
    start: str
    scenes: Mapping[str, PlayScene]
    content_hash: str
    """The validated story's :attr:`~crossroads.engine.model.Story.content_hash`."""
    summary: str = ""
    cast: Mapping[str, PlayCastMember] = field(default_factory=dict)
    pov: str | None = None
    meters: Mapping[str, PlayMeter] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    pairs_with: tuple[str, ...] = ()
    show_meters: bool = True
    show_locked: bool = False
    min_reflections: int = 3
    estimated_minutes: int | None = None
    tags: tuple[str, ...] = ()
    world: str | None = None
    places: Mapping[str, PlayPlace] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)
    stances: Mapping[str, str] = field(default_factory=dict)
    balance: PlayBalance | None = None
    content_notes: tuple[str, ...] = ()
    facilitator: PlayFacilitator | None = None
    lang: str | None = None
    """The language of a translation being played (``crossroads play --lang``); None: the
    source."""
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """A per-story cache for data other modules derive from it (compiled conditions, …)."""

    def pov_of(self, scene_id: str) -> str | None:
        """Return the cast id whose shoes the scene puts the learner in."""
        return self.scenes[scene_id].pov or self.pov

    @classmethod
    def from_data(cls, data: Mapping[str, Any], content_hash: str) -> PlayStory:
        """Build from ``Story.model_dump(by_alias=True)`` of a story that validated.

        Nothing is checked: use it only for data dumped from a valid story (``exclude_unset``
        dumps are fine). Raises KeyError/TypeError/AttributeError on data of another shape.
        """
        return cls(
            id=data["id"],
            title=data["title"],
            start=data["start"],
            scenes={sid: _scene(s) for sid, s in data["scenes"].items()},
            content_hash=content_hash,
            summary=data.get("summary", ""),
            cast={k: PlayCastMember(**v) for k, v in data.get("cast", {}).items()},
            pov=data.get("pov"),
            meters={k: PlayMeter(**v) for k, v in data.get("meters", {}).items()},
            flags=tuple(data.get("flags", ())),
            pairs_with=tuple(data.get("pairs_with", ())),
            show_meters=data.get("show_meters", True),
            show_locked=data.get("show_locked", False),
            min_reflections=data.get("min_reflections", 3),
            estimated_minutes=data.get("estimated_minutes"),
            tags=tuple(data.get("tags", ())),
            world=data.get("world"),
            places={k: PlayPlace(**v) for k, v in data.get("places", {}).items()},
            facts=dict(data.get("facts", {})),
            stances=dict(data.get("stances", {})),
            balance=_balance(data.get("balance")),
            content_notes=tuple(data.get("content_notes", ())),
            facilitator=_facilitator(data.get("facilitator")),
        )


def _balance(data: Mapping[str, Any] | None) -> PlayBalance | None:
    return None if data is None else PlayBalance(tuple(data.get("best", ())))


def _facilitator(data: Mapping[str, Any] | None) -> PlayFacilitator | None:
    if data is None:
        return None
    return PlayFacilitator(
        objectives=tuple(data.get("objectives", ())),
        session_plan=tuple(data.get("session_plan", ())),
        debrief={k: tuple(v) for k, v in data.get("debrief", {}).items()},
    )


def _scene(data: Mapping[str, Any]) -> PlayScene:
    reflect = data.get("reflect")
    checkin = data.get("checkin")
    ending = data.get("ending")
    return PlayScene(
        title=data.get("title", ""),
        text=data.get("text", ""),
        pov=data.get("pov"),
        choices=tuple(_choice(c) for c in data.get("choices", ())),
        next=data.get("next"),
        reflect=PlayReflect(**reflect) if reflect is not None else None,
        checkin=tuple(PlayCheckinItem(**c) for c in checkin) if checkin is not None else None,
        ending=PlayEnding(**ending) if ending is not None else None,
        assumes=data.get("assumes"),
    )


def _choice(data: Mapping[str, Any]) -> PlayChoice:
    return PlayChoice(
        say=data["say"],
        to=data["to"],
        if_=data.get("if"),
        effects=dict(data.get("effects", {})),
        set=tuple(data.get("set", ())),
        clear=tuple(data.get("clear", ())),
        once=data.get("once", False),
        id=data.get("id"),
        stance=data.get("stance"),
        reflect=PlayReflect(**reflect) if (reflect := data.get("reflect")) is not None else None,
    )


def prompt_text(story: Story | PlayStory, prompt_id: str, scene_id: str | None = None) -> str:
    """The text of the reflection prompt ``prompt_id`` (a scene's or a choice's), looked up at
    ``scene_id`` first; the id itself when the story has no such prompt."""
    scenes = story.scenes
    order = [scenes[scene_id]] if scene_id is not None and scene_id in scenes else []
    for scene in (*order, *scenes.values()):
        if scene.reflect is not None and scene.reflect.id == prompt_id:
            return scene.reflect.prompt
        for choice in scene.choices:
            if choice.reflect is not None and choice.reflect.id == prompt_id:
                return choice.reflect.prompt
    return prompt_id


def playable(story: Story | PlayStory) -> PlayStory:
    """The plain form of ``story`` (itself when it is one already; built once per Story)."""
    if isinstance(story, PlayStory):
        return story
    # ``model_copy`` shares the derived cache between copies: keep the story it was built from
    cached = story.derived.get("playable")
    if cached is None or cached[0] is not story:
        data = story.model_dump(by_alias=True, exclude_unset=True)
        cached = story.derived["playable"] = (story, PlayStory.from_data(data, story.content_hash))
    plain: PlayStory = cached[1]
    return plain
