"""The story bank's interface and the records it hands out.

A :class:`Bank` stores learners, cohorts, playthroughs with their steps, reflections and check-in
answers. Writes arrive as :class:`Batch` objects — self-contained and idempotent, so a batch
written twice (say, replayed from the offline journal) adds nothing the second time. Reads apply
the access rules here, in the bank layer: a reader sees all of their own reflections, their
cohort-mates' ``cohort`` and ``bank`` reflections and everyone's ``bank`` ones, and an anonymous
reflection never carries its author.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from crossroads.engine.diagnostics import BankError
from crossroads.engine.records import SharedReflection

Status = Literal["playing", "finished", "abandoned"]
STATUSES: tuple[Status, ...] = ("playing", "finished", "abandoned")
TABLES: tuple[str, ...] = (
    "learners",
    "cohorts",
    "memberships",
    "playthroughs",
    "steps",
    "reflections",
    "checkins",
)


class BankUnavailable(BankError):
    """The bank cannot be reached right now (server down, database locked); try again later."""


@dataclass(frozen=True, slots=True)
class Learner:
    """A learner, known by a display name unique within the bank."""

    id: str
    name: str
    created: str


@dataclass(frozen=True, slots=True)
class Cohort:
    """A group of learners who share ``cohort`` reflections; joined with its code."""

    id: str
    code: str
    name: str
    created: str


SOURCE_LANG = "source"
"""The language filter that keeps playthroughs of a story as written (no translation)."""


@dataclass(frozen=True, slots=True)
class Playthrough:
    """One learner's run through one version of a story."""

    id: str
    learner: str
    """The learner's display name."""
    cohort: str | None
    """The cohort's join code, if the story was played in a cohort."""
    story_id: str
    story_hash: str
    started: str
    finished: str | None
    status: Status
    ending: str | None
    """The ending scene reached."""
    lang: str | None = None
    """The language of the translation played (``play --lang``); None: as written."""


class StepRow(NamedTuple):
    """One choice of a playthrough, as :meth:`Bank.steps_for` streams it."""

    playthrough: str
    seq: int
    scene: str
    key: str
    to: str
    ms: int | None
    at: str | None
    """When the choice was made (None unless asked for)."""


class CheckinRow(NamedTuple):
    """One check-in answer, as :meth:`Bank.checkins_for` streams it."""

    playthrough: str
    seq: int
    scene: str
    item: str
    value: int


class ReflectionRow(NamedTuple):
    """One reflection event, as :meth:`Bank.reflections_for` streams it (access rule applied)."""

    playthrough: str
    seq: int
    scene: str
    prompt: str
    visibility: str
    anonymous: bool
    written: bool
    """False when the learner skipped the prompt."""
    text: str | None
    """Only when shared (``cohort`` or ``bank``) under the author's name; never private text."""
    at: str | None
    """None for an anonymous reflection (an exact time would match it to its author)."""


@dataclass(slots=True)
class Batch:
    """Events of one playthrough to append, with everything needed to create it.

    ``events`` are the runtime's event dicts (choice, reflection, checkin); the first has
    sequence number ``first``. Writing a batch is idempotent: rows are keyed by
    (playthrough, sequence) and the playthrough, learner and cohort are created only if missing.
    """

    playthrough: str
    learner: str
    cohort: str | None
    story_id: str
    story_hash: str
    started: str
    first: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    status: Status = "playing"
    ending: str | None = None
    finished: str | None = None
    lang: str | None = None
    """The language of the translation played; None: the story as written."""

    def to_json(self) -> dict[str, Any]:
        """The batch as a JSON-ready mapping (the journal's line format)."""
        return {
            "playthrough": self.playthrough,
            "learner": self.learner,
            "cohort": self.cohort,
            "story_id": self.story_id,
            "story_hash": self.story_hash,
            "started": self.started,
            "first": self.first,
            "events": self.events,
            "status": self.status,
            "ending": self.ending,
            "finished": self.finished,
        } | ({"lang": self.lang} if self.lang is not None else {})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Batch:
        """Rebuild a batch from :meth:`to_json` output."""
        return cls(**data)


def now() -> str:
    """The current time as the bank writes it: UTC ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def norm_time(value: str | datetime | None) -> str | None:
    """Normalise a timestamp to UTC ISO 8601 with milliseconds (so text order is time order).

    Raises:
        BankError: the value is not a timestamp.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as err:
            raise BankError(f"{value!r} is not an ISO 8601 timestamp") from err
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


