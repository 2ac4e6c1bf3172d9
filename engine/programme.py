"""A cohort's programme: which story each session plays, and by when (``programme.yaml``).

The managers Crossroads is built for meet in cohorts every two weeks or so; a programme lists the
sessions in date order::

    format: crossroads-programme/1
    title: Leading through a restructuring
    sessions:
      - story: first-week
        date: 2027-01-12
        title: Arriving            # optional: what the session is called
        notes: Read before we meet # optional: a note for the cohort

The file is read through the story loader's YAML builder (no Python object is ever constructed;
tags, alias bombs and deep nesting are refused), so every problem is reported as one
``file:line:col: CODE error: message`` line. :func:`load_programme_text` also checks what the
model cannot: dates in order and not repeated, each story once, and (given the stories a cohort
may play) that every story exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from crossroads.engine.diagnostics import CrossroadsError, Diagnostic, StoryError

__all__ = [
    "FORMAT",
    "MAX_PROGRAMME_BYTES",
    "Programme",
    "ProgrammeError",
    "ProgrammeSession",
    "load_programme",
    "load_programme_text",
    "programme_schema",
]

FORMAT = "crossroads-programme/1"
"""The ``format:`` every programme file names."""
MAX_PROGRAMME_BYTES = 64 * 1024
"""A programme's YAML may hold this many bytes (a year of weekly sessions needs about 5 KB)."""
MAX_SESSIONS = 200
"""The most sessions a programme may list."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SESSION_PATH = re.compile(r"\bsessions\.(\d+)(\.[a-z]+)?")
StoryRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$",
                                            max_length=200)]


class ProgrammeError(CrossroadsError):
    """A programme file cannot be read or is not a valid programme (positioned; exit code 2)."""

    exit_code = 2


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgrammeSession(_Base):
    """One session of the programme: the story the cohort plays before it meets."""

    story: StoryRef = Field(description="The id of the story played for this session, e.g. "
                            "'the-conversation' (a shipped story or one of the cohort's).")
    """The story's id."""
    date: dt.date = Field(description="The day the cohort meets, as YYYY-MM-DD; the story is due "
                       "by then.")
    """The day of the session; the story is due by then."""
    title: str | None = Field(default=None, max_length=200,
                              description="What the session is called (default: the story's "
                              "title).")
    """The session's name, if it is not the story's title."""
    notes: str | None = Field(default=None, max_length=2000,
                              description="A note for the cohort about this session.")
    """A note for the cohort."""

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str) or not _DATE.match(value):
            raise ValueError("write the date as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a day of the calendar") from None


class Programme(_Base):
    """A cohort's programme: its sessions in date order."""

    format: Literal["crossroads-programme/1"] = Field(
        description="Always 'crossroads-programme/1'.")
    """The file format."""
    title: str | None = Field(default=None, max_length=200,
                              description="The programme's name, e.g. 'Leading through a "
                              "restructuring'.")
    """The programme's name."""
    sessions: list[ProgrammeSession] = Field(min_length=1, max_length=MAX_SESSIONS,
                                             description="The sessions, in date order.")
    """The sessions, in date order."""

    def story_ids(self) -> list[str]:
        """The stories of the sessions, in order."""
        return [s.story for s in self.sessions]


def _error(file: str, code: str, message: str, at: tuple[int, int], hint: str = "") \
        -> Diagnostic:
    return Diagnostic(code, "error", message, file, at[0], at[1], hint)


