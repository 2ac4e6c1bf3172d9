"""What both players (the Textual app and ``--plain``) do with a session, in one place.

:class:`Player` wraps a :class:`~crossroads.engine.runtime.Session` and a
:class:`~crossroads.engine.saves.SessionStore`: every choice, reflection and check-in goes through
it and is
saved before it returns, so the full UI and the plain mode record exactly the same things. The
helpers below derive what the screens show (the point of view, the path taken, meter histories).
Nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from crossroads.engine.diagnostics import CrossroadsError, SaveError
from crossroads.engine.records import Visibility
from crossroads.engine.runtime import CONTINUE, Option, Session, Step
from crossroads.engine.saves import SessionStore
from crossroads.tui.i18n import _

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory

Pending = Literal["checkin", "reflect", "choose", "ending"]
"""What the learner has to do next at the current scene."""


def in_language(story: Story | PlayStory, path: Path | None, lang: str | None) -> PlayStory:
    """``story`` as the learner reads it in ``lang`` (its translation in
    ``locale/LANG/STORY.po`` beside ``path``; untranslated and fuzzy strings stay the source),
    or as written when ``lang`` is None. Reads no PO file twice (see engine.l10n.locale).

    Raises:
        UsageError: the story has no translation into ``lang``.
        StoryError: the translation's PO file is broken.
    """
    from crossroads.engine.playable import playable

    plain = playable(story)
    if lang is None:
        return plain
    from crossroads.engine.diagnostics import UsageError
    from crossroads.engine.l10n.apply import translate
    from crossroads.engine.l10n.locale import check_lang, load_translation

    check_lang(lang)
    if path is None:
        raise UsageError(f"this story has no file to look for its {lang!r} translation beside")
    return translate(plain, load_translation(path, lang), lang)


@dataclass
class Opening:
    """How a story opens for a learner, as :func:`open_story` decided; :meth:`begin` starts it."""

    story: Story | PlayStory
    learner: str
    store: SessionStore
    saved: Session | None = None
    """An unfinished saved session that can be resumed."""
    ask: bool = False
    """Ask the learner whether to resume ``saved`` (otherwise it is resumed at once)."""
    problem: str | None = None
    """Why the saved progress could not be used; tell the learner before the story starts."""
    archived: bool = False
    """The unusable save was archived (never deleted) and the story starts afresh."""

    def begin(self, resume: bool = True) -> Player:
        """The player for this opening: the saved session when there is one and ``resume``,
        else a new session (an unused save is archived first, never deleted)."""
        if self.saved is not None:
            if resume:
                return Player(self.saved, self.store)
            self.store.discard(self.story, self.learner)
        return Player(Session.start(self.story, self.learner), self.store)


def open_story(
    story: Story | PlayStory, learner: str, store: SessionStore, *, resume: bool = False,
    fresh: bool = False,
) -> Opening:
    """Decide how ``story`` opens for ``learner``: the one place that does (full UI and plain).

    - ``fresh`` (play again): any save is archived and the story starts afresh.
    - A save that no longer fits the story (it changed since) is archived through
      :meth:`SessionStore.discard` and explained in ``problem``; the learner starts afresh
      without losing what they wrote. A finished save is archived silently.
    - An unfinished save is resumed at once with ``resume``, else the learner is asked.
    - A store that cannot be read (the story bank unreachable) is explained in ``problem``;
      nothing is archived and the story starts afresh.
    """
    if fresh:
        store.discard(story, learner)
        return Opening(story, learner, store)
    try:
        saved = store.load(story, learner)
    except SaveError as err:
        store.discard(story, learner)
        return Opening(story, learner, store, problem=str(err), archived=True)
    except (CrossroadsError, OSError) as err:
        return Opening(story, learner, store, problem=f"could not look for a saved session: {err}")
    if saved is not None and saved.finished:
        store.discard(story, learner)
        saved = None
    return Opening(story, learner, store, saved, ask=saved is not None and not resume)


@dataclass
class Player:
    """A session plus its store: every record is saved before the call returns."""

    session: Session
    store: SessionStore
    saves: int = 0
    """How many times the session was saved (the UI says "saved" only after a save returned)."""
    skipped_checkins: set[str] = field(default_factory=set)
    """Scenes whose check-in the learner skipped (not recorded, not asked again)."""
    behind: bool = False
    """The last save failed: the session holds records the store has not taken yet."""
    unsaved: list[str] = field(default_factory=list)
    """Reflections written since the last save that went through (a failed save keeps them in
    the session, and the next save takes them; shown to the learner if it never does)."""

    @property
    def story(self) -> PlayStory:
        """The story being played."""
        return self.session.story

    def save(self) -> None:
        """Persist the session now.

        Raises:
            NotSaved, OutputError: nothing could take it; the session keeps every record, so
                the next save takes them all.
        """
        try:
            self.store.save(self.session)
        except BaseException:
            self.behind = True
            raise
        self.saves += 1
        self.behind = False
        self.unsaved.clear()

    def pending(self) -> Pending:
        """What comes next at this scene: a check-in, a reflection, a choice, or the ending."""
        s = self.session
        if s.choice_prompt is not None:  # the last choice's own prompt, before this scene
            return "reflect"
        # once per scene and playthrough: a hub does not ask again each time it is revisited
        asked = s.answered_at_scene("checkin") or s.scene in self.skipped_checkins
        if s.current.checkin and not asked:
            return "checkin"
        if s.current.reflect is not None and not s.answered_at_scene("reflection"):
            return "reflect"
        return "ending" if s.finished else "choose"

    def choose(self, index: int, ms: int | None = None) -> Step:
        """Take an option and save.

        Raises:
            SaveError: the option is not available now.
        """
        step = self.session.choose(index, ms)
        self.save()
        return step

    def reflect(
        self, text: str | None, visibility: Visibility = "private", anonymous: bool = False
    ) -> None:
        """Record the reflection at this scene (``None`` = skipped) and save."""
        self.session.reflect(text, visibility, anonymous)
        if text:
            self.unsaved.append(text)
        self.save()

    def checkin(self, answers: Mapping[str, int] | None) -> None:
        """Record check-in answers and save; ``None`` skips the check-in for this visit."""
        s = self.session
        if answers is None:
            self.skipped_checkins.add(s.scene)
            return
        s.checkin(answers)
        self.save()

    def finish(self) -> None:
        """Close the playthrough after its ending: the store archives it."""
        self.store.discard(self.session.story, self.session.learner)


def pov_text(session: Session) -> str:
    """"Name, role" of whose shoes the learner is in now ('' when the story names nobody)."""
    member = session.pov_member
    if member is None:
        return ""
    return f"{member.name}, {member.role}" if member.role else member.name


def pov_changed(session: Session) -> bool:
    """True when the last step moved the learner into someone else's shoes."""
    if not session.steps:
        return False
    story = session.story
    return story.pov_of(session.steps[-1].scene) != story.pov_of(session.scene)


