"""``crossroads play --plain``: the story as plain lines of text, answers read line by line.

For screen readers, logs and scripted runs. It records exactly what the full UI records (it goes
through the same :class:`~crossroads.tui.flow.Player`). Passages are printed as clean words
(:mod:`crossroads.tui.plain_text`: no Markdown symbols); nothing printed carries terminal control
characters. Titles, choices and prompts are plain text, as in the full UI. Whose shoes
the learner is in is said once, and again only when it changes. Input that ends before an ending
saves, prints the command that continues (the learner's own options plus ``--resume``) and exits
with :data:`INPUT_ENDED`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crossroads.engine.diagnostics import NotSaved, OutputError, SaveError
from crossroads.engine.records import VISIBILITIES, ReflectionReader, Visibility
from crossroads.engine.runtime import Session
from crossroads.engine.saves import SessionStore
from crossroads.engine.terminal_text import one_line, terminal_safe
from crossroads.tui import flow
from crossroads.tui.i18n import N_, _, ngettext
from crossroads.tui.plain_text import markdown_to_text

INPUT_ENDED = 3
"""Exit code when standard input ends before an ending (progress is saved first)."""

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory


VISIBILITY_WORDS: dict[Visibility, str] = {
    # Translators: who may read a reflection (a learner may type the word to choose it): only the
    # learner and facilitators, the learner's cohort, or everyone using the story bank.
    "private": N_("private"),
    "cohort": N_("cohort"),
    "bank": N_("bank"),
}
"""Who may read a reflection, as the plain player names it (the learner may type the word)."""

ENDING_KINDS = {"good": N_("good ending"), "mixed": N_("mixed ending"), "hard": N_("hard ending")}

# Translators: what a learner may type for "yes" ("y" and "yes") and "no"; give alternatives
# separated by "|" (e.g. "sí|si"). The English words are always understood too.
YES = ("y", "yes", N_("y"), N_("yes"))
"""What a learner may type for yes: the English words and their translations."""
# Translators: see "y" and "yes".
NO = ("n", "no", N_("n"), N_("no"))


N_("What happened that brought you to this view?")  # the engine's NUDGE, translated where shown


def _answered(answer: str, words: tuple[str, ...]) -> bool:
    """True when ``answer`` is one of ``words`` (translated, or in English)."""
    said = {alt.strip().lower() for w in words for alt in _(w).split("|")}
    return answer.strip().lower() in said | set(words)


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
    command: list[str] = field(default_factory=list)
    """The ``crossroads play …`` command (with ``--resume``) that continues; see
    :func:`resume_command`. Default: ``crossroads play STORY-ID --plain --resume``."""
    in_cohort: bool = False
    """Played in a cohort: only then is "cohort" offered as a reflection's audience."""
    _pov: str | None = field(default=None, init=False)
    """The cast id last announced as the learner's point of view."""

    # ------------------------------------------------------------------ io
    def say(self, text: str = "") -> None:
        """Print a line of the story."""
        print(terminal_safe(text), file=self.out, flush=True)

    def note(self, text: str) -> None:
        """Print a status line (standard error)."""
        print(terminal_safe(text), file=self.err, flush=True)

    def ask(self, prompt: str) -> str:
        """Print a prompt and read one line (without its newline).

        Raises:
            _EndOfInput: standard input ended.
        """
        print(terminal_safe(prompt), end="", file=self.out, flush=True)
        line = self.inp.readline()
        if not line:
            print(file=self.out, flush=True)
            raise _EndOfInput
        answer = line.rstrip("\r\n")
        if not self.inp.isatty():  # scripted: echo the answer so the transcript reads well
            print(terminal_safe(answer), file=self.out, flush=True)
        return answer

    # ------------------------------------------------------------------ flow
    def run(self, resume: bool = False) -> int:
        """Play until an ending (exit code 0) or the end of input (:data:`INPUT_ENDED`)."""
        player: flow.Player | None = None
        try:
            player = self._open(resume)
            self._play(player)
        except _EndOfInput:
            if player is not None and not self._last_save(player):
                return INPUT_ENDED
            command = self.command or ["crossroads", "play", self.story.id, "--plain", "--resume"]
            if player is not None:
                ended = _("Input ended; your progress is saved. Continue with: {command}")
            else:
                ended = _("Input ended; nothing was changed. Continue with: {command}")
            self.note(ended.format(command=shlex.join(command)))
            return INPUT_ENDED
        if player is not None and player.behind and not self._last_save(player):
            return 1
        return 0

    def _last_save(self, player: flow.Player) -> bool:
        """Save before leaving; when nothing can take it, print what was not saved (the
        learner's own words) so that it is not lost with the process. True when saved."""
        try:
            player.save()
            return True
        except (NotSaved, OutputError) as err:
            self.note(_("NOT saved: {problem}.").format(problem=err.message))
            for text in player.unsaved:
                self.note(_("Your reflection, to keep:") + "\n" + text)
            return False

    def _open(self, resume: bool) -> flow.Player:
        opening = flow.open_story(self.story, self.learner, self.store, resume=resume)
        if opening.problem:
            if opening.archived:
                told = _("Your saved progress could not be used: {problem}. The old save was "
                         "archived; starting afresh.")
            else:
                told = _("Your saved progress could not be used: {problem}. Starting afresh.")
            self.note(told.format(problem=opening.problem))
        saved = opening.saved
        resuming = saved is not None
        if saved is not None and opening.ask:
            heading = flow.scene_heading(self.story, saved.scene)
            answer = self.ask(
                ngettext(
                    "You have a saved session of {title} ({n} choice made, at {scene}). "
                    "Resume? [Y/n] ",
                    "You have a saved session of {title} ({n} choices made, at {scene}). "
                    "Resume? [Y/n] ",
                    len(saved.steps),
                ).format(title=repr(self.story.title), n=len(saved.steps), scene=repr(heading))
            )
            resuming = not _answered(answer, NO)
        if resuming:
            self.note(_("Resuming where you left off."))
        return opening.begin(resuming)

    def _play(self, player: flow.Player) -> None:
        s = player.session
        self.say(self.story.title)
        for note in self.story.content_notes:
            self.say(_("Content note: {note}").format(note=note))
        shown: tuple[str, int] | None = None
        while True:
            if s.choice_prompt is not None:  # asked after the choice, before the next scene
                self._reflect(player)
                continue
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
        pov_id = self.story.pov_of(s.scene)
        pov = flow.pov_text(s)
        if pov and (first or pov_id != self._pov):
            self.say((_("You are {who}.") if first else _("You are now {who}.")).format(who=pov))
            member = s.pov_member
            if member is not None and member.about:
                self.say(member.about)
            self.say()
        self._pov = pov_id
        title = s.current.title
        if title:
            self.say(title)
            self.say()
        self.say(markdown_to_text(s.passage()))
        self.say()

    def _record(self, action: Callable[[], object]) -> None:
        """Do a player action that saves; a save that nothing could take is said, not fatal:
        the session keeps the record and the next save takes it."""
        try:
            action()
        except (NotSaved, OutputError) as err:
            told = _("NOT saved yet: {problem}. What you wrote is kept, and saved at your next "
                     "step; free some space or check the bank.")
            self.note(told.format(problem=err.message))
            return
        self._saved()

    def _saved(self) -> None:
        if getattr(self.store, "offline", False):
            if getattr(self.store, "audience", None) is not None:
                self.note(_("(saved on this computer; the cohort server cannot be reached, so "
                            "it is sent when the server is back)"))
            else:
                self.note(_("(saved on this computer; the story bank is unreachable, so it is "
                            "sent when the bank is back)"))
        else:
            self.note(_("(saved)"))

    def _choose(self, player: flow.Player) -> None:
        options = player.session.options()
        for n, option in enumerate(options, 1):
            line = _("{text} (not available)") if not option.enabled else "{text}"
            self.say(f"  {n}. " + line.format(text=flow.choice_text(option)))
        started = time.monotonic()
        while True:
            answer = self.ask(_("Your choice (1-{n}): ").format(n=len(options))).strip()
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                option = options[int(answer) - 1]
                if option.enabled:
                    break
                self.say(_("That choice is not available now."))
            else:
                self.say(_("Please answer with a number from 1 to {n}.").format(n=len(options)))
        ms = int((time.monotonic() - started) * 1000)
        self._record(lambda: player.choose(option.index, ms))

    def _checkin(self, player: flow.Player) -> None:
        items = player.session.current.checkin or ()
        self.say(_("A short check-in: how true is each statement for you, from 1 (not at all) "
                   "to 5 (completely)? An empty answer skips it."))
        answers: dict[str, int] = {}
        for item in items:
            while True:
                answer = self.ask("  " + _("{statement} (1-5): ").format(
                    statement=item.statement)).strip()
                if not answer:
                    break
                if answer in ("1", "2", "3", "4", "5"):
                    answers[item.id] = int(answer)
                    break
                self.say("  " + _("Please answer 1, 2, 3, 4 or 5 (or nothing to skip)."))
        if answers:
            self._record(lambda: player.checkin(answers))
        else:
            player.checkin(None)

    def _reflect(self, player: flow.Player) -> None:
        prompt = player.session.prompt
        assert prompt is not None
        self.say(_("Reflection: {prompt}").format(prompt=player.session.render(prompt.prompt)))
        if prompt.required:
            self.say(_("Write as many lines as you like; an empty line ends it."))
        else:
            self.say(_("Write as many lines as you like; an empty line ends it. An empty first "
                       "line skips it."))
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
                        _("This reads more like a view than a story. {nudge} Add lines to tell "
                          "it, or an empty line to keep it as it is.").format(nudge=_(NUDGE))
                    )
                    while line := self.ask("> ").strip():
                        lines.append(line)
                    text = "\n".join(lines).strip()
            if text or not prompt.required:
                break
            self.say(_("This reflection is required; please write at least a line."))
        if not text:
            self._record(lambda: player.reflect(None))
            self._others(player, prompt.id)
            return
        offered = [v for v in VISIBILITIES if self.in_cohort or v != "cohort"]
        names = {v: _(VISIBILITY_WORDS[v]) for v in offered}
        choices = ", ".join(f"{i} {names[v]}" for i, v in enumerate(offered, 1))
        audience = getattr(self.store, "audience", None)
        if audience:
            self.say(_("Who will be able to read it:"))
            for i, v in enumerate(offered, 1):
                self.say(f"  {i} {names[v]}: {audience.get(v, v)}")
        visibility: Visibility = "private"
        while True:
            answer = self.ask(_("Who may read it? {choices} (empty: {private}): ").format(
                choices=choices, private=names["private"])).strip().lower()
            if not answer:
                break
            if answer.isdigit() and 1 <= int(answer) <= len(offered):
                visibility = offered[int(answer) - 1]
                break
            named = [v for v in offered if answer in (v, names[v].lower())]
            if named:
                visibility = named[0]
                break
            self.say(_("Please answer a number from 1 to {n}.").format(n=len(offered)))
        anonymous = False
        if visibility != "private":
            anonymous = _answered(self.ask(_("Share it anonymously? [y/N] ")), YES)
        self._record(lambda: player.reflect(text, visibility, anonymous))
        self._others(player, prompt.id)

    def _others(self, player: flow.Player, prompt_id: str) -> None:
        if self.reader is None:
            return
        if not _answered(self.ask(_("Read others' stories at this moment? [y/N] ")), YES):
            return
        shared = self.reader.shared_reflections(self.story.id, prompt_id, self.learner)
        if not shared:
            self.say(_("Nobody has shared a story here yet."))
        for item in shared:
            who = one_line(item.author) if item.author else _("anonymous")
            self.say("--- " + _("{who}, {date}").format(who=who, date=item.created[:10]))
            self.say(item.text)
        self.say()

    def _ending(self, player: flow.Player) -> None:
        s = player.session
        ending = s.ending
        assert ending is not None
        self.say(_("THE END — {title} ({kind})").format(title=s.ending_title(),
                                                       kind=_(ENDING_KINDS[ending.kind])))
        self.say()
        self.say(_("Your path:"))
        for entry in flow.path_taken(s):
            self.say(f"  {entry.title}: {entry.choice}")
        history = flow.meter_history(s)
        if self.story.show_meters and history:
            self.say(_("How things moved:"))
            for mid, values in history.items():
                label = self.story.meters[mid].label
                self.say(f"  {label}: {values[0]} → {values[-1]} ({' '.join(map(str, values))})")
        if player.behind:  # an earlier save found no room: one more try before archiving
            self._record(player.save)
            if player.behind:
                return
        player.finish()
        self.note(_("(playthrough archived)"))


