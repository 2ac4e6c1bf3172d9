"""Play a translation: the story with each translated string put in place of its source.

A translation is a mapping from ``key + "\\x04" + source text`` (gettext's own form of a message
with a context) to the translated text. Keying by the source text too means a translation made
for an older version of a string is never shown: until the PO is updated and reviewed, the
learner reads the source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from crossroads.engine.l10n.keys import choice_key
from crossroads.engine.playable import (
    PlayCastMember,
    PlayChoice,
    PlayScene,
    PlayStory,
)

Translation = Mapping[str, str]


def message_id(key: str, text: str) -> str:
    """The lookup key of a message: its context and source text joined as gettext joins them."""
    return f"{key}\x04{text}"


class _Lookup:
    __slots__ = ("table",)

    def __init__(self, table: Translation) -> None:
        self.table = table

    def __call__(self, key: str, text: str) -> str:
        if not text:
            return text
        return self.table.get(message_id(key, text)) or text


def translate(story: PlayStory, table: Translation, lang: str) -> PlayStory:
    """``story`` with every string ``table`` translates replaced; the rest stays the source.

    The content hash stays the source's (the bank ties a playthrough to the story's version; the
    language is recorded beside it, in :attr:`PlayStory.lang`).
    """
    t = _Lookup(table)
    cast = {cid: PlayCastMember(t(f"@cast.{cid}.name", m.name), t(f"@cast.{cid}.role", m.role),
                                t(f"@cast.{cid}.about", m.about))
            for cid, m in story.cast.items()}
    meters = {mid: m._replace(label=t(f"@meter.{mid}.label", m.label),
                              description=t(f"@meter.{mid}.description", m.description))
              for mid, m in story.meters.items()}
    facts = {fid: t(f"@fact.{fid}", text) for fid, text in story.facts.items()}
    notes = tuple(t(f"@content_notes.{i}", n) for i, n in enumerate(story.content_notes))
    scenes = {sid: _scene(t, sid, s) for sid, s in story.scenes.items()}
    return dataclasses.replace(
        story,
        title=t("@story.title", story.title),
        summary=t("@story.summary", story.summary),
        cast=cast,
        meters=meters,
        facts=facts,
        content_notes=notes,
        scenes=scenes,
        lang=lang,
        derived={},
    )


def _scene(t: _Lookup, sid: str, scene: PlayScene) -> PlayScene:
    reflect = scene.reflect
    if reflect is not None:
        reflect = reflect._replace(prompt=t(f"{sid}.reflect.prompt", reflect.prompt))
    checkin = scene.checkin
    if checkin is not None:
        checkin = tuple(c._replace(statement=t(f"{sid}.checkin.{c.id}", c.statement))
                        for c in checkin)
    ending = scene.ending
    if ending is not None:
        ending = ending._replace(title=t(f"{sid}.ending.title", ending.title))
    return scene._replace(
        title=t(f"{sid}.title", scene.title),
        text=t(f"{sid}.text", scene.text),
        reflect=reflect,
        checkin=checkin,
        ending=ending,
        choices=tuple(_choice(t, choice_key(sid, i, c.id), c)
                      for i, c in enumerate(scene.choices)),
    )


def _choice(t: _Lookup, key: str, choice: PlayChoice) -> PlayChoice:
    reflect = choice.reflect
    if reflect is not None:
        reflect = reflect._replace(prompt=t(f"{key}.reflect.prompt", reflect.prompt))
    return choice._replace(say=t(f"{key}.say", choice.say), reflect=reflect)


__all__ = ["Translation", "message_id", "translate"]
