"""The play state machine.

A :class:`Session` is pure: a story plus the same list of choices always gives the same state
(scene, meters clamped to their bounds, flags, visit counts, point of view). It records every
event (choices, reflections, check-in answers), serialises to JSON together with the story's
content hash, and refuses — with an explanation — a save made against another version of the story.

A session plays the story's plain form (:class:`~crossroads.engine.playable.PlayStory`); it may be
given a validated :class:`~crossroads.engine.model.Story` or that plain form. This module never
imports pydantic, so neither does ``crossroads play`` of a known-valid story.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.diagnostics import SaveError
from crossroads.engine.effects import parse_effect
from crossroads.engine.playable import (
    PlayCastMember,
    PlayChoice,
    PlayEnding,
    PlayReflect,
    PlayScene,
    PlayStory,
    playable,
)

if TYPE_CHECKING:
    from crossroads.engine.model import Story

SAVE_VERSION = 1
CONTINUE = -1
"""The option index of the "Continue" offered by a scene's ``next``."""


@dataclass(frozen=True, slots=True)
class State:
    """Everything conditions read: meters, set flags, visit counts."""

    meters: Mapping[str, int]
    flags: frozenset[str]
    visits: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Option:
    """A choice as offered to the learner in the current state."""

    index: int
    """Index into the scene's ``choices`` (or :data:`CONTINUE`)."""
    text: str
    """The rendered choice text."""
    enabled: bool
    """False for a locked choice shown because the story sets ``show_locked``."""
    to: str
    choice: PlayChoice | None
    """The choice itself (None for Continue)."""

    @property
    def key(self) -> str:
        """The choice's stable id, or ``#index`` / ``next``."""
        if self.choice is None:
            return "next"
        return self.choice.id or f"#{self.index}"


@dataclass(frozen=True, slots=True)
class Step:
    """One choice made: where, which, and what it led to."""

    scene: str
    index: int
    key: str
    to: str
    meters: dict[str, int]
    ms: int | None = None
    at: str = ""


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """A story's conditions and effects, compiled once, by (scene id, choice index)."""

    conditions: dict[tuple[str, int], ex.Evaluator | None]
    """Each choice's ``if`` as an evaluator of a session (None: always available)."""
    effects: dict[tuple[str, int], tuple[tuple[str, str, int], ...]]
    """Each choice's effects as ``(meter, "+" or "=", amount)``."""


def compile_rules(story: Story | PlayStory) -> CompiledRules:
    """The story's compiled conditions and effects (built once per story, then cached)."""
    plain = playable(story)
    cached: CompiledRules | None = plain.derived.get("runtime")
    if cached is None:
        cached = plain.derived["runtime"] = _build(plain)
    return cached


