"""A cohort's programme in the story bank, and who may set, read and follow it.

The bank keeps the programme's YAML as it was set (``cohort_programmes``, schema version 8), so
it reads back with positions and prints as written. On a local bank the cohort is named by its
join code; behind the cohort server by its id, and the trust model applies:

- the cohort's facilitator sets its programme and reads everyone's progress through it;
- a learner reads the programme of their own cohort, never another's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from crossroads.engine.bank.base import Bank, norm_time, now
from crossroads.engine.bank.identity import AuthError, Caller, Tx, _is_uuid, _owned_cohort, _tx_bank
from crossroads.engine.diagnostics import BankError
from crossroads.engine.programme import Programme, load_programme_text
from crossroads.engine.programme_status import MemberProgress, ProgrammeStatus, programme_status

__all__ = [
    "StoredProgramme",
    "cohort_programme",
    "local_cohort_id",
    "local_story_ids",
    "member_progress",
    "programme_for",
    "set_programme",
    "set_programme_for",
    "shipped_story_ids",
    "status_for",
]


@dataclass(frozen=True, slots=True)
class StoredProgramme:
    """A cohort's programme as the bank keeps it."""

    cohort_id: str
    yaml: str
    updated: str | None
    programme: Programme

    def to_json(self) -> dict[str, Any]:
        """What ``GET /api/cohorts/{cohort}/programme`` answers."""
        p = self.programme
        return {"cohort": self.cohort_id, "updated": self.updated, "yaml": self.yaml,
                "title": p.title,
                "sessions": [{"n": i + 1, "story": s.story, "date": s.date.isoformat(),
                              "title": s.title, "notes": s.notes}
                             for i, s in enumerate(p.sessions)]}


def shipped_story_ids() -> set[str]:
    """The ids of the stories shipped with Crossroads (their file names)."""
    from crossroads.engine.paths import stories_dir

    return {p.stem for p in stories_dir().glob("*.yaml")}


def _cohort_stories(tx: Tx, cohort_id: str) -> set[str]:
    return {str(r[0]) for r in tx.rows(
        "SELECT story_id FROM cohort_stories WHERE cohort_id = ? UNION "
        "SELECT story_id FROM playthroughs WHERE cohort_id = ?", [cohort_id, cohort_id])}


def local_story_ids(bank: Bank, cohort_id: str) -> set[str]:
    """What a local cohort's programme may name: the shipped stories, the cohort's stories and
    every story played in the bank."""
    with _tx_bank(bank)._read() as tx:
        played = {str(r[0]) for r in tx.rows("SELECT DISTINCT story_id FROM playthroughs")}
        return shipped_story_ids() | played | _cohort_stories(tx, cohort_id)


def local_cohort_id(bank: Bank, code: str, create: bool = False) -> str:
    """The id of the local cohort with this join code (made first when ``create``).

    Raises:
        BankError: no such cohort (and not ``create``).
    """
    if create:
        sql_bank: Any = _tx_bank(bank)
        with sql_bank._write() as tx:
            return str(sql_bank._cohort_id(tx, code, None))
    cohort = bank.cohort(code)
    if cohort is None:
        raise BankError(f"no cohort {code!r} in the story bank {bank.url} (learners join it with "
                        f"'crossroads play --cohort {code}')")
    return cohort.id


def set_programme(bank: Bank, cohort_id: str, text: str, file: str,
                  stories: set[str] | None) -> StoredProgramme:
    """Check ``text`` as a programme (naming only ``stories``) and keep it for the cohort.

    Raises:
        ProgrammeError: not a valid programme (positioned in ``file``).
    """
    programme = load_programme_text(text, file, stories)
    with _tx_bank(bank)._write() as tx:
        _upsert(tx, cohort_id, text)
    return StoredProgramme(cohort_id, text, None, programme)


def _upsert(tx: Tx, cohort_id: str, text: str) -> None:
    tx.run("INSERT INTO cohort_programmes (cohort_id, yaml, updated) VALUES (?, ?, ?) "
           "ON CONFLICT (cohort_id) DO UPDATE SET yaml = excluded.yaml, "
           "updated = excluded.updated", [cohort_id, text, now()])


def _read(tx: Tx, cohort_id: str, name: str) -> StoredProgramme | None:
    rows = tx.rows("SELECT yaml, updated FROM cohort_programmes WHERE cohort_id = ?",
                   [cohort_id])
    if not rows:
        return None
    text, updated = str(rows[0][0]), rows[0][1]
    programme = load_programme_text(text, f"<the programme of cohort {name}>")
    return StoredProgramme(cohort_id, text, norm_time(updated), programme)