def run_plain(
    story: Story | PlayStory,
    learner: str,
    store: SessionStore,
    *,
    resume: bool = False,
    reader: ReflectionReader | None = None,
    command: list[str] | None = None,
    in_cohort: bool = False,
) -> int:
    """Play ``story`` on standard input/output; return the exit code (0 at an ending,
    :data:`INPUT_ENDED` when input ends first). ``command`` continues it (:func:`resume_command`).
    """
    try:
        player = PlainPlayer(story, learner, store, reader=reader, command=list(command or []),
                             in_cohort=in_cohort)
        return player.run(resume)
    except SaveError as err:  # pragma: no cover - defensive: a choice vanished mid-play
        print(f"crossroads: {err}", file=sys.stderr)
        return 1


def resume_command(
    args: argparse.Namespace, story: Story | PlayStory, story_file: Path | None
) -> list[str]:
    """The ``crossroads play`` command that continues this playthrough: the learner's own options
    (``--plain``, ``--as``, ``--cohort``, ``--bank``) and the story as they typed it, plus
    ``--resume``. A story picked from a folder is named by its path (by its id when shipped).
    A password in a ``--bank`` URL is left out (libpq reads ``PGPASSWORD``): the hint may be
    logged."""
    typed: str | None = args.story
    if typed is None or Path(typed).is_dir():
        typed = _shipped_id(story_file) or str(story_file or story.id)
    argv = ["crossroads", "play", typed]
    if args.plain:
        argv.append("--plain")
    bank = _without_password(args.bank) if args.bank else None
    lang = getattr(story, "lang", None) or getattr(args, "lang", None)
    for flag, value in (("--as", args.learner), ("--cohort", args.cohort), ("--bank", bank),
                        ("--lang", lang)):
        if value:
            argv += [flag, value]
    return [*argv, "--resume"]


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))


def _shipped_id(story_file: Path | None) -> str | None:
    from crossroads.engine.paths import stories_dir

    if story_file is None:
        return None
    try:
        shipped = story_file.resolve().parent == stories_dir().resolve()
    except OSError:  # pragma: no cover - a vanished folder
        return None
    return story_file.stem if shipped else None
