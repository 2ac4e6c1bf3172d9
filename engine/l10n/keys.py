"""Every translatable string of a story, each under a stable key built from ids.

The key becomes the PO entry's ``msgctxt``: ``SCENE.title``, ``SCENE.text``,
``SCENE.ending.title``, ``SCENE.reflect.prompt``, ``SCENE.checkin.ITEM``, ``SCENE.CHOICE.say``,
``SCENE.CHOICE.reflect.prompt``; the story's own strings start with ``@`` (which no scene id
can): ``@story.title``, ``@story.summary``, ``@content_notes.N``, ``@cast.ID.name|role|about``,
``@meter.ID.label|description``, ``@fact.ID``. A choice without an ``id`` is keyed by its place
(``SCENE.choice-2.say``), which changes when choices are reordered: extraction warns about it.

The same walk serves a validated :class:`~crossroads.engine.model.Story` (extraction, where the
source positions are known) and a :class:`~crossroads.engine.playable.PlayStory` (playing a
translation, with no pydantic): both have the same attribute names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

DataPath = tuple[str | int, ...]


class StoryString(NamedTuple):
    """One translatable string of a story."""

    key: str
    """The stable key (the PO ``msgctxt``)."""
    text: str
    """The source text."""
    path: DataPath
    """Where it sits in the story's data (for its source position)."""
    comment: str
    """For the translator: what the string is, the point of view and who speaks."""
    keyed_by_place: bool = False
    """True for a choice without an ``id``: its key changes if the choices are reordered."""


def choice_key(scene_id: str, index: int, choice_id: str | None) -> str:
    """The key part of a choice: its id, or ``choice-N`` (1-based) when it has none."""
    return f"{scene_id}.{choice_id}" if choice_id else f"{scene_id}.choice-{index + 1}"


def _who(story: Any, cast_id: str | None) -> str:
    if cast_id is None:
        return "no fixed point of view"
    member = story.cast.get(cast_id)
    if member is None:
        return cast_id
    role = f", {member.role}" if member.role else ""
    return f"{member.name} ({cast_id}{role})"


def story_strings(story: Any) -> Iterator[StoryString]:
    """Every translatable, non-empty string of ``story`` (a Story or a PlayStory), in the order
    a reader meets them in the file: the story's own strings, then scene by scene."""
    yield from _story_level(story)
    for scene_id, scene in story.scenes.items():
        yield from _scene_strings(story, scene_id, scene)


def _story_level(story: Any) -> Iterator[StoryString]:
    if story.title:
        yield StoryString("@story.title", story.title, ("title",), "the story's title")
    if story.summary:
        yield StoryString("@story.summary", story.summary, ("summary",),
                          "the story's summary, shown in the story picker")
    for i, note in enumerate(story.content_notes):
        yield StoryString(f"@content_notes.{i}", note, ("content_notes", i),
                          "a content note, shown before the story starts")
    for cid, member in story.cast.items():
        yield StoryString(f"@cast.{cid}.name", member.name, ("cast", cid, "name"),
                          "a person's name: copy it as it is, unless it changes in this language")
        for part in ("role", "about"):
            text = getattr(member, part)
            if text:
                yield StoryString(f"@cast.{cid}.{part}", text, ("cast", cid, part),
                                  f"the {part} of {member.name}")
    for mid, meter in story.meters.items():
        yield StoryString(f"@meter.{mid}.label", meter.label, ("meters", mid, "label"),
                          f"the label of the meter {mid!r}, shown beside its value")
        if meter.description:
            yield StoryString(f"@meter.{mid}.description", meter.description,
                              ("meters", mid, "description"), f"what the meter {mid!r} means")
    for fid, fact in story.facts.items():
        yield StoryString(f"@fact.{fid}", fact, ("facts", fid),
                          f"a fact, printed where the text says {{fact.{fid}}}")


def _scene_strings(story: Any, sid: str, scene: Any) -> Iterator[StoryString]:
    pov = _who(story, scene.pov or story.pov)
    base: DataPath = ("scenes", sid)
    if scene.title:
        yield StoryString(f"{sid}.title", scene.title, (*base, "title"),
                          f"scene {sid}: its heading; point of view: {pov}")
    if scene.text:
        yield StoryString(f"{sid}.text", scene.text, (*base, "text"),
                          f"scene {sid}: the passage (Markdown); point of view: {pov}; "
                          "speaker: the narrator")
    if scene.ending is not None:
        yield StoryString(f"{sid}.ending.title", scene.ending.title, (*base, "ending", "title"),
                          f"scene {sid}: the title of a {scene.ending.kind} ending")
    if scene.reflect is not None:
        yield StoryString(f"{sid}.reflect.prompt", scene.reflect.prompt,
                          (*base, "reflect", "prompt"),
                          f"scene {sid}: a reflection prompt, asked of the learner; "
                          f"point of view: {pov}")
    for i, item in enumerate(scene.checkin or ()):
        yield StoryString(f"{sid}.checkin.{item.id}", item.statement,
                          (*base, "checkin", i, "statement"),
                          f"scene {sid}: a statement the learner rates from 1 to 5")
    for i, choice in enumerate(scene.choices):
        key = choice_key(sid, i, choice.id)
        yield StoryString(f"{key}.say", choice.say, (*base, "choices", i, "say"),
                          f"scene {sid}: a choice; point of view: {pov}; speaker: the learner, "
                          "in that person's shoes",
                          keyed_by_place=not choice.id)
        if choice.reflect is not None:
            yield StoryString(f"{key}.reflect.prompt", choice.reflect.prompt,
                              (*base, "choices", i, "reflect", "prompt"),
                              f"scene {sid}: a reflection prompt asked after this choice",
                              keyed_by_place=not choice.id)