def load_programme_text(text: str, file: str = "<programme>",
                        stories: Collection[str] | None = None,
                        where: str = "in the library or the cohort's stories") -> Programme:
    """Read a programme from YAML text.

    Args:
        text: the YAML.
        file: the name its errors give.
        stories: the story ids its sessions may name (None: any).
        where: where those stories are, for the error naming another.

    Returns:
        The programme.

    Raises:
        ProgrammeError: one positioned diagnostic per problem.
    """
    from crossroads.engine.loader import _pydantic_diagnostics, parse_yaml

    if len(text.encode("utf-8")) > MAX_PROGRAMME_BYTES:
        raise ProgrammeError("too long", [_error(
            file, "CR100", f"a programme may hold {MAX_PROGRAMME_BYTES // 1024} KB of YAML, "
            "not more", (1, 1), "split the cohort's year into shorter programmes")])
    try:
        data, smap = parse_yaml(text, file)
    except StoryError as err:
        raise ProgrammeError(err.message, [_programme_wording(d) for d in err.diagnostics]) \
            from None
    if data is None:
        raise ProgrammeError("empty", [_error(file, "CR103", "the programme is empty", (1, 1),
                                              f"start with 'format: {FORMAT}'")])
    if not isinstance(data, dict):
        raise ProgrammeError("not a mapping", [_error(
            file, "CR104", "a programme is a mapping (format, title, sessions)",
            smap.value(()), f"start with 'format: {FORMAT}'")])
    try:
        programme = Programme.model_validate(data)
    except ValidationError as err:
        diags = [_programme_wording(d) for d in _pydantic_diagnostics(err, smap)]
        raise ProgrammeError("invalid programme", diags) from None
    problems: list[Diagnostic] = []
    seen_dates: dict[dt.date, int] = {}
    seen_stories: dict[str, int] = {}
    for i, session in enumerate(programme.sessions):
        at_date, at_story = smap.value(("sessions", i, "date")), smap.value(("sessions", i,
                                                                             "story"))
        if session.date in seen_dates:
            problems.append(_error(
                file, "CR112", f"session {i + 1} is on {session.date}, the same day as session "
                f"{seen_dates[session.date] + 1}", at_date, "give each session its own day"))
        elif i and session.date < programme.sessions[i - 1].date:
            problems.append(_error(
                file, "CR112", f"session {i + 1} ({session.date}) comes before session {i} "
                f"({programme.sessions[i - 1].date})", at_date,
                "list the sessions in date order"))
        seen_dates.setdefault(session.date, i)
        if session.story in seen_stories:
            problems.append(_error(
                file, "CR112", f"the story {session.story!r} is already session "
                f"{seen_stories[session.story] + 1}", at_story,
                "a story is played for one session; remove or change one of them"))
        seen_stories.setdefault(session.story, i)
        if stories is not None and session.story not in stories:
            known = ", ".join(sorted(stories)[:12]) or "none yet"
            problems.append(_error(
                file, "CR112", f"no story {session.story!r} {where}", at_story,
                f"use one of: {known}"))
    if problems:
        raise ProgrammeError("invalid programme", problems)
    return programme


def _programme_wording(diag: Diagnostic) -> Diagnostic:
    """The loader's wording for stories, said of a programme ("session 3's date", not
    "sessions.2.date")."""
    message = _SESSION_PATH.sub(
        lambda m: f"session {int(m[1]) + 1}" + (f"'s {m[2][1:]}" if m[2] else ""),
        diag.message.replace("the story", "the programme").replace("in a story",
                                                                          "in a programme"))
    hint = diag.hint.replace("schema/story.schema.json", "schema/programme.schema.json")
    if "YYYY-MM-DD" in message or "calendar" in message:
        hint = "e.g. 'date: 2027-01-12'"
    elif message.startswith("format:") or "'format'" in message:
        hint = f"write 'format: {FORMAT}'"
    return Diagnostic(diag.code, diag.severity, message, diag.file, diag.line, diag.col, hint)


def load_programme(path: str | Path, stories: Collection[str] | None = None) -> Programme:
    """Read a programme file (see :func:`load_programme_text`).

    Raises:
        ProgrammeError: the file is missing, unreadable, not UTF-8 or not a valid programme.
    """
    from crossroads.engine.loader import _decode, _read_regular

    file = str(path)
    try:
        raw = _read_regular(Path(path), file)
        text = _decode(raw, file)
    except StoryError as err:
        diags = [Diagnostic(d.code, d.severity, d.message.replace("story file", "programme "
                                                                   "file"), d.file, d.line,
                            d.col, d.hint.replace("story file", "programme file"))
                 for d in err.diagnostics]
        raise ProgrammeError(err.message, diags) from None
    return load_programme_text(text, file, stories)


def programme_schema() -> dict[str, Any]:
    """The JSON Schema of a programme file (for editors), from the model the loader uses."""
    schema = Programme.model_json_schema(mode="validation")
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$id"] = "https://crossroads.invalid/schema/programme.schema.json"
    schema["title"] = f"Crossroads programme ({FORMAT})"
    props = schema["$defs"]["ProgrammeSession"]["properties"]
    props["date"] = {"description": props["date"].get("description", ""), "type": "string",
                     "pattern": _DATE.pattern, "title": "Date"}
    return schema