def cohort_programme(bank: Bank, cohort_id: str, name: str | None = None) \
        -> StoredProgramme | None:
    """The cohort's programme, or None when it has none."""
    with _tx_bank(bank)._read() as tx:
        return _read(tx, cohort_id, name or cohort_id)


def member_progress(bank: Bank, cohort_id: str) -> list[MemberProgress]:
    """Each member of the cohort (revoked ones left out) with the stories they have finished
    and have in progress, named as the bank knows them."""
    with _tx_bank(bank)._read() as tx:
        members = tx.rows(
            "SELECT l.id, coalesce(p.display_name, l.name) FROM memberships m "
            "JOIN learners l ON l.id = m.learner_id "
            "LEFT JOIN profiles p ON p.learner_id = l.id "
            "WHERE m.cohort_id = ? AND (p.revoked IS NULL OR NOT p.revoked)", [cohort_id])
        plays = tx.rows(
            "SELECT learner_id, story_id, status FROM playthroughs WHERE learner_id IN "
            "(SELECT learner_id FROM memberships WHERE cohort_id = ?) "
            "AND status IN ('finished', 'playing')", [cohort_id])
    finished: dict[str, set[str]] = {}
    playing: dict[str, set[str]] = {}
    for learner, story, status in plays:
        (finished if status == "finished" else playing).setdefault(str(learner), set()).add(
            str(story))
    return [MemberProgress(str(name), frozenset(finished.get(str(lid), ())),
                           frozenset(playing.get(str(lid), ())))
            for lid, name in members]


# ---------------------------------------------------------------------- the server's callers
def _cohort_name(tx: Tx, cohort_id: str) -> str:
    rows = tx.rows("SELECT name FROM cohorts WHERE id = ?", [cohort_id])
    return str(rows[0][0]) if rows else cohort_id


def _may_read(tx: Tx, caller: Caller, cohort_id: str) -> bool:
    if not _is_uuid(cohort_id):
        return False
    if caller.role == "learner":
        return caller.cohort_id == cohort_id
    return bool(tx.rows("SELECT 1 FROM cohort_owners WHERE cohort_id = ? AND facilitator_id = ?",
                        [cohort_id, caller.id]))


def set_programme_for(bank: Bank, caller: Caller, cohort_id: str, text: str) \
        -> StoredProgramme:
    """Set the programme of a cohort ``caller`` facilitates. Its sessions may name the cohort's
    stories and the shipped ones; a shipped story it names is kept for the cohort too (as
    naming it when creating the cohort does), so its learners can fetch that version.

    Raises:
        AuthError: not a facilitator (403), or not one of theirs (404).
        ProgrammeError: not a valid programme.
    """
    from crossroads.engine.bank.identity_stories import _link
    from crossroads.engine.paths import stories_dir

    shipped = shipped_story_ids()
    with _tx_bank(bank)._write() as tx:
        name = str(_owned_cohort(tx, caller, cohort_id)[0])
        own = _cohort_stories(tx, cohort_id)
        programme = load_programme_text(text, "programme.yaml", own | shipped,
                                        where=f"among the shipped stories or those of cohort "
                                              f"{name!r}")
        for story in sorted(set(programme.story_ids()) - own):
            _link(tx, cohort_id, (stories_dir() / f"{story}.yaml").read_text(encoding="utf-8"))
        _upsert(tx, cohort_id, text)
    return StoredProgramme(cohort_id, text, None, programme)


def programme_for(bank: Bank, caller: Caller, cohort_id: str) -> StoredProgramme | None:
    """The programme of the caller's cohort (a learner's own, a facilitator's own ones).

    Raises:
        AuthError: not the caller's cohort (403).
    """
    with _tx_bank(bank)._read() as tx:
        if not _may_read(tx, caller, cohort_id):
            raise AuthError("this is not your cohort", 403)
        return _read(tx, cohort_id, _cohort_name(tx, cohort_id))


def status_for(bank: Bank, caller: Caller, cohort_id: str, today: dt.date) \
        -> ProgrammeStatus | None:
    """Where each member of a cohort the caller facilitates stands (None: no programme).

    Raises:
        AuthError: not a facilitator (403), or not one of theirs (404).
    """
    with _tx_bank(bank)._read() as tx:
        _owned_cohort(tx, caller, cohort_id)
        stored = _read(tx, cohort_id, _cohort_name(tx, cohort_id))
    if stored is None:
        return None
    return programme_status(stored.programme, member_progress(bank, cohort_id), today)