class Bank(ABC):
    """The story bank: one interface, an SQLite and a PostgreSQL implementation."""

    url: str
    """Where the bank lives (a path or a URL without its password)."""

    # ------------------------------------------------------------------ lifecycle
    @abstractmethod
    def close(self) -> None:
        """Close the connection (the bank object is unusable afterwards)."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the opened bank."""

    def __enter__(self) -> Bank:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ people
    @abstractmethod
    def learner(self, name: str, create: bool = True) -> Learner | None:
        """The learner with this display name; created on first use when ``create``."""

    @abstractmethod
    def join(self, learner: str, code: str, name: str | None = None) -> Cohort:
        """Put the learner in the cohort with this join code, creating either if needed."""

    @abstractmethod
    def cohort(self, code: str) -> Cohort | None:
        """The cohort with this join code, if any."""

    # ------------------------------------------------------------------ playthroughs
    @abstractmethod
    def write(self, batch: Batch) -> None:
        """Append a batch in one transaction; durable when this returns.

        Raises:
            BankUnavailable: the bank cannot be reached now (the batch may be retried as is).
            BankError: the batch cannot be written (bad data).
        """

    @abstractmethod
    def unfinished(self, learner: str, story_id: str) -> Playthrough | None:
        """The learner's most recently started unfinished playthrough of the story."""

    @abstractmethod
    def events(self, playthrough: str) -> list[dict[str, Any]]:
        """The playthrough's events in order, as the runtime records them."""

    @abstractmethod
    def playthroughs(
        self, story_id: str | None = None, cohort: str | None = None, lang: str | None = None
    ) -> list[Playthrough]:
        """Playthroughs, oldest first, optionally of one story and/or one cohort (by code)
        and/or played in one language (``"source"``: as written)."""

    @abstractmethod
    def steps_for(
        self, story_id: str, cohort: str | None = None, times: bool = False
    ) -> Iterator[StepRow]:
        """Every choice of every playthrough of a story (optionally one cohort's), streamed in
        bounded memory, grouped by playthrough and in order within each; ``at`` only when
        ``times``."""

    @abstractmethod
    def final_meters(
        self, story_id: str, cohort: str | None = None
    ) -> Iterator[tuple[str, dict[str, int]]]:
        """(playthrough, meters after its last choice) for every playthrough with a choice."""

    @abstractmethod
    def checkins_for(self, story_id: str, cohort: str | None = None) -> Iterator[CheckinRow]:
        """Every check-in answer of the story's playthroughs, grouped by playthrough, in order."""

    @abstractmethod
    def reflections_for(
        self, story_id: str, cohort: str | None = None
    ) -> Iterator[ReflectionRow]:
        """Every reflection event of the story's playthroughs, grouped by playthrough, in order.

        The access rule for readers outside the cohort applies: text only for reflections shared
        (``cohort`` or ``bank``) under their author's name, and no time for anonymous ones.
        """

    def write_many(self, batches: Iterable[Batch]) -> int:
        """Append many batches (bulk loads); return how many. Each batch is idempotent."""
        n = 0
        for batch in batches:
            self.write(batch)
            n += 1
        return n

    # ------------------------------------------------------------------ reading reflections
    @abstractmethod
    def shared_reflections(
        self,
        story_id: str,
        prompt_id: str,
        reader: str,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SharedReflection]:
        """Reflections ``reader`` may see at this prompt, newest first, optionally searched."""

    @abstractmethod
    def search(
        self,
        text: str | None,
        reader: str | None = None,
        story_id: str | None = None,
        prompt_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
        cohort: str | None = None,
    ) -> list[SharedReflection]:
        """Reflections ``reader`` may see (``None``: only ``bank`` ones), newest first.

        ``text`` is searched as words (full-text, stemmed); ``None`` lists without searching.
        ``cohort`` (a join code) keeps only reflections written in that cohort's playthroughs;
        it narrows what the reader may see, never widens it.
        """

    # ------------------------------------------------------------------ administration
    @abstractmethod
    def counts(self) -> dict[str, int]:
        """The number of rows in each table."""

    @abstractmethod
    def learners(self) -> list[Learner]:
        """Every learner, by name."""

    @abstractmethod
    def cohorts(self) -> list[Cohort]:
        """Every cohort, by code."""

    @abstractmethod
    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every record as a JSON-ready dict with a ``type`` (a bundle's lines).

        Anonymous reflections carry no learner, playthrough or sequence: nothing links them to
        their author.
        """

    @abstractmethod
    def import_records(self, records: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
        """Add the records not already present, in one transaction; return added/skipped counts.

        Raises:
            BankError: a record is malformed.
        """

    @abstractmethod
    def forget(self, learner: str) -> dict[str, int]:
        """Erase every row of this learner in every table; return how many per table.

        Raises:
            BankError: no learner has that name.
        """