def _build(story: PlayStory) -> CompiledRules:
    flags = set(story.flags)
    conditions: dict[tuple[str, int], ex.Evaluator | None] = {}
    effects: dict[tuple[str, int], tuple[tuple[str, str, int], ...]] = {}
    for sid, scene in story.scenes.items():
        for i, choice in enumerate(scene.choices):
            conditions[(sid, i)] = (
                ex.compile_expr(ex.parse(choice.if_), flags) if choice.if_ is not None else None
            )
            effects[(sid, i)] = tuple(
                (meter, *parse_effect(value)) for meter, value in choice.effects.items()
            )
    return CompiledRules(conditions, effects)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Session:
    """A learner's playthrough of one story.

    Create one with :meth:`start`; advance it with :meth:`choose`; record reflections with
    :meth:`reflect` and check-ins with :meth:`checkin`.
    """

    story: PlayStory
    learner: str = "you"
    scene: str = ""
    meters: dict[str, int] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)
    taken_once: set[tuple[str, int]] = field(default_factory=set)
    steps: list[Step] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    started_at: str = ""
    began_with: tuple[dict[str, int], frozenset[str]] | None = None
    """The meters and flags an author's test began with (:meth:`at`); None from the start."""
    _compiled: CompiledRules | None = field(default=None, init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ creation
    @classmethod
    def start(cls, story: Story | PlayStory, learner: str = "you") -> Session:
        """Begin a new playthrough at the story's start scene."""
        story = playable(story)
        s = cls(story=story, learner=learner, started_at=_now())
        s.meters = {mid: m.initial for mid, m in story.meters.items()}
        s._enter(story.start)
        return s

    @classmethod
    def at(
        cls,
        story: Story | PlayStory,
        scene: str,
        meters: Mapping[str, int] | None = None,
        flags: Iterable[str] = (),
        learner: str = "you",
    ) -> Session:
        """Begin a playthrough at any scene with the given meters and flags (an author testing
        a branch). The session's story starts at ``scene``; meters not given keep their start.

        Raises:
            KeyError: ``scene`` or a meter is not in the story (callers check first).
        """
        plain = playable(story)
        if scene not in plain.scenes:
            raise KeyError(scene)
        s = cls(story=dataclasses.replace(plain, start=scene), learner=learner, started_at=_now())
        s.meters = {mid: m.initial for mid, m in plain.meters.items()}
        for mid, value in (meters or {}).items():
            spec = plain.meters[mid]
            s.meters[mid] = max(spec.min, min(spec.max, value))
        s.flags = set(flags)
        s.began_with = (dict(s.meters), frozenset(s.flags))
        s._enter(scene)
        return s

    def restarted(self) -> Session:
        """A new session of the same story and learner, at the state this one began in."""
        if self.began_with is None:
            return Session.start(self.story, self.learner)
        meters, flags = self.began_with
        return Session.at(self.story, self.story.start, meters, flags, self.learner)

    @classmethod
    def replay(
        cls, story: Story | PlayStory, choices: Sequence[int], learner: str = "you"
    ) -> Session:
        """Rebuild a session from option indices (deterministic).

        Raises:
            SaveError: a choice is not available at that point of the story.
        """
        s = cls.start(story, learner)
        for index in choices:
            s.choose(index)
        return s

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> State:
        """A snapshot of what conditions read."""
        return State(dict(self.meters), frozenset(self.flags), dict(self.visits))

    @property
    def current(self) -> PlayScene:
        """The current scene."""
        return self.story.scenes[self.scene]

    @property
    def pov(self) -> str | None:
        """The cast id whose shoes the learner is in now."""
        return self.story.pov_of(self.scene)

    @property
    def pov_member(self) -> PlayCastMember | None:
        """The cast member whose shoes the learner is in now."""
        who = self.pov
        return self.story.cast.get(who) if who else None

    @property
    def ending(self) -> PlayEnding | None:
        """The ending reached, if the current scene is one."""
        return self.current.ending

    @property
    def finished(self) -> bool:
        """True once an ending scene has been reached."""
        return self.current.ending is not None

    @property
    def path(self) -> list[str]:
        """The scenes visited, in order, starting with the start scene."""
        return [self.story.start, *(step.to for step in self.steps)]

    @property
    def choices_made(self) -> list[int]:
        """The option indices chosen so far (what :meth:`replay` takes)."""
        return [step.index for step in self.steps]

    def _enter(self, scene: str) -> None:
        self.scene = scene
        self.visits[scene] = self.visits.get(scene, 0) + 1

    # ------------------------------------------------------------------ text
    def _resolve(self, path: tuple[str, ...]) -> str:
        if path[0] == "learner":
            return self.learner
        if path[0] == "fact":
            return self.story.facts.get(path[1], "")
        member = self.story.cast.get(path[1])
        return str(getattr(member, path[2], "")) if member else ""

    def render(self, text: str) -> str:
        """Render text with ``{…}`` interpolation for the current state."""
        if "{" not in text and "}" not in text:
            return text
        return tp.render(tp.parse_template(text), self, set(self.story.flags), self._resolve)

    def passage(self) -> str:
        """The current scene's text, rendered (Markdown)."""
        return self.render(self.current.text)

    def ending_title(self) -> str:
        """The rendered title of the ending reached ('' when not at an ending)."""
        ending = self.ending
        return self.render(ending.title) if ending else ""

    # ------------------------------------------------------------------ choices
    def options(self) -> list[Option]:
        """The options offered now: available choices, locked ones when the story shows them,
        and "Continue" when nothing is available and the scene has ``next``."""
        scene = self.current
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = compile_rules(self.story)
        out: list[Option] = []
        any_enabled = False
        for i, choice in enumerate(scene.choices):
            if choice.once and (self.scene, i) in self.taken_once:
                continue
            cond = compiled.conditions[(self.scene, i)]
            ok = cond is None or bool(cond(self))
            if ok or self.story.show_locked:
                out.append(Option(i, self.render(choice.say), ok, choice.to, choice))
                any_enabled = any_enabled or ok
        if not any_enabled and scene.next is not None:
            out.append(Option(CONTINUE, "Continue", True, scene.next, None))
        return out

    def choose(self, index: int, ms: int | None = None) -> Step:
        """Take option ``index`` (a choice index or :data:`CONTINUE`).

        Args:
            index: the option's index, as in :attr:`Option.index`.
            ms: time the learner took, in milliseconds (recorded, not used for state).

        Raises:
            SaveError: the option is not available now.
        """
        option = next((o for o in self.options() if o.index == index and o.enabled), None)
        if option is None:
            raise SaveError(
                f"choice {index} is not available in scene {self.scene!r}",
            )
        from_scene = self.scene
        if option.choice is not None:
            self._apply(from_scene, index, option.choice)
        self._enter(option.to)
        step = Step(from_scene, index, option.key, option.to, dict(self.meters), ms, _now())
        self.steps.append(step)
        self.events.append(
            {
                "type": "choice",
                "scene": from_scene,
                "index": index,
                "key": option.key,
                "to": option.to,
                "meters": step.meters,
                "ms": ms,
                "at": step.at,
            }
        )
        return step

    def _apply(self, scene: str, index: int, choice: PlayChoice) -> None:
        compiled = self._compiled or compile_rules(self.story)
        for meter, op, amount in compiled.effects[(scene, index)]:
            spec = self.story.meters[meter]
            value = amount if op == "=" else self.meters[meter] + amount
            self.meters[meter] = max(spec.min, min(spec.max, value))
        self.flags.update(choice.set)
        self.flags.difference_update(choice.clear)
        if choice.once:
            self.taken_once.add((scene, index))

    def random_walk(self, rng: random.Random, max_steps: int = 10_000) -> list[int]:
        """Play to an ending (or ``max_steps``) choosing uniformly among enabled options."""
        chosen: list[int] = []
        while not self.finished and len(chosen) < max_steps:
            enabled = [o.index for o in self.options() if o.enabled]
            if not enabled:
                break
            index = rng.choice(enabled)
            self.choose(index)
            chosen.append(index)
        return chosen

    # ------------------------------------------------------------------ other records
    @property
    def choice_prompt(self) -> PlayReflect | None:
        """The reflection prompt of the choice just taken, while it waits for an answer: asked
        after the choice, before the next scene (``None`` when there is none, or it was
        answered or skipped)."""
        answered: set[str] = set()
        for event in reversed(self.events):
            if event["type"] == "choice":
                index = int(event["index"])
                if index < 0:
                    return None
                prompt = self.story.scenes[event["scene"]].choices[index].reflect
                return None if prompt is None or prompt.id in answered else prompt
            if event["type"] == "reflection":
                answered.add(str(event.get("prompt")))
        return None

    @property
    def prompt(self) -> PlayReflect | None:
        """The prompt :meth:`reflect` answers now: the last choice's, else this scene's."""
        return self.choice_prompt or self.current.reflect

    def reflect(
        self,
        text: str | None,
        visibility: Literal["private", "cohort", "bank"] = "private",
        anonymous: bool = False,
    ) -> dict[str, Any]:
        """Record the learner's reflection (``None`` = skipped): to the prompt of the choice just
        taken while it waits (:attr:`choice_prompt`), else to the current scene's.

        Raises:
            SaveError: there is no prompt to answer, or a required one was skipped.
        """
        after = self.choice_prompt
        prompt = after or self.current.reflect
        if prompt is None:
            raise SaveError(f"scene {self.scene!r} has no reflection prompt")
        if text is None and prompt.required:
            raise SaveError("this reflection is required")
        event: dict[str, Any] = {
            "type": "reflection",
            "scene": self.scene,
            "prompt": prompt.id,
            "text": text,
            "visibility": visibility,
            "anonymous": anonymous,
            "at": _now(),
        }
        if after is not None:
            last = self.steps[-1]
            event["scene"] = last.scene
            event["choice"] = last.key
        self.events.append(event)
        return event

    def checkin(self, answers: Mapping[str, int]) -> dict[str, Any]:
        """Record 1–5 answers to the current scene's check-in.

        Raises:
            SaveError: no check-in here, an unknown item, or an answer outside 1–5.
        """
        items = {item.id for item in self.current.checkin or []}
        if not items:
            raise SaveError(f"scene {self.scene!r} has no check-in")
        for key, value in answers.items():
            if key not in items:
                raise SaveError(f"check-in item {key!r} is not asked here")
            if not 1 <= int(value) <= 5:
                raise SaveError("check-in answers are 1 to 5")
        event = {
            "type": "checkin",
            "scene": self.scene,
            "answers": dict(answers),
            "at": _now(),
        }
        self.events.append(event)
        return event

    def answered_here(self, kind: Literal["reflection", "checkin"]) -> bool:
        """True when a reflection/check-in was recorded at the current visit of this scene."""
        for event in reversed(self.events):
            if event["type"] == "choice":
                return False
            if event["type"] == kind and event["scene"] == self.scene and self._own(event):
                return True
        return False

    def answered_at_scene(self, kind: Literal["reflection", "checkin"]) -> bool:
        """True when a reflection/check-in was recorded at this scene on any visit.

        A hub scene asks its prompt or check-in once per playthrough, not on every return.
        """
        return any(
            e["type"] == kind and e["scene"] == self.scene and self._own(e) for e in self.events
        )

    def _own(self, event: Mapping[str, Any]) -> bool:
        """Whether an event at this scene is the scene's own (not a choice's reflection)."""
        if event["type"] != "reflection" or "choice" in event:
            return "choice" not in event
        prompt = self.current.reflect
        return prompt is None or event.get("prompt") == prompt.id

    def reflections(self) -> list[dict[str, Any]]:
        """Every reflection event recorded, in order."""
        return [e for e in self.events if e["type"] == "reflection"]

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> dict[str, Any]:
        """Serialise the session (its events, from which the state is rebuilt)."""
        return {
            "version": SAVE_VERSION,
            "story": self.story.id,
            "story_hash": self.story.content_hash,
            "learner": self.learner,
            "started_at": self.started_at,
            "events": self.events,
        }

    def dumps(self) -> str:
        """The session as a JSON string."""
        return json.dumps(self.to_json(), ensure_ascii=False)

    @classmethod
    def from_json(cls, story: Story | PlayStory, data: Mapping[str, Any]) -> Session:
        """Rebuild a session from :meth:`to_json` output.

        Raises:
            SaveError: the save belongs to another story, another version of this story,
                or is damaged.
        """
        try:
            if data.get("version") != SAVE_VERSION:
                raise SaveError("this save was written by another version of Crossroads")
            if data["story"] != story.id:
                raise SaveError(f"this save belongs to the story {data['story']!r}")
            if data["story_hash"] != story.content_hash:
                raise SaveError(
                    f"the story {story.title!r} has changed since this save was made, so the "
                    "saved choices may no longer fit it; start again from the beginning"
                )
            s = cls.start(story, str(data.get("learner", "you")))
            s.started_at = str(data.get("started_at", s.started_at))
            for event in data["events"]:
                if event["type"] == "choice":
                    if event["scene"] != s.scene:
                        raise SaveError("the save does not match the story's scenes")
                    s.choose(int(event["index"]), event.get("ms"))
                    s.events[-1] = dict(event)
                    s.steps[-1] = Step(
                        event["scene"],
                        int(event["index"]),
                        event["key"],
                        event["to"],
                        dict(event["meters"]),
                        event.get("ms"),
                        event.get("at", ""),
                    )
                else:
                    s.events.append(dict(event))
            return s
        except (KeyError, TypeError, ValueError) as err:
            raise SaveError(f"the save is damaged ({err})") from err

    @classmethod
    def loads(cls, story: Story | PlayStory, text: str) -> Session:
        """Rebuild a session from :meth:`dumps` output.

        Raises:
            SaveError: see :meth:`from_json`; also for text that is not JSON.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise SaveError(f"the save is damaged (not JSON: {err.msg})") from err
        if not isinstance(data, dict):
            raise SaveError("the save is damaged")
        return cls.from_json(story, data)
