"""The bank's logic in SQL, shared by the SQLite and PostgreSQL implementations.

Subclasses provide transactions (:meth:`SqlBank._write`, :meth:`SqlBank._read`), the full-text
match condition and the conversions between database values and the bank's plain values (ids and
timestamps as strings, meters as dicts). Statements use ``?`` placeholders; the PostgreSQL
implementation rewrites them.

Two parts live in modules of their own: who may read which reflection
(:mod:`crossroads.engine.bank.access`) and bundles, the bank as JSON Lines
(:mod:`crossroads.engine.bank.bundle`).
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from crossroads.engine.bank.access import AUTHOR_TIME, SHARED_TEXT, visible_sql
from crossroads.engine.bank.base import (
    SOURCE_LANG,
    STATUSES,
    TABLES,
    Bank,
    Batch,
    CheckinRow,
    Cohort,
    Learner,
    Playthrough,
    ReflectionRow,
    Status,
    StepRow,
    norm_time,
    now,
)
from crossroads.engine.bank.bundle import bundle_header, export_rows, import_bundle
from crossroads.engine.bank.migrations import LATEST, MIGRATIONS, newer_message
from crossroads.engine.bank.names import LookalikeGuard, normal_name
from crossroads.engine.bank.tx import Tx, equal_filters
from crossroads.engine.diagnostics import BankError
from crossroads.engine.records import VISIBILITIES, SharedReflection

#: Namespace for the ids of rows derived from a playthrough event (stable across retries).
EVENT_NS = uuid.UUID("5b0f8f3e-1c55-4d5e-9a0e-6f3b7d2f9c41")
BULK_CHUNK = 500
"""Playthroughs per query of the bulk reads (bounded memory, few round trips)."""


def checkin_id(playthrough: str, seq: int, item: str) -> str:
    """The stable id of a check-in answer (a retried batch gives the same id)."""
    return str(uuid.uuid5(EVENT_NS, f"{playthrough}:{seq}:{item}"))


class SqlBank(Bank):
    """Everything the two implementations share."""

    dialect: str

    def _apply_migrations(self, tx: Tx, target: int, record: str) -> None:
        """Refuse a bank newer than :data:`LATEST`; apply the missing versions up to ``target``,
        recording each with the ``record`` statement (its one parameter is the version)."""
        found = int(tx.rows("SELECT coalesce(max(version), 0) FROM bank_schema")[0][0])
        if found > LATEST:
            raise BankError(f"{self.url}: {newer_message(found)}")
        for version in range(found + 1, target + 1):
            for statement in MIGRATIONS[self.dialect][version - 1]:
                tx.run(statement)
            tx.run(record, [version])

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _write(self) -> AbstractContextManager[Tx]:
        """A transaction that may write (``BEGIN IMMEDIATE`` on SQLite)."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Tx]:
        """A read-only transaction (one consistent snapshot)."""

    @abstractmethod
    def _match(
        self, text: str, story_id: str | None, prompt_id: str | None
    ) -> tuple[str, list[Any]] | None:
        """A condition on ``r`` (and its parameters) true when ``r`` matches the words; None
        when the text has no searchable words. Given the story (and prompt), the full-text
        index itself narrows the search to it, so the cost follows the prompt, not the bank."""

    erasure_note: str | None = None
    """After :meth:`forget`: why the erased text may still be on disk (e.g. another process
    holds the SQLite bank open), else None."""

    def _after_forget(self) -> None:
        """Purge what deleted rows may leave behind (indexes, free pages)."""

    def _json_out(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def _time_out(self, value: Any) -> str | None:
        return norm_time(value)

    def _id_out(self, value: Any) -> str | None:
        return None if value is None else str(value)

    # ------------------------------------------------------------------ people
    def _learner_id(self, tx: Tx, name: str, create: bool) -> str | None:
        rows = tx.rows("SELECT id FROM learners WHERE name = ?", [name])
        if rows:
            return str(rows[0][0])
        nfkc = unicodedata.normalize("NFKC", name).strip()
        rows = tx.rows("SELECT id FROM learners WHERE name = ?", [nfkc]) if nfkc != name else []
        if rows:
            return str(rows[0][0])
        if not create:
            return None
        name = normal_name(name)  # NFKC; no controls; not a look-alike of another learner
        guard = self.__dict__.setdefault("_lookalikes", LookalikeGuard())
        guard.check(tx, name)
        guard.added(name)
        tx.run(
            "INSERT INTO learners (id, name, created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [str(uuid.uuid4()), name, now()],
        )
        return str(tx.rows("SELECT id FROM learners WHERE name = ?", [name])[0][0])

    def _cohort_id(self, tx: Tx, code: str, name: str | None) -> str:
        rows = tx.rows("SELECT id FROM cohorts WHERE code = ?", [code])
        if rows:
            return str(rows[0][0])
        if not code.strip():
            raise BankError("a cohort's join code cannot be empty")
        tx.run(
            "INSERT INTO cohorts (id, code, name, created) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [str(uuid.uuid4()), code, name or code, now()],
        )
        return str(tx.rows("SELECT id FROM cohorts WHERE code = ?", [code])[0][0])

    def _join(self, tx: Tx, learner_id: str, code: str, name: str | None = None) -> str:
        cohort_id = self._cohort_id(tx, code, name)
        tx.run(
            "INSERT INTO memberships (learner_id, cohort_id, joined) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [learner_id, cohort_id, now()],
        )
        return cohort_id

    def learner(self, name: str, create: bool = True) -> Learner | None:
        """The learner with this display name; created on first use when ``create``."""
        ctx = self._write() if create else self._read()
        with ctx as tx:
            lid = self._learner_id(tx, name, create)
            if lid is None:
                return None
            row = tx.rows("SELECT id, name, created FROM learners WHERE id = ?", [lid])[0]
        return Learner(str(row[0]), row[1], self._time_out(row[2]) or "")

    def join(self, learner: str, code: str, name: str | None = None) -> Cohort:
        """Put the learner in the cohort with this join code, creating either if needed."""
        with self._write() as tx:
            lid = self._learner_id(tx, learner, True)
            assert lid is not None
            self._join(tx, lid, code, name)
        cohort = self.cohort(code)
        assert cohort is not None
        return cohort

    def cohort(self, code: str) -> Cohort | None:
        """The cohort with this join code, if any."""
        with self._read() as tx:
            rows = tx.rows("SELECT id, code, name, created FROM cohorts WHERE code = ?", [code])
        return self._cohort_row(rows[0]) if rows else None

    def _cohort_row(self, row: Sequence[Any]) -> Cohort:
        return Cohort(str(row[0]), row[1], row[2], self._time_out(row[3]) or "")

    def learners(self) -> list[Learner]:
        """Every learner, by name."""
        with self._read() as tx:
            rows = tx.rows("SELECT id, name, created FROM learners ORDER BY name")
        return [Learner(str(r[0]), r[1], self._time_out(r[2]) or "") for r in rows]

    def cohorts(self) -> list[Cohort]:
        """Every cohort, by code."""
        with self._read() as tx:
            rows = tx.rows("SELECT id, code, name, created FROM cohorts ORDER BY code")
        return [self._cohort_row(r) for r in rows]

    # ------------------------------------------------------------------ writing playthroughs
    def write(self, batch: Batch) -> None:
        """Append a batch in one transaction; durable when this returns."""
        if batch.status not in STATUSES:
            raise BankError(f"unknown playthrough status {batch.status!r}")
        with self._write() as tx:
            self._write_batch(tx, batch)

    def _write_batch(self, tx: Tx, b: Batch) -> None:
        rows = tx.rows(
            "SELECT learner_id, cohort_id FROM playthroughs WHERE id = ?", [b.playthrough]
        )
        if rows:
            learner_id, cohort_id = self._id_out(rows[0][0]), self._id_out(rows[0][1])
        else:
            learner_id = self._learner_id(tx, b.learner, True)
            assert learner_id is not None
            cohort_id = self._join(tx, learner_id, b.cohort) if b.cohort else None
            # the language only when there is one (the column is NULL by default), so a bank
            # held at an older schema version still takes playthroughs of a story as written
            lang = ", lang" if b.lang is not None else ""
            tx.run(
                "INSERT INTO playthroughs (id, learner_id, cohort_id, story_id, story_hash, "
                f"started{lang}) VALUES (?, ?, ?, ?, ?, ?{', ?' if lang else ''}) "
                "ON CONFLICT DO NOTHING",
                [b.playthrough, learner_id, cohort_id, b.story_id, b.story_hash,
                 norm_time(b.started) or now(), *([b.lang] if lang else [])],
            )
        steps: list[tuple[Any, ...]] = []
        reflections: list[tuple[Any, ...]] = []
        checkins: list[tuple[Any, ...]] = []
        for offset, ev in enumerate(b.events):
            seq = b.first + offset
            try:
                kind = ev["type"]
                at = norm_time(ev.get("at"))
                if kind == "choice":
                    steps.append((b.playthrough, seq, ev["scene"], int(ev["index"]), ev["key"],
                                  ev["to"], json.dumps(ev["meters"]), ev.get("ms"), at))
                elif kind == "reflection":
                    if ev["visibility"] not in VISIBILITIES:
                        raise BankError(f"unknown visibility {ev['visibility']!r}")
                    # a random id: one derived from the playthrough would unmask anonymity
                    rid = str(uuid.UUID(ev["id"])) if ev.get("id") else str(uuid.uuid4())
                    reflections.append((rid, b.playthrough, seq,
                                        learner_id, cohort_id, b.story_id, ev["prompt"],
                                        ev["scene"], ev["text"], ev["visibility"],
                                        bool(ev.get("anonymous")), at or now()))
                elif kind == "checkin":
                    for pos, (item, value) in enumerate(ev["answers"].items()):
                        checkins.append((checkin_id(b.playthrough, seq, item), b.playthrough, seq,
                                         pos, ev["scene"], item, int(value), at or now()))
                else:
                    raise BankError(f"unknown event type {kind!r}")
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                raise BankError(f"event {seq} of playthrough {b.playthrough} is malformed "
                                f"({err!r})") from None
        if steps:
            tx.many(
                "INSERT INTO steps (playthrough_id, seq, scene, choice_index, choice_key, "
                "to_scene, meters, ms, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                steps,
            )
        if reflections:
            tx.many(
                "INSERT INTO reflections (id, playthrough_id, seq, learner_id, cohort_id, "
                "story_id, prompt_id, scene, text, visibility, anonymous, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                reflections,
            )
        if checkins:
            tx.many(
                "INSERT INTO checkins (id, playthrough_id, seq, pos, scene, item_id, value, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                checkins,
            )
        if b.status != "playing":
            tx.run(
                "UPDATE playthroughs SET status = ?, finished = ?, ending = ? "
                "WHERE id = ? AND status = 'playing'",
                [b.status, norm_time(b.finished) or now(), b.ending, b.playthrough],
            )

    # ------------------------------------------------------------------ reading playthroughs
    _PT_COLUMNS = (
        "SELECT p.id, l.name, c.code, p.story_id, p.story_hash, p.started, p.finished, "
        "p.status, p.ending, p.lang FROM playthroughs p JOIN learners l ON l.id = p.learner_id "
        "LEFT JOIN cohorts c ON c.id = p.cohort_id "
    )

    def _pt_row(self, r: Sequence[Any]) -> Playthrough:
        status: Status = r[7]
        return Playthrough(str(r[0]), r[1], r[2], r[3], r[4], self._time_out(r[5]) or "",
                           self._time_out(r[6]), status, r[8], r[9])

    def unfinished(self, learner: str, story_id: str) -> Playthrough | None:
        """The learner's most recently started unfinished playthrough of the story."""
        with self._read() as tx:
            rows = tx.rows(
                self._PT_COLUMNS + "WHERE l.name = ? AND p.story_id = ? AND p.status = 'playing' "
                "ORDER BY p.started DESC LIMIT 1",
                [learner, story_id],
            )
        return self._pt_row(rows[0]) if rows else None

    def playthroughs(
        self, story_id: str | None = None, cohort: str | None = None, lang: str | None = None
    ) -> list[Playthrough]:
        """Playthroughs, oldest first, optionally of one story and/or one cohort (by code)
        and/or played in one language (``"source"``: as written)."""
        where, params = equal_filters({"p.story_id": story_id, "c.code": cohort,
                                       "p.lang": lang if lang != SOURCE_LANG else None})
        where.insert(0, "1 = 1")
        if lang == SOURCE_LANG:
            where.append("p.lang IS NULL")
        with self._read() as tx:
            rows = tx.rows(
                self._PT_COLUMNS + "WHERE " + " AND ".join(where) + " ORDER BY p.started, p.id",
                params,
            )
        return [self._pt_row(r) for r in rows]

    def events(self, playthrough: str) -> list[dict[str, Any]]:
        """The playthrough's events in order, as the runtime records them."""
        out: list[tuple[int, int, dict[str, Any]]] = []
        with self._read() as tx:
            for r in tx.rows(
                "SELECT seq, scene, choice_index, choice_key, to_scene, meters, ms, at "
                "FROM steps WHERE playthrough_id = ?",
                [playthrough],
            ):
                out.append((r[0], 0, {
                    "type": "choice", "scene": r[1], "index": r[2], "key": r[3], "to": r[4],
                    "meters": self._json_out(r[5]), "ms": r[6], "at": self._time_out(r[7]) or "",
                }))
            for r in tx.rows(
                "SELECT seq, scene, prompt_id, text, visibility, anonymous, created "
                "FROM reflections WHERE playthrough_id = ?",
                [playthrough],
            ):
                out.append((r[0], 0, {
                    "type": "reflection", "scene": r[1], "prompt": r[2], "text": r[3],
                    "visibility": r[4], "anonymous": bool(r[5]), "at": self._time_out(r[6]),
                }))
            checkins: dict[int, dict[str, Any]] = {}
            for r in tx.rows(
                "SELECT seq, scene, item_id, value, created FROM checkins "
                "WHERE playthrough_id = ? ORDER BY seq, pos",
                [playthrough],
            ):
                event = checkins.get(r[0])
                if event is None:
                    event = checkins[r[0]] = {"type": "checkin", "scene": r[1], "answers": {},
                                              "at": self._time_out(r[4])}
                    out.append((r[0], 0, event))
                event["answers"][r[2]] = r[3]
        out.sort(key=lambda t: t[0])
        return [event for _, _, event in out]

    # ------------------------------------------------------------------ bulk reads
    def write_many(self, batches: Iterable[Batch]) -> int:
        """Append many batches in one transaction (bulk loads); return how many."""
        n = 0
        with self._write() as tx:
            for batch in batches:
                if batch.status not in STATUSES:
                    raise BankError(f"unknown playthrough status {batch.status!r}")
                self._write_batch(tx, batch)
                n += 1
        return n

    def _chunked(self, story_id: str, cohort: str | None, sql: str) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (with ``{ids}`` for a list of playthrough ids) for the story's
        playthroughs, a chunk of playthroughs per read transaction: one query per
        :data:`BULK_CHUNK` playthroughs, never one per playthrough."""
        clauses, params = equal_filters({"p.story_id": story_id, "c.code": cohort})
        with self._read() as tx:
            ids = [self._id_out(r[0]) for r in tx.rows(
                "SELECT p.id FROM playthroughs p LEFT JOIN cohorts c ON c.id = p.cohort_id "
                f"WHERE {' AND '.join(clauses)} ORDER BY p.id", params)]
        for start in range(0, len(ids), BULK_CHUNK):
            part = ids[start:start + BULK_CHUNK]
            with self._read() as tx:
                rows = tx.rows(sql.format(ids=", ".join("?" * len(part))), part)
            yield from rows

    def steps_for(
        self, story_id: str, cohort: str | None = None, times: bool = False
    ) -> Iterator[StepRow]:
        """Every choice of the story's playthroughs, grouped by playthrough, in order."""
        i = self._id_out
        sql = ("SELECT playthrough_id, seq, scene, choice_key, to_scene, ms"
               + (", at" if times else "") + " FROM steps WHERE playthrough_id IN ({ids}) "
               "ORDER BY playthrough_id, seq")
        for r in self._chunked(story_id, cohort, sql):
            yield StepRow(i(r[0]) or "", r[1], r[2], r[3], r[4], r[5],
                          self._time_out(r[6]) if times else None)

    def final_meters(
        self, story_id: str, cohort: str | None = None
    ) -> Iterator[tuple[str, dict[str, int]]]:
        """(playthrough, meters after its last choice) for every playthrough with a choice."""
        sql = ("SELECT s.playthrough_id, s.meters FROM steps s WHERE s.playthrough_id IN ({ids}) "
               "AND s.seq = (SELECT max(t.seq) FROM steps t "
               "WHERE t.playthrough_id = s.playthrough_id)")
        for r in self._chunked(story_id, cohort, sql):
            yield self._id_out(r[0]) or "", self._json_out(r[1])

    def checkins_for(self, story_id: str, cohort: str | None = None) -> Iterator[CheckinRow]:
        """Every check-in answer of the story's playthroughs, grouped by playthrough, in order."""
        sql = ("SELECT playthrough_id, seq, scene, item_id, value FROM checkins "
               "WHERE playthrough_id IN ({ids}) ORDER BY playthrough_id, seq, pos")
        for r in self._chunked(story_id, cohort, sql):
            yield CheckinRow(self._id_out(r[0]) or "", r[1], r[2], r[3], r[4])

    def reflections_for(
        self, story_id: str, cohort: str | None = None
    ) -> Iterator[ReflectionRow]:
        """Every reflection event of the story's playthroughs (text only when shared under the
        author's name; no time when anonymous)."""
        sql = ("SELECT playthrough_id, seq, scene, prompt_id, visibility, anonymous, "
               f"text IS NOT NULL, {SHARED_TEXT}, {AUTHOR_TIME} "
               "FROM reflections WHERE playthrough_id IN ({ids}) ORDER BY playthrough_id, seq")
        for r in self._chunked(story_id, cohort, sql):
            yield ReflectionRow(self._id_out(r[0]) or "", r[1], r[2], r[3], r[4], bool(r[5]),
                                bool(r[6]), r[7], self._time_out(r[8]))

    # ------------------------------------------------------------------ reading reflections
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
        return self.search(query, reader, story_id, prompt_id, limit, offset)

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
        """Reflections ``reader`` may see (``None``: only ``bank`` ones), newest first;
        only those written in the cohort with this join code when ``cohort`` is given."""
        limit, offset = max(0, int(limit)), max(0, int(offset))
        match: tuple[str, list[Any]] | None = None
        if text is not None and text.strip():
            match = self._match(text, story_id, prompt_id)
            if match is None:
                return []
        with self._read() as tx:
            reader_id = None
            if reader is not None:
                rows = tx.rows("SELECT id FROM learners WHERE name = ?", [reader])
                reader_id = self._id_out(rows[0][0]) if rows else None
            cohort_id = None
            if cohort is not None:
                rows = tx.rows("SELECT id FROM cohorts WHERE code = ?", [cohort])
                if not rows:
                    return []
                cohort_id = self._id_out(rows[0][0])
            sql, params = visible_sql(reader_id, story_id, prompt_id, match, limit, offset,
                                            cohort_id)
            rows = tx.rows(sql, params)
        return [
            SharedReflection(
                id=str(r[0]),
                text=r[1],
                author=r[2],
                created=self._time_out(r[3]) or "",
                visibility=r[4],
                mine=reader_id is not None and self._id_out(r[5]) == reader_id,
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ administration
    def counts(self) -> dict[str, int]:
        """The number of rows in each table."""
        with self._read() as tx:
            return {t: int(tx.rows(f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES}

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every record as a JSON-ready dict with a ``type`` (a bundle's lines; see
        :mod:`crossroads.engine.bank.bundle`)."""
        yield bundle_header(self.schema_version())
        with self._read() as tx:
            yield from export_rows(
                tx, time_out=self._time_out, id_out=self._id_out, json_out=self._json_out
            )

    def import_records(self, records: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
        """Add the records not already present, in one transaction; return added/skipped."""
        with self._write() as tx:
            return import_bundle(tx, records)

    def forget(self, learner: str) -> dict[str, int]:
        """Erase every row of this learner in every table; return how many per table."""
        with self._write() as tx:
            lid = self._learner_id(tx, learner, False)
            if lid is None:
                raise BankError(f"no learner named {learner!r} in this story bank")
            mine = "SELECT id FROM playthroughs WHERE learner_id = ?"
            removed = {
                "reflections": tx.run(
                    f"DELETE FROM reflections WHERE learner_id = ? OR playthrough_id IN ({mine})",
                    [lid, lid],
                ),
                "checkins": tx.run(f"DELETE FROM checkins WHERE playthrough_id IN ({mine})",
                                   [lid]),
                "steps": tx.run(f"DELETE FROM steps WHERE playthrough_id IN ({mine})", [lid]),
                "playthroughs": tx.run("DELETE FROM playthroughs WHERE learner_id = ?", [lid]),
                "memberships": tx.run("DELETE FROM memberships WHERE learner_id = ?", [lid]),
                "learners": tx.run("DELETE FROM learners WHERE id = ?", [lid]),
            }
        self._after_forget()
        return removed
