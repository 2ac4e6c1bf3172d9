"""``crossroads play --plain``: the story as plain lines of text, answers read line by line.

For screen readers, logs and scripted runs. It records exactly what the full UI records (it goes
through the same :class:`~crossroads.tui.flow.Player`). End of input saves and exits cleanly.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from crossroads.engine.diagnostics import SaveError
from crossroads.engine.records import VISIBILITIES, ReflectionReader, Visibility
from crossroads.engine.runtime import Session
from crossroads.engine.saves import SessionStore
from crossroads.tui import flow

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory


class _EndOfInput(Exception):
    """Standard input ended."""


@dataclass
class PlainPlayer:
    """Plays one story on text streams."""

    story: Story | PlayStory
    learner: str
    store: SessionStore
    inp: TextIO = field(default_factory=lambda: sys.stdin)
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    reader: ReflectionReader | None = None
    story_arg: str = ""

    # ------------------------------------------------------------------ io
    def say(self, text: str = "") -> None:
        """Print a line of the story."""
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        """Print a status line (standard error)."""
        print(text, file=self.err, flush=True)

    def ask(self, prompt: str) -> str:
        """Print a prompt and read one line (without its newline).

        Raises:
            _EndOfInput: standard input ended.
        """
        print(prompt, end="", file=self.out, flush=True)
        line = self.inp.readline()
        if not line:
            print(file=self.out, flush=True)
            raise _EndOfInput
        answer = line.rstrip("\r\n")
        if not self.inp.isatty():  # scripted: echo the answer so the transcript reads well
            print(answer, file=self.out, flush=True)
        return answer

    # ------------------------------------------------------------------ flow
    def run(self, resume: bool = False) -> int:
        """Play until an ending or the end of input; return the exit code."""
        player: flow.Player | None = None
        try:
            player = flow.Player(self._open(resume), self.store)
            self._play(player)
        except _EndOfInput:
            if player is not None:
                player.save()
            where = f"crossroads play {self.story_arg} --resume".replace("  ", " ")
            self.note(f"Input ended; your progress is saved. Continue with: {where}")
        return 0

    def _open(self, resume: bool) -> Session:
        opening = flow.open_story(self.story, self.learner, self.store)
        if opening.problem:
            self.note(
                f"Your saved progress could not be used: {opening.problem}. "
                "The old save was archived; starting afresh."
            )
        saved = opening.saved
        if saved is not None and not resume:
            heading = flow.scene_heading(self.story, saved.scene)
            answer = self.ask(
                f"You have a saved session of {self.story.title!r} ({len(saved.steps)} choices "
                f"made, at {heading!r}). Resume? [Y/n] "
            )
            if answer.strip().lower() in ("n", "no"):
                self.store.discard(self.story, self.learner)
                saved = None
        if saved is not None:
            self.note("Resuming where you left off.")
            return saved
        return Session.start(self.story, self.learner)

    def _play(self, player: flow.Player) -> None:
        s = player.session
        self.say(f"# {self.story.title}")
        shown: tuple[str, int] | None = None
        while True:
            here = (s.scene, len(s.steps))
            if here != shown:
                self._show_scene(s, first=shown is None)
                shown = here
            pending = player.pending()
            if pending == "checkin":
                self._checkin(player)
            elif pending == "reflect":
                self._reflect(player)
            elif pending == "choose":
                self._choose(player)
            else:
                self._ending(player)
                return

    def _show_scene(self, s: Session, first: bool) -> None:
        self.say()
        pov = flow.pov_text(s)
        if pov and (first or flow.pov_changed(s)):
            self.say(f"[You are {'' if first else 'now '}{pov}]")
            member = s.pov_member
            if member is not None and member.about:
                self.say(member.about)
        title = s.current.title
        if title:
            self.say(f"## {title}")
        self.say()
        self.say(s.passage().strip())
        self.say()

    def _saved(self) -> None:
        if getattr(self.store, "offline", False):
            self.note("(saved on this computer; the story bank is unreachable, so it is sent "
                      "when the bank is back)")
        else:
            self.note("(saved)")

    def _choose(self, player: flow.Player) -> None:
        options = player.session.options()
        for n, option in enumerate(options, 1):
            suffix = "" if option.enabled else " (not available)"
            self.say(f"  {n}. {option.text}{suffix}")
        started = time.monotonic()
        while True:
            answer = self.ask(f"Your choice (1-{len(options)}): ").strip()
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                option = options[int(answer) - 1]
                if option.enabled:
                    break
                self.say("That choice is not available now.")
            else:
                self.say(f"Please answer with a number from 1 to {len(options)}.")
        player.choose(option.index, int((time.monotonic() - started) * 1000))
        self._saved()

    def _checkin(self, player: flow.Player) -> None:
        items = player.session.current.checkin or ()
        self.say("A short check-in: how true is each statement for you, from 1 (not at all) to 5 "
                 "(completely)? An empty answer skips it.")
        answers: dict[str, int] = {}
        for item in items:
            while True:
                answer = self.ask(f"  {item.statement} (1-5): ").strip()
                if not answer:
                    break
                if answer in ("1", "2", "3", "4", "5"):
                    answers[item.id] = int(answer)
                    break
                self.say("  Please answer 1, 2, 3, 4 or 5 (or nothing to skip).")
        player.checkin(answers or None)
        if answers:
            self._saved()

    def _reflect(self, player: flow.Player) -> None:
        prompt = player.session.current.reflect
        assert prompt is not None
        self.say(f"Reflection: {player.session.render(prompt.prompt)}")
        skip = "" if prompt.required else " An empty first line skips it."
        self.say(f"Write as many lines as you like; an empty line ends it.{skip}")
        nudged = False
        while True:
            lines: list[str] = []
            while True:
                line = self.ask("> ")
                if not line.strip():
                    break
                lines.append(line)
            text = "\n".join(lines).strip()
            if text and not nudged:
                nudged = True
                from crossroads.engine.reflections.nudge import NUDGE, opinion_nudge

                if opinion_nudge(text) is not None:
                    self.say(
                        f"This reads more like a view than a story. {NUDGE} Add lines to tell "
                        "it, or an empty line to keep it as it is."
                    )
                    while line := self.ask("> ").strip():
                        lines.append(line)
                    text = "\n".join(lines).strip()
            if text or not prompt.required:
                break
            self.say("This reflection is required; please write at least a line.")
        if not text:
            player.reflect(None)
            self._saved()
            self._others(player, prompt.id)
            return
        choices = ", ".join(f"{i} {v}" for i, v in enumerate(VISIBILITIES, 1))
        visibility: Visibility = "private"
        while True:
            answer = self.ask(f"Who may read it? {choices} (empty: private): ").strip().lower()
            if not answer:
                break
            if answer.isdigit() and 1 <= int(answer) <= len(VISIBILITIES):
                visibility = VISIBILITIES[int(answer) - 1]
                break
            if answer in VISIBILITIES:
                visibility = answer
                break
            self.say("Please answer 1, 2 or 3.")
        anonymous = False
        if visibility != "private":
            anonymous = self.ask("Share it anonymously? [y/N] ").strip().lower() in ("y", "yes")
        player.reflect(text, visibility, anonymous)
        self._saved()
        self._others(player, prompt.id)

    def _others(self, player: flow.Player, prompt_id: str) -> None:
        if self.reader is None:
            return
        answer = self.ask("Read others' stories at this moment? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            return
        shared = self.reader.shared_reflections(self.story.id, prompt_id, self.learner)
        if not shared:
            self.say("Nobody has shared a story here yet.")
        for item in shared:
            self.say(f"--- {item.author or 'anonymous'}, {item.created[:10]}")
            self.say(item.text)
        self.say()

    def _ending(self, player: flow.Player) -> None:
        s = player.session
        ending = s.ending
        assert ending is not None
        self.say(f"THE END — {s.ending_title()} ({ending.kind} ending)")
        self.say()
        self.say("Your path:")
        for entry in flow.path_taken(s):
            self.say(f"  {entry.title}: {entry.choice}")
        history = flow.meter_history(s)
        if self.story.show_meters and history:
            self.say("How things moved:")
            for mid, values in history.items():
                label = self.story.meters[mid].label
                self.say(f"  {label}: {values[0]} → {values[-1]} ({' '.join(map(str, values))})")
        player.finish()
        self.note("(playthrough archived)")


def run_plain(
    story: Story | PlayStory,
    learner: str,
    store: SessionStore,
    *,
    resume: bool = False,
    reader: ReflectionReader | None = None,
    story_arg: str = "",
) -> int:
    """Play ``story`` on standard input/output; return the exit code."""
    try:
        return PlainPlayer(story, learner, store, reader=reader, story_arg=story_arg).run(resume)
    except SaveError as err:  # pragma: no cover - defensive: a choice vanished mid-play
        print(f"crossroads: {err}", file=sys.stderr)
        return 1