def scene_heading(story: Story | PlayStory, scene_id: str) -> str:
    """A scene's title, or its id when it has none."""
    return story.scenes[scene_id].title or scene_id


@dataclass(frozen=True, slots=True)
class PathEntry:
    """One step of the path taken: the scene and what the learner chose there."""

    scene: str
    title: str
    choice: str


def choice_text(option: Option) -> str:
    """What an option says: the author's text, or "Continue" (in the learner's language) for
    a scene's ``next``."""
    return _("Continue") if option.index == CONTINUE else option.text


def path_taken(session: Session) -> list[PathEntry]:
    """The scenes visited and the choice texts as the learner saw them (rebuilt by replay)."""
    story = session.story
    replay = session.restarted()
    out: list[PathEntry] = []
    for step in session.steps:
        text = next(
            (choice_text(o) for o in replay.options() if o.index == step.index),
            _("Continue") if step.index == CONTINUE else step.key,
        )
        out.append(PathEntry(step.scene, scene_heading(story, step.scene), text))
        replay.choose(step.index)
    return out


def meter_history(session: Session) -> dict[str, list[int]]:
    """Each meter's value at the start and after every step."""
    story = session.story
    return {
        mid: [meter.initial, *(step.meters.get(mid, meter.initial) for step in session.steps)]
        for mid, meter in story.meters.items()
    }


def word_count(text: str) -> int:
    """Words in a piece of learner text."""
    return len(text.split())
