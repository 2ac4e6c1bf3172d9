"""Where a cohort stands in its programme: each member × each session, and what is due next.

Pure computation over what the bank says each member has finished and has in progress (see
:mod:`crossroads.engine.programme_bank`), so the command line, the server and the picker agree.
A session is *done* when the member has finished its story (at any time: playing ahead counts),
*overdue* when its day has passed and it is not done, else *in progress* or *not started*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.engine.programme import Programme, ProgrammeSession

__all__ = ["STATES", "Due", "MemberProgress", "ProgrammeStatus", "SessionState", "due_for",
           "programme_status", "short_day"]

SessionState = Literal["done", "in progress", "not started", "overdue"]
STATES: tuple[SessionState, ...] = ("done", "in progress", "not started", "overdue")


@dataclass(frozen=True, slots=True)
class MemberProgress:
    """What one member of a cohort has played, as the bank knows it."""

    name: str
    """The member's name as the bank knows it (a server learner's display name)."""
    finished: frozenset[str]
    """Story ids the member has finished."""
    playing: frozenset[str]
    """Story ids the member has an unfinished playthrough of."""


def session_state(session: ProgrammeSession, finished: Collection[str],
                  playing: Collection[str], today: dt.date) -> SessionState:
    """One member's state at one session on ``today``."""
    if session.story in finished:
        return "done"
    if session.date < today:
        return "overdue"
    return "in progress" if session.story in playing else "not started"


@dataclass(frozen=True, slots=True)
class ProgrammeStatus:
    """A cohort's progress through its programme on one day."""

    programme: Programme
    today: dt.date
    members: list[tuple[str, list[SessionState]]]
    """(member's name, their state at each session), members in name order."""
    next_session: int | None
    """The index of the first session on or after ``today`` (None: the programme is over)."""
    ready: int
    """Members who have done every session before the next one."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (what ``GET …/programme/status`` answers)."""
        nxt = self.next_session
        return {
            "today": self.today.isoformat(),
            "title": self.programme.title,
            "sessions": [{"n": i + 1, "story": s.story, "date": s.date.isoformat(),
                          "title": s.title} for i, s in enumerate(self.programme.sessions)],
            "members": [{"name": name, "states": list(states)} for name, states in self.members],
            "next": None if nxt is None else {"n": nxt + 1, "ready": self.ready,
                                              "members": len(self.members)},
        }


def programme_status(programme: Programme, members: Collection[MemberProgress],
                     today: dt.date) -> ProgrammeStatus:
    """Each member's state at each session on ``today``, the next session and who is ready."""
    rows = [(m.name, [session_state(s, m.finished, m.playing, today)
                      for s in programme.sessions])
            for m in sorted(members, key=lambda m: (m.name.casefold(), m.name))]
    nxt = next((i for i, s in enumerate(programme.sessions) if s.date >= today), None)
    ready = 0
    if nxt is not None:
        ready = sum(all(state == "done" for state in states[:nxt]) for _, states in rows)
    return ProgrammeStatus(programme, today, rows, nxt, ready)


@dataclass(frozen=True, slots=True)
class Due:
    """What a learner should play next in their cohort's programme."""

    session: int
    """The session's index (0-based)."""
    of: int
    """How many sessions the programme has."""
    story_id: str
    date: dt.date
    overdue: bool
    title: str | None
    """The session's own title, if it has one."""

    def line(self, titles: Mapping[str, str] | None = None) -> str:
        """``Due by Tue 8 Dec: The Conversation (session 4 of 12)`` (or ``Overdue since …``),
        naming the story by ``titles`` when the session has no title of its own."""
        name = self.title or (titles or {}).get(self.story_id) or self.story_id
        lead = "Overdue since" if self.overdue else "Due by"
        return f"{lead} {short_day(self.date)}: {name} (session {self.session + 1} of {self.of})"


def short_day(day: dt.date) -> str:
    """``Tue 8 Dec`` (the year too when it is not the current one's)."""
    text = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
    return text if day.year == dt.date.today().year else f"{text} {day.year}"


def due_for(programme: Programme, finished: Collection[str], today: dt.date) -> Due | None:
    """The first session, in date order, whose story the learner has not finished (None when
    every session is done)."""
    for i, s in enumerate(programme.sessions):
        if s.story not in finished:
            return Due(i, len(programme.sessions), s.story, s.date, s.date < today, s.title)
    return None
