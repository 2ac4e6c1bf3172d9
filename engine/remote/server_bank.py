"""The player's record through a cohort server: a :class:`Bank` whose writes are ``POST
/api/batches`` and whose reads of others' reflections are ``GET /api/reflections``.

:class:`~crossroads.engine.bank.store.BankSessionStore` drives it exactly as it drives a local
bank, so the durable path is the same: a save goes to the server, or (while the server cannot be
reached) to the fsynced journal, which is sent when the server answers again. Every batch is also
written to a small local copy of the learner's *own* records (an SQLite file in the data folder),
so resuming and the story picker's progress work without asking the server, and through an
outage. That copy holds nothing the learner did not write; ``forget-me`` deletes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from crossroads.engine.bank.base import (
    Bank,
    Batch,
    CheckinRow,
    Cohort,
    Learner,
    Playthrough,
    ReflectionRow,
    StepRow,
)
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.paths import data_dir
from crossroads.engine.records import SharedReflection, Visibility
from crossroads.engine.remote.client import ServerClient, ServerUnreachable
from crossroads.engine.remote.login import Login


def own_copy_path(login: Login) -> Path:
    """The local copy of this learner's own records on this server."""
    digest = hashlib.sha256(f"{login.url}\n{login.id}".encode()).hexdigest()[:16]
    return data_dir() / "server" / f"mine-{digest}.sqlite3"


def audience(me: dict[str, Any]) -> dict[Visibility, str]:
    """Who can read a reflection of each visibility, in words, from ``GET /api/me``."""
    cohort = me.get("cohort") or {}
    others = max(0, int(cohort.get("members") or 1) - 1)
    people = f"{others} {'person' if others == 1 else 'people'}"
    facilitator = cohort.get("facilitator")
    by = f" and your facilitator ({facilitator})" if facilitator else " and your facilitator"
    return {
        "private": "only you",
        "cohort": f"your cohort: {people}{by}",
        "bank": "everyone on this server: every cohort's learners and facilitators",
    }


class ServerBank(Bank):
    """A learner's records on a cohort server (see the module's description)."""

    def __init__(self, login: Login, client: ServerClient | None = None) -> None:
        from crossroads.engine.bank import open_bank

        self.login = login
        self.client = client or ServerClient(login.url, login.token)
        self.url = f"{login.url}#learner={login.id}"  # one journal per server and learner
        path = own_copy_path(login)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.own = open_bank(str(path))
        try:
            self.audience = audience(self.client.me())
        except ServerUnreachable:  # counts unknown while offline
            self.audience = audience({"cohort": {"members": 0}})
            self.audience["cohort"] = "your cohort and your facilitator"

    # ------------------------------------------------------------------ what the player uses
    def write(self, batch: Batch) -> None:
        """Keep the batch in the own copy, then send it (idempotent on the server).

        Raises:
            BankUnavailable: the server cannot be reached (the store journals the batch).
            BankError: the server refused it.
        """
        self.own.write(batch)
        self.client.post("/api/batches", batch.to_json())

    def unfinished(self, learner: str, story_id: str) -> Playthrough | None:
        """The learner's unfinished playthrough, from the own copy."""
        return self.own.unfinished(learner, story_id)

    def events(self, playthrough: str) -> list[dict[str, Any]]:
        """A playthrough's events, from the own copy."""
        return self.own.events(playthrough)

    def playthroughs(self, story_id: str | None = None, cohort: str | None = None,
                     lang: str | None = None) -> list[Playthrough]:
        """The learner's own playthroughs, from the own copy."""
        return self.own.playthroughs(story_id, cohort, lang)

    def shared_reflections(self, story_id: str, prompt_id: str, reader: str,
                           query: str | None = None, limit: int = 20,
                           offset: int = 0) -> list[SharedReflection]:
        """What the server lets this learner read at the prompt, newest first."""
        rows = self.client.get("/api/reflections", story=story_id, prompt=prompt_id, q=query,
                               limit=limit, offset=offset)
        return [shared(r) for r in rows]

    def close(self) -> None:
        """Close the own copy and the connection."""
        self.own.close()
        self.client.close()

    def schema_version(self) -> int:
        """The own copy's schema version."""
        return self.own.schema_version()

    # ------------------------------------------------------------------ not through the player
    def _local_only(self) -> NoReturn:
        raise UsageError("this is not available through the cohort server's player record")

    def learner(self, name: str, create: bool = True) -> Learner | None:
        self._local_only()

    def join(self, learner: str, code: str, name: str | None = None) -> Cohort:
        self._local_only()

    def cohort(self, code: str) -> Cohort | None:
        self._local_only()

    def steps_for(self, story_id: str, cohort: str | None = None,
                  times: bool = False) -> Iterator[StepRow]:
        self._local_only()

    def final_meters(self, story_id: str,
                     cohort: str | None = None) -> Iterator[tuple[str, dict[str, int]]]:
        self._local_only()

    def checkins_for(self, story_id: str,
                     cohort: str | None = None) -> Iterator[CheckinRow]:
        self._local_only()

    def reflections_for(self, story_id: str,
                        cohort: str | None = None) -> Iterator[ReflectionRow]:
        self._local_only()

    def search(self, text: str | None, reader: str | None = None,
               story_id: str | None = None, prompt_id: str | None = None, limit: int = 20,
               offset: int = 0, cohort: str | None = None) -> list[SharedReflection]:
        self._local_only()

    def counts(self) -> dict[str, int]:
        self._local_only()

    def learners(self) -> list[Learner]:
        self._local_only()

    def cohorts(self) -> list[Cohort]:
        self._local_only()

    def export_records(self) -> Iterator[dict[str, Any]]:
        self._local_only()

    def import_records(self,
                       records: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
        self._local_only()

    def forget(self, learner: str) -> dict[str, int]:
        self._local_only()


def shared(row: dict[str, Any]) -> SharedReflection:
    """A reflection from ``GET /api/reflections`` as the player shows it."""
    author = row.get("author")
    return SharedReflection(
        id=str(row["id"]),
        text=str(row["text"]),
        author=None if row.get("anonymous") or not author else str(author.get("name")),
        created=str(row.get("created") or ""),
        visibility=row.get("visibility", "bank"),
        mine=bool(row.get("mine")),
    )


def open_server_store(login: Login) -> Any:
    """The player's store (and reflection reader) on the cohort server of ``login``: a
    :class:`~crossroads.engine.bank.store.BankSessionStore` over a :class:`ServerBank`.

    Sends anything left in the journal by an earlier session, if the server answers.
    """
    from crossroads.engine.bank.store import BankSessionStore

    store = BankSessionStore(ServerBank(login), login.cohort)
    if store.journal.pending():
        store.flush()
    return store
