"""The player's durable record: a :class:`~crossroads.engine.saves.SessionStore` backed by the bank.

Every :meth:`BankSessionStore.save` appends the session's new events in one transaction. When the
bank cannot be reached (a PostgreSQL server stopped, a network gone), the batch goes to the local
:class:`~crossroads.engine.bank.journal.Journal` instead — fsynced, so still durable — and the
learner plays
on; the journal is written to the bank as soon as it answers again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crossroads.engine.bank.base import Bank, BankUnavailable, Batch, Status, now
from crossroads.engine.bank.journal import Journal, journal_path
from crossroads.engine.diagnostics import BankError, NotSaved
from crossroads.engine.records import SharedReflection
from crossroads.engine.runtime import SAVE_VERSION, Session
from crossroads.engine.saves import Progress

if TYPE_CHECKING:
    from crossroads.engine.model import Story
    from crossroads.engine.playable import PlayStory


@dataclass
class _Tracked:
    session: Session
    playthrough: str
    saved: int
    status: Status
    cohort: str | None


class BankSessionStore:
    """Sessions saved in the story bank (a ``SessionStore`` and a ``ReflectionReader``)."""

    def __init__(
        self,
        bank: Bank,
        cohort_code: str | None = None,
        journal: Journal | None = None,
        retry_after: float = 2.0,
    ) -> None:
        """Record sessions in ``bank``; new playthroughs join the cohort ``cohort_code``.

        Args:
            journal: where batches wait while the bank is unreachable (default: one file per
                bank under the data folder).
            retry_after: seconds between attempts to reach an unreachable bank.
        """
        self.bank = bank
        self.cohort_code = cohort_code
        self.journal = journal if journal is not None else Journal(journal_path(bank.url))
        self.retry_after = retry_after
        self._tracked: dict[int, _Tracked] = {}
        self._last_attempt = float("-inf")
        self.problem: str | None = None
        """Why the bank last failed to take a record (shown while records wait)."""

    # ------------------------------------------------------------------ state
    @property
    def offline(self) -> bool:
        """True while records are waiting in the local journal for the bank."""
        return self.journal.pending()

    @property
    def audience(self) -> dict[str, str] | None:
        """Who can read a reflection of each visibility, in words (a cohort server says; a
        local bank: None, as everyone who can open the file can read it all)."""
        return getattr(self.bank, "audience", None)

    def playthrough_id(self, session: Session) -> str | None:
        """The bank id of the session's playthrough (None before its first save)."""
        tracked = self._tracked.get(id(session))
        if tracked is None or tracked.session is not session or not tracked.saved:
            return None
        return tracked.playthrough

    def flush(self) -> bool:
        """Try to write the journal to the bank; True when nothing is left waiting."""
        self._last_attempt = time.monotonic()
        try:
            self.journal.flush(self.bank)
        except BankUnavailable:
            return False
        return True

    def _track(self, session: Session) -> _Tracked:
        tracked = self._tracked.get(id(session))
        if tracked is None or tracked.session is not session:
            tracked = _Tracked(session, str(uuid.uuid4()), 0, "playing", self.cohort_code)
            self._tracked[id(session)] = tracked
        return tracked

    def _send(self, batch: Batch) -> None:
        """Write ``batch`` to the bank, or else to the journal; durable on return.

        A bank that is unreachable, full, read-only or locked is a passing state: the batch
        waits in the journal (a bank that refuses it for good moves it to the journal's
        rejected file when the journal is sent, never loses it).

        Raises:
            NotSaved: neither the bank nor the journal could take it (both disks full, say).
        """
        if self.journal.pending() and time.monotonic() - self._last_attempt >= self.retry_after:
            self.flush()
        if not self.journal.pending():
            try:
                self.bank.write(batch)
                return
            except BankError as err:
                self._last_attempt = time.monotonic()
                self.problem = err.message
        try:
            self.journal.append(batch)
        except OSError as err:
            raise NotSaved(
                f"neither the story bank ({self.problem or 'unavailable'}) nor "
                f"the journal {self.journal.path} ({err.strerror or err}) could take it"
            ) from err

    def _batch(self, t: _Tracked, status: Status) -> Batch:
        s = t.session
        return Batch(
            playthrough=t.playthrough,
            learner=s.learner,
            cohort=t.cohort,
            story_id=s.story.id,
            story_hash=s.story.content_hash,
            started=s.started_at or now(),
            first=t.saved,
            events=[dict(e) for e in s.events[t.saved:]],
            status=status,
            ending=s.scene if status == "finished" else None,
            finished=now() if status != "playing" else None,
            lang=getattr(s.story, "lang", None),
        )

    # ------------------------------------------------------------------ SessionStore
    def save(self, session: Session) -> None:
        """Append the events not yet stored; durable (in the bank or the journal) on return.

        Raises:
            BankError: the bank refused the records (not for an unreachable bank).
        """
        t = self._track(session)
        status: Status = "finished" if session.finished else "playing"
        if len(session.events) == t.saved and status == t.status:
            return
        self._send(self._batch(t, status))
        t.saved, t.status = len(session.events), status

    def load(self, story: Story | PlayStory, learner: str) -> Session | None:
        """Rebuild the learner's unfinished playthrough of the story from the bank.

        Raises:
            SaveError: the playthrough was made with another version of the story.
            BankUnavailable: the bank cannot be reached.
        """
        self.flush()
        pt = self.bank.unfinished(learner, story.id)
        if pt is None:
            return None
        events = self.bank.events(pt.id)
        session = Session.from_json(story, {
            "version": SAVE_VERSION,
            "story": pt.story_id,
            "story_hash": pt.story_hash,
            "learner": learner,
            "started_at": pt.started,
            "events": events,
        })
        self._tracked[id(session)] = _Tracked(session, pt.id, len(events), "playing", pt.cohort)
        return session

    def discard(self, story: Story | PlayStory, learner: str) -> None:
        """Mark the learner's unfinished playthrough abandoned (nothing is deleted)."""
        for key, t in list(self._tracked.items()):
            s = t.session
            if s.story.id == story.id and s.learner == learner:
                del self._tracked[key]
                if t.status == "playing" and t.saved:
                    self._send(self._batch(t, "abandoned"))
                return
        pt = self.bank.unfinished(learner, story.id)
        if pt is not None:
            self._send(Batch(pt.id, learner, pt.cohort, pt.story_id, pt.story_hash, pt.started,
                             status="abandoned", finished=now()))

    def progress(self, stories: Iterable[Story], learner: str) -> dict[str, Progress]:
        """Stories with an unfinished playthrough ("in progress") or a finished one.

        Raises:
            BankUnavailable: the bank cannot be reached.
        """
        found: dict[str, Progress] = {}
        for story in stories:
            if self.bank.unfinished(learner, story.id) is not None:
                found[story.id] = "in progress"
            elif any(p.learner == learner and p.status == "finished"
                     for p in self.bank.playthroughs(story_id=story.id)):
                found[story.id] = "finished"
        return found

    # ------------------------------------------------------------------ ReflectionReader
    def shared_reflections(
        self,
        story_id: str,
        prompt_id: str,
        reader: str,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SharedReflection]:
        """What ``reader`` may see at this prompt; empty while the bank is unreachable."""
        try:
            return self.bank.shared_reflections(story_id, prompt_id, reader, query, limit, offset)
        except BankUnavailable:
            return []

    def close(self) -> None:
        """Try once more to empty the journal, then close the bank."""
        if self.journal.pending():
            self.flush()
        self.bank.close()
