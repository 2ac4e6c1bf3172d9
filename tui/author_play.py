"""``crossroads play STORY --from SCENE --set "trust=60,asked_leads"``: an author tests a branch.

The playthrough starts at any scene with the meters and flags given, in the full-screen app or in
``--plain``; the banner says it is a test, and it is recorded nowhere: no save, no story bank.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.runtime import Session
from crossroads.tui import flow

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory
    from crossroads.engine.saves import Progress


def _close(word: str, options: Iterable[str]) -> str:
    import difflib

    found = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean {found[0]!r}?)" if found else ""


def parse_state(story: Story | PlayStory, spec: str) -> tuple[dict[str, int], set[str]]:
    """Read ``--set``: ``meter=number`` and ``flag`` items separated by commas.

    Raises:
        UsageError: an unknown meter or flag, or a value that is not a whole number in range.
    """
    meters: dict[str, int] = {}
    flags: set[str] = set()
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        if "=" in item:
            name, _, value = (part.strip() for part in item.partition("="))
            if name not in story.meters:
                known = ", ".join(story.meters) or "none"
                hint = _close(name, story.meters)
                raise UsageError(f"--set: {name!r} is not a meter of this story{hint}; "
                                 f"meters: {known}")
            spec_m = story.meters[name]
            try:
                number = int(value)
            except ValueError:
                raise UsageError(f"--set: {name}={value!r} is not a whole number "
                                 f"(write e.g. {name}={spec_m.initial})") from None
            if not spec_m.min <= number <= spec_m.max:
                raise UsageError(f"--set: {name}={number} is outside {spec_m.min}..{spec_m.max}")
            meters[name] = number
        elif item in story.flags:
            flags.add(item)
        elif item in story.meters:
            raise UsageError(f"--set: {item!r} is a meter: give it a value, e.g. {item}=60")
        else:
            known = ", ".join(story.flags) or "none"
            raise UsageError(f"--set: {item!r} is not a flag of this story"
                             f"{_close(item, story.flags)}; flags: {known}")
    return meters, flags


def author_session(
    story: Story | PlayStory, scene: str | None, spec: str | None, learner: str
) -> Session:
    """The session an author's test starts with.

    Raises:
        UsageError: an unknown scene, meter or flag, or a bad value.
    """
    start = scene or story.start
    if start not in story.scenes:
        raise UsageError(f"--from: {start!r} is not a scene of this story"
                         f"{_close(start, story.scenes)}")
    meters, flags = parse_state(story, spec or "")
    return Session.at(story, start, meters, flags, learner)


def banner(session: Session) -> str:
    """One line saying this is an author's test, from where and with what."""
    story = session.story
    changed = [f"{m}={v}" for m, v in session.meters.items() if v != story.meters[m].initial]
    state = ", ".join([*changed, *sorted(session.flags)]) or "the story's starting state"
    return (f"Author's test: from scene {session.scene!r} with {state}. "
            "Nothing is saved or recorded.")


class NothingStore:
    """A session store that keeps nothing, except handing over the test's session once."""

    def __init__(self, session: Session) -> None:
        self.session: Session | None = session

    def save(self, session: Session) -> None:
        """Keep nothing."""

    def load(self, story: Story | PlayStory, learner: str) -> Session | None:
        """The author's session, the first time; then nothing."""
        session, self.session = self.session, None
        return session

    def discard(self, story: Story | PlayStory, learner: str) -> None:
        """Nothing to discard."""

    def progress(self, stories: Iterable[Story], learner: str) -> dict[str, Progress]:
        """No progress is kept."""
        return {}


def play_from(
    args: argparse.Namespace, story: Story | PlayStory | None, story_file: Path | None,
    learner: str, plain: bool,
) -> int:
    """Play ``story`` from ``--from`` with ``--set``, in plain text or full screen.

    Raises:
        UsageError: no single story was named, or ``--from``/``--set`` name unknown things.
    """
    if story is None:
        raise UsageError("--from and --set need a STORY (a file or a shipped story's id)")
    if args.resume or args.cohort:
        raise UsageError("--from and --set test a branch: they cannot be used with --resume "
                         "or --cohort")
    session = author_session(story, args.from_scene, args.set_state, learner)
    if plain:
        from crossroads.tui.author_plain import AuthorPlainPlayer  # only when asked for

        return AuthorPlainPlayer(session, NothingStore(session), banner(session)).run()
    app = author_app(session, story_file)
    result: Any = app.run()
    return int(result or 0)


def author_app(session: Session, story_file: Path | None = None) -> Any:
    """The full-screen app playing an author's test: its banner says so; nothing is saved."""
    from crossroads.tui.app import CrossroadsApp

    class AuthorApp(CrossroadsApp):
        """The app, saying once the story is on screen that this is an author's test."""

        def _play(self, player: flow.Player) -> None:
            super()._play(player)
            self.sub_title = banner(session)
            self.notify(banner(session), title="Author's test", timeout=30, markup=False)

    return AuthorApp(story=session.story, story_path=story_file, learner=session.learner,
                     store=NothingStore(session), resume=True)


def add_options(p: Any) -> None:
    """Add ``--from`` and ``--set`` to the ``play`` parser."""
    p.add_argument("--from", dest="from_scene", metavar="SCENE",
                   help="authors: start at this scene (nothing is saved or recorded)")
    p.add_argument("--set", dest="set_state", metavar="STATE",
                   help='authors: start with these meters and flags, e.g. "trust=60,asked_leads"')

