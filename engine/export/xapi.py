"""Playthroughs as xAPI 1.0.3 statements, for a Learning Record Store.

Per playthrough, in time order:

* ``initialized`` the story, at its start;
* ``experienced`` each scene entered (the start scene, then every scene a choice led to), with
  ``result.duration`` the time spent there before choosing;
* ``answered`` each choice: a ``cmi.interaction`` with ``interactionType: choice`` listing the
  scene's choices, ``result.response`` the key taken and ``result.duration`` the time taken;
* ``answered`` each written reflection: ``interactionType: long-fill-in``; ``result.response``
  carries the text only where its author shared it (``cohort`` or ``bank``) under their name —
  never private text, and an anonymous one gets no text and no time of its own;
* ``completed`` the story at an ending, with the whole duration and the ending.

Every statement of a playthrough has its ``registration`` (the playthrough id); learners are
pseudonymous ``account`` actors (their random bank id, never their name); the cohort is an
identified Group in ``context.team``; ``context.language`` is the language the playthrough was
played in (an RFC 5646 tag: ``es``, ``pt-BR``), ``en`` for the story as written. Statement ids
are UUIDv5 of (playthrough, event), so sending the same playthroughs again is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from crossroads.engine.bank.base import Bank, Playthrough, ReflectionRow, StepRow
from crossroads.engine.cohort.analysis import choice_labels
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.model import Story
from crossroads.engine.playable import prompt_text

VERSION = "1.0.3"
DEFAULT_BASE = "https://crossroads.invalid/xapi"
"""The IRI under which activities, accounts and extensions are named (override per site)."""
STATEMENT_NS = uuid.UUID("0b7c1d0e-7a43-4d7b-93a4-2f7c6c8e51a9")

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {name: {"id": ADL + name, "display": {"en-US": name}}
         for name in ("initialized", "experienced", "answered", "completed")}
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
MODULE = "http://adlnet.gov/expapi/activities/module"


def duration(ms: float | None) -> str | None:
    """An ISO 8601 duration for milliseconds (``PT1.75S``), to the hundredth of a second."""
    if ms is None or ms < 0:
        return None
    text = f"{ms / 1000:.2f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def _ms_between(start: str | None, end: str | None) -> float | None:
    from datetime import datetime

    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() * 1000


def language_tag(lang: str | None) -> str:
    """The RFC 5646 tag of the language a playthrough was played in (``pt_BR`` → ``pt-BR``);
    ``en`` for the story as written (stories are written in English)."""
    return "en" if lang is None else lang.replace("_", "-")


@dataclass(frozen=True)
class _Context:
    story: Story
    base: str
    team: dict[str, Any] | None
    actor_ids: dict[str, str]
    labels: dict[str, list[dict[str, Any]]]
    actor_home: str | None = None

    def story_iri(self) -> str:
        return f"{self.base}/stories/{self.story.id}"

    def activity(self, kind: str, ident: str | None = None) -> str:
        return self.story_iri() + (f"/{kind}/{ident}" if ident is not None else "")


class Builder:
    """Builds the statements of playthroughs of one story."""

    def __init__(self, story: Story, base: str = DEFAULT_BASE,
                 cohort: tuple[str, str] | None = None,
                 actor_ids: dict[str, str] | None = None,
                 actor_home: str | None = None) -> None:
        """``cohort``: (join code, name); ``actor_ids``: learner name → pseudonymous id;
        ``actor_home``: the accounts' homePage (a cohort server's URL; default ``base``)."""
        base = base.rstrip("/")
        team = None
        if cohort is not None:
            team = {"objectType": "Group", "name": cohort[1],
                    "account": {"homePage": base, "name": f"cohort:{cohort[0]}"}}
        labels: dict[str, list[dict[str, Any]]] = {}
        for (scene, key), info in choice_labels(story).items():
            labels.setdefault(scene, []).append(
                {"id": key, "description": {"en-US": info.label}})
        self.ctx = _Context(story, base, team, dict(actor_ids or {}), labels, actor_home)

    # ------------------------------------------------------------------ parts
    def actor(self, learner: str) -> dict[str, Any]:
        """The pseudonymous actor of a learner (their bank id, or a hash when unknown)."""
        ident = self.ctx.actor_ids.get(learner) or str(uuid.uuid5(STATEMENT_NS, f"l:{learner}"))
        home = self.ctx.actor_home or self.ctx.base
        return {"objectType": "Agent", "account": {"homePage": home, "name": ident}}

    def _context(self, pt: Playthrough, parent: bool) -> dict[str, Any]:
        ctx: dict[str, Any] = {"registration": str(uuid.UUID(pt.id)), "platform": "Crossroads",
                               "language": language_tag(pt.lang)}
        if parent:
            ctx["contextActivities"] = {"parent": [self._story_object()]}
        if self.ctx.team is not None:
            ctx["team"] = self.ctx.team
        return ctx

    def _story_object(self) -> dict[str, Any]:
        s = self.ctx.story
        definition: dict[str, Any] = {"name": {"en-US": s.title}, "type": SIMULATION}
        if s.summary:
            definition["description"] = {"en-US": s.summary}
        return {"objectType": "Activity", "id": self.ctx.story_iri(), "definition": definition}

    def _scene_object(self, scene: str) -> dict[str, Any]:
        found = self.ctx.story.scenes.get(scene)
        name = (found.title if found is not None else "") or scene
        return {"objectType": "Activity", "id": self.ctx.activity("scenes", scene),
                "definition": {"name": {"en-US": name}, "type": MODULE}}

    def _statement(self, pt: Playthrough, event: str, verb: str, obj: dict[str, Any],
                   at: str | None, result: dict[str, Any] | None = None,
                   parent: bool = True) -> dict[str, Any]:
        st: dict[str, Any] = {
            "id": str(uuid.uuid5(STATEMENT_NS, f"{pt.id}/{event}")),
            "actor": self.actor(pt.learner),
            "verb": VERBS[verb],
            "object": obj,
            "context": self._context(pt, parent),
            "timestamp": at or pt.started,
            "version": VERSION,
        }
        if result:
            st["result"] = result
        return st

    # ------------------------------------------------------------------ playthrough
    def playthrough(self, pt: Playthrough, steps: Iterable[StepRow],
                    reflections: Iterable[ReflectionRow] = ()) -> list[dict[str, Any]]:
        """Every statement of one playthrough, in order (``steps`` need their times)."""
        story = self.ctx.story
        events: list[tuple[int, StepRow | ReflectionRow]] = [(s.seq, s) for s in steps]
        events += [(r.seq, r) for r in reflections if r.written]
        events.sort(key=lambda e: e[0])
        out = [self._statement(pt, "initialized", "initialized", self._story_object(),
                               pt.started, parent=False)]
        scene, entered = story.start, pt.started

        def experienced(at: str | None, seq: int) -> dict[str, Any]:
            st = self._statement(pt, f"experienced/{seq}", "experienced",
                                 self._scene_object(scene), at)
            out.append(st)
            return st

        current = experienced(entered, -1)  # its duration is known once the choice is made
        for seq, ev in events:
            if isinstance(ev, StepRow):
                spent = duration(ev.ms)
                if spent:
                    current["result"] = {"duration": spent}
                out.append(self._choice(pt, ev))
                scene, entered = ev.to, ev.at or entered
                current = experienced(entered, seq)
            else:
                out.append(self._reflection(pt, ev, entered))
        if pt.status == "finished":
            out.append(self._completed(pt))
        return out

    def _choice(self, pt: Playthrough, step: StepRow) -> dict[str, Any]:
        scene = self.ctx.story.scenes.get(step.scene)
        name = (scene.title if scene is not None else "") or step.scene
        choices = self.ctx.labels.get(step.scene) or [
            {"id": step.key, "description": {"en-US": step.key}}]
        if not any(c["id"] == step.key for c in choices):
            choices = [*choices, {"id": step.key, "description": {"en-US": step.key}}]
        obj = {"objectType": "Activity", "id": self.ctx.activity("choices", step.scene),
               "definition": {"name": {"en-US": f"{name}: what do you do?"},
                              "type": INTERACTION, "interactionType": "choice",
                              "choices": choices}}
        result: dict[str, Any] = {"response": step.key}
        spent = duration(step.ms)
        if spent:
            result["duration"] = spent
        return self._statement(pt, f"answered/{step.seq}", "answered", obj, step.at, result)

    def _reflection(self, pt: Playthrough, r: ReflectionRow, entered: str | None
                    ) -> dict[str, Any]:
        prompt = prompt_text(self.ctx.story, r.prompt, r.scene)  # a scene's or a choice's
        obj = {"objectType": "Activity", "id": self.ctx.activity("prompts", r.prompt),
               "definition": {"name": {"en-US": f"Reflection: {r.prompt}"},
                              "description": {"en-US": prompt},
                              "type": INTERACTION, "interactionType": "long-fill-in"}}
        result: dict[str, Any] = {"completion": True}
        if r.text is not None:
            result["response"] = r.text
        # an anonymous reflection has no time of its own: it takes the scene's
        return self._statement(pt, f"reflected/{r.seq}", "answered", obj, r.at or entered,
                               result)

    def _completed(self, pt: Playthrough) -> dict[str, Any]:
        story = self.ctx.story
        ending = story.scenes.get(pt.ending or "")
        result: dict[str, Any] = {"completion": True}
        spent = duration(_ms_between(pt.started, pt.finished))
        if spent:
            result["duration"] = spent
        ext = {f"{self.ctx.base}/extensions/ending": pt.ending}
        if ending is not None and ending.ending is not None:
            ext[f"{self.ctx.base}/extensions/ending-kind"] = ending.ending.kind
        result["extensions"] = ext
        return self._statement(pt, "completed", "completed", self._story_object(),
                               pt.finished, result, parent=False)


def _groups(rows: Iterable[Any]) -> Iterator[tuple[str, list[Any]]]:
    """Consecutive rows of the same playthrough, as (playthrough, rows)."""
    current: str | None = None
    bucket: list[Any] = []
    for row in rows:
        if row.playthrough != current:
            if current is not None:
                yield current, bucket
            current, bucket = row.playthrough, []
        bucket.append(row)
    if current is not None:
        yield current, bucket


def statements(bank: Bank, story: Story, cohort: str | None = None,
               base: str = DEFAULT_BASE,
               server: tuple[str, dict[str, str]] | None = None,
               lang: str | None = None) -> Iterator[dict[str, Any]]:
    """Every statement of the story's playthroughs (one cohort's, or all; only those played in
    ``lang`` when given, ``"source"`` for the story as written), streamed.

    ``server``: (the cohort server's URL, learner name → the UUID it issued): actors become
    ``account {homePage: URL, name: UUID}``.

    Raises:
        UsageError: no cohort has that code.
        BankError: the bank cannot be read.
    """
    team = None
    if cohort is not None:
        found = bank.cohort(cohort)
        if found is None:
            raise UsageError(f"no cohort with the code {cohort!r} in the story bank {bank.url}")
        team = (found.code, found.name)
    playthroughs = {p.id: p for p in bank.playthroughs(story.id, cohort, lang)}
    actor_ids = {learner.name: learner.id for learner in bank.learners()}
    home = None
    if server is not None:
        home, actor_ids = server
    builder = Builder(story, base, team, actor_ids, home)
    steps = _groups(bank.steps_for(story.id, cohort, times=True))
    reflections = _groups(bank.reflections_for(story.id, cohort))
    # both streams come grouped by playthrough in the same (id) order
    next_steps = next(steps, None)
    next_refl = next(reflections, None)
    for pid in sorted(playthroughs):
        my_steps: list[StepRow] = []
        my_refl: list[ReflectionRow] = []
        while next_steps is not None and next_steps[0] < pid:  # one left out (its language)
            next_steps = next(steps, None)
        while next_refl is not None and (next_refl[0] or "") < pid:
            next_refl = next(reflections, None)
        if next_steps is not None and next_steps[0] == pid:
            my_steps = next_steps[1]
            next_steps = next(steps, None)
        if next_refl is not None and next_refl[0] == pid:
            my_refl = next_refl[1]
            next_refl = next(reflections, None)
        yield from builder.playthrough(playthroughs[pid], my_steps, my_refl)
