"""The bank's logic in SQL, shared by the SQLite and PostgreSQL implementations.

Subclasses provide transactions (:meth:`SqlBank._write`, :meth:`SqlBank._read`), the full-text
match condition and the conversions between database values and the bank's plain values (ids and
timestamps as strings, meters as dicts). Statements use ``?`` placeholders; the PostgreSQL
implementation rewrites them.
"""

from __future__ import annotations

import json
import uuid
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from crossroads.engine.bank.base import (
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
from crossroads.engine.bank.migrations import LATEST, MIGRATIONS, newer_message
from crossroads.engine.diagnostics import BankError
from crossroads.engine.records import VISIBILITIES, SharedReflection

#: Namespace for the ids of rows derived from a playthrough event (stable across retries).
EVENT_NS = uuid.UUID("5b0f8f3e-1c55-4d5e-9a0e-6f3b7d2f9c41")
BUNDLE_FORMAT = "crossroads-bank/1"
BULK_CHUNK = 500
"""Playthroughs per query of the bulk reads (bounded memory, few round trips)."""


def equal_filters(columns: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """``column = ?`` clauses and their parameters for the columns whose value is not None."""
    given = [(column, value) for column, value in columns.items() if value is not None]
    return [f"{column} = ?" for column, _ in given], [value for _, value in given]


def checkin_id(playthrough: str, seq: int, item: str) -> str:
    """The stable id of a check-in answer (a retried batch gives the same id)."""
    return str(uuid.uuid5(EVENT_NS, f"{playthrough}:{seq}:{item}"))


class Tx(Protocol):
    """A transaction as the shared code uses it."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return every row."""
        ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement and return the number of rows it changed."""
        ...

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        """Run a statement once per parameter tuple."""
        ...


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
        if not create:
            return None
        if not name.strip():
            raise BankError("a learner's display name cannot be empty")
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
            tx.run(
                "INSERT INTO playthroughs (id, learner_id, cohort_id, story_id, story_hash, "
                "started) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [b.playthrough, learner_id, cohort_id, b.story_id, b.story_hash,
                 norm_time(b.started) or now()],
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
        "p.status, p.ending FROM playthroughs p JOIN learners l ON l.id = p.learner_id "
        "LEFT JOIN cohorts c ON c.id = p.cohort_id "
    )

    def _pt_row(self, r: Sequence[Any]) -> Playthrough:
        status: Status = r[7]
        return Playthrough(str(r[0]), r[1], r[2], r[3], r[4], self._time_out(r[5]) or "",
                           self._time_out(r[6]), status, r[8])

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
        self, story_id: str | None = None, cohort: str | None = None
    ) -> list[Playthrough]:
        """Playthroughs, oldest first, optionally of one story and/or one cohort (by code)."""
        where, params = equal_filters({"p.story_id": story_id, "c.code": cohort})
        where.insert(0, "1 = 1")
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
               "text IS NOT NULL, CASE WHEN visibility <> 'private' AND NOT anonymous "
               "THEN text END, CASE WHEN anonymous THEN NULL ELSE created END "
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
            sql, params = self._visible_sql(reader_id, story_id, prompt_id, match, limit, offset,
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

    def _visible_sql(
        self,
        reader_id: str | None,
        story_id: str | None,
        prompt_id: str | None,
        match: tuple[str, list[Any]] | None,
        limit: int,
        offset: int,
        cohort_id: str | None = None,
    ) -> tuple[str, list[Any]]:
        """The access rule as three disjoint branches, each served by its own index and cut at
        ``offset + limit`` rows, merged newest first: the cost does not grow with the bank.
        ``cohort_id`` only narrows every branch to the reflections written in that cohort."""
        filters, fparams = equal_filters(
            {"r.cohort_id": cohort_id, "r.story_id": story_id, "r.prompt_id": prompt_id}
        )
        filters.insert(0, "r.text IS NOT NULL")
        if match is not None:
            filters.append(match[0])
            fparams += match[1]
        common = " AND ".join(filters)
        cols = "r.id, r.text, r.learner_id, r.anonymous, r.created, r.visibility"
        n = offset + limit
        table = "reflections r"
        branches: list[tuple[str, str, list[Any]]] = [(table, "r.visibility = 'bank'", [])]
        if reader_id is not None:
            branches.append(
                (table, "r.learner_id = ? AND r.visibility <> 'bank'", [reader_id])
            )
            # driven from the reader's memberships, so each cohort's index range is read
            branches.append((
                "memberships m JOIN reflections r ON r.cohort_id = m.cohort_id",
                "m.learner_id = ? AND r.visibility = 'cohort' "
                "AND (r.learner_id IS NULL OR r.learner_id <> ?)",
                [reader_id, reader_id],
            ))
        parts, params = [], []
        for i, (source, cond, cparams) in enumerate(branches):
            parts.append(
                f"SELECT * FROM (SELECT {cols} FROM {source} WHERE {cond} AND {common} "
                f"ORDER BY r.created DESC, r.id DESC LIMIT ?) b{i}"
            )
            params += [*cparams, *fparams, n]
        # names are looked up for the page only (a join invites a scan of every learner)
        sql = (
            "SELECT v.id, v.text, CASE WHEN v.anonymous THEN NULL ELSE "
            "(SELECT l.name FROM learners l WHERE l.id = v.learner_id) END, v.created, "
            "v.visibility, v.learner_id FROM (SELECT * FROM (" + " UNION ALL ".join(parts)
            + ") u ORDER BY u.created DESC, u.id DESC LIMIT ? OFFSET ?) v "
            "ORDER BY v.created DESC, v.id DESC"
        )
        return sql, [*params, limit, offset]

    # ------------------------------------------------------------------ administration
    def counts(self) -> dict[str, int]:
        """The number of rows in each table."""
        with self._read() as tx:
            return {t: int(tx.rows(f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES}

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every record as a JSON-ready dict with a ``type`` (a bundle's lines)."""
        t, i = self._time_out, self._id_out
        yield {"type": "bundle", "format": BUNDLE_FORMAT, "schema": self.schema_version(),
               "exported": now()}
        with self._read() as tx:
            for r in tx.rows("SELECT id, name, created FROM learners ORDER BY created, id"):
                yield {"type": "learner", "id": i(r[0]), "name": r[1], "created": t(r[2])}
            for r in tx.rows("SELECT id, code, name, created FROM cohorts ORDER BY created, id"):
                yield {"type": "cohort", "id": i(r[0]), "code": r[1], "name": r[2],
                       "created": t(r[3])}
            for r in tx.rows("SELECT learner_id, cohort_id, joined FROM memberships "
                             "ORDER BY joined, learner_id, cohort_id"):
                yield {"type": "membership", "learner": i(r[0]), "cohort": i(r[1]),
                       "joined": t(r[2])}
            for r in tx.rows("SELECT id, learner_id, cohort_id, story_id, story_hash, started, "
                             "finished, status, ending FROM playthroughs ORDER BY started, id"):
                yield {"type": "playthrough", "id": i(r[0]), "learner": i(r[1]),
                       "cohort": i(r[2]), "story": r[3], "story_hash": r[4],
                       "started": t(r[5]), "finished": t(r[6]), "status": r[7], "ending": r[8]}
            for r in tx.rows("SELECT playthrough_id, seq, scene, choice_index, choice_key, "
                             "to_scene, meters, ms, at FROM steps ORDER BY playthrough_id, seq"):
                yield {"type": "step", "playthrough": i(r[0]), "seq": r[1], "scene": r[2],
                       "index": r[3], "key": r[4], "to": r[5], "meters": self._json_out(r[6]),
                       "ms": r[7], "at": t(r[8])}
            # Anonymous reflections lose every link to their author: no learner, playthrough or
            # sequence, the creation time cut to the day (exact times would match the author's
            # steps), and listed after the others in random (id) order.
            cols = ("SELECT id, playthrough_id, seq, learner_id, cohort_id, story_id, prompt_id, "
                    "scene, text, visibility, anonymous, created FROM reflections ")
            for anonymous, sql in ((False, cols + "WHERE anonymous = ? ORDER BY created, id"),
                                   (True, cols + "WHERE anonymous = ? ORDER BY id")):
                for r in tx.rows(sql, [anonymous]):
                    created = t(r[11]) or ""
                    yield {"type": "reflection", "id": i(r[0]),
                           "playthrough": None if anonymous else i(r[1]),
                           "seq": None if anonymous else r[2],
                           "learner": None if anonymous else i(r[3]),
                           "cohort": i(r[4]), "story": r[5], "prompt": r[6], "scene": r[7],
                           "text": r[8], "visibility": r[9], "anonymous": anonymous,
                           "created": created[:10] + "T00:00:00.000+00:00" if anonymous
                           else created}
            for r in tx.rows("SELECT id, playthrough_id, seq, pos, scene, item_id, value, "
                             "created FROM checkins ORDER BY playthrough_id, seq, pos"):
                yield {"type": "checkin", "id": i(r[0]), "playthrough": i(r[1]), "seq": r[2],
                       "pos": r[3], "scene": r[4], "item": r[5], "value": r[6],
                       "created": t(r[7])}

    def import_records(self, records: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
        """Add the records not already present, in one transaction; return added/skipped."""
        counts = {kind: {"added": 0, "skipped": 0} for kind in _IMPORTERS}
        learners: dict[str, str] = {}
        cohorts: dict[str, str] = {}
        with self._write() as tx:
            for line, rec in enumerate(records, start=1):
                try:
                    kind = rec["type"]
                    if kind == "bundle":
                        if rec.get("format") != BUNDLE_FORMAT:
                            raise BankError(f"not a Crossroads bank bundle "
                                            f"(format {rec.get('format')!r})")
                        continue
                    importer = _IMPORTERS.get(kind)
                    if importer is None:
                        raise BankError(f"unknown record type {kind!r}")
                    added = importer(self, tx, rec, learners, cohorts)
                except BankError as err:
                    raise BankError(f"bundle line {line}: {err.message}") from None
                except (KeyError, TypeError, ValueError, AttributeError) as err:
                    raise BankError(f"bundle line {line}: malformed record ({err!r})") from None
                counts[kind]["added" if added else "skipped"] += 1
        return counts

    def _map(self, table: str, key: str, rec_id: str, value: str, known: dict[str, str],
             tx: Tx, insert: Sequence[Any]) -> bool:
        """Find a learner/cohort by id, then by its natural key; insert it when absent."""
        rows = tx.rows(f"SELECT id FROM {table} WHERE id = ?", [rec_id]) or tx.rows(
            f"SELECT id FROM {table} WHERE {key} = ?", [value]
        )
        if rows:
            known[rec_id] = str(rows[0][0])
            return False
        marks = ", ".join("?" for _ in insert)
        cols = "id, name, created" if table == "learners" else "id, code, name, created"
        tx.run(f"INSERT INTO {table} ({cols}) VALUES ({marks})", insert)
        known[rec_id] = rec_id
        return True

    def _imp_learner(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                     cohorts: dict[str, str]) -> bool:
        rid = str(uuid.UUID(r["id"]))
        return self._map("learners", "name", rid, r["name"], learners, tx,
                         [rid, r["name"], norm_time(r["created"]) or now()])

    def _imp_cohort(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                    cohorts: dict[str, str]) -> bool:
        rid = str(uuid.UUID(r["id"]))
        return self._map("cohorts", "code", rid, r["code"], cohorts, tx,
                         [rid, r["code"], r.get("name") or r["code"],
                          norm_time(r["created"]) or now()])

    @staticmethod
    def _ref(known: dict[str, str], value: str | None, what: str) -> str | None:
        if value is None:
            return None
        if value not in known:
            raise BankError(f"refers to a {what} not in the bundle before it ({value})")
        return known[value]

    def _imp_membership(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                        cohorts: dict[str, str]) -> bool:
        return tx.run(
            "INSERT INTO memberships (learner_id, cohort_id, joined) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [self._ref(learners, r["learner"], "learner"),
             self._ref(cohorts, r["cohort"], "cohort"), norm_time(r["joined"]) or now()],
        ) > 0

    def _imp_playthrough(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                         cohorts: dict[str, str]) -> bool:
        if r["status"] not in STATUSES:
            raise BankError(f"unknown playthrough status {r['status']!r}")
        return tx.run(
            "INSERT INTO playthroughs (id, learner_id, cohort_id, story_id, story_hash, started, "
            "finished, status, ending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [str(uuid.UUID(r["id"])), self._ref(learners, r["learner"], "learner"),
             self._ref(cohorts, r["cohort"], "cohort"), r["story"], r["story_hash"],
             norm_time(r["started"]), norm_time(r["finished"]), r["status"], r["ending"]],
        ) > 0

    def _imp_step(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                  cohorts: dict[str, str]) -> bool:
        return tx.run(
            "INSERT INTO steps (playthrough_id, seq, scene, choice_index, choice_key, to_scene, "
            "meters, ms, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [str(uuid.UUID(r["playthrough"])), int(r["seq"]), r["scene"], int(r["index"]),
             r["key"], r["to"], json.dumps(dict(r["meters"])), r.get("ms"),
             norm_time(r.get("at"))],
        ) > 0

    def _imp_reflection(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                        cohorts: dict[str, str]) -> bool:
        if r["visibility"] not in VISIBILITIES:
            raise BankError(f"unknown visibility {r['visibility']!r}")
        anonymous = bool(r["anonymous"])
        pt = r.get("playthrough")
        return tx.run(
            "INSERT INTO reflections (id, playthrough_id, seq, learner_id, cohort_id, story_id, "
            "prompt_id, scene, text, visibility, anonymous, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [str(uuid.UUID(r["id"])),
             None if anonymous or pt is None else str(uuid.UUID(pt)),
             None if anonymous else r.get("seq"),
             None if anonymous else self._ref(learners, r.get("learner"), "learner"),
             self._ref(cohorts, r.get("cohort"), "cohort"), r["story"], r["prompt"],
             r["scene"], r["text"], r["visibility"], anonymous, norm_time(r["created"])],
        ) > 0

    def _imp_checkin(self, tx: Tx, r: dict[str, Any], learners: dict[str, str],
                     cohorts: dict[str, str]) -> bool:
        return tx.run(
            "INSERT INTO checkins (id, playthrough_id, seq, pos, scene, item_id, value, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [str(uuid.UUID(r["id"])), str(uuid.UUID(r["playthrough"])), int(r["seq"]),
             int(r.get("pos", 0)), r["scene"], r["item"], int(r["value"]),
             norm_time(r["created"])],
        ) > 0

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


_IMPORTERS = {
    "learner": SqlBank._imp_learner,
    "cohort": SqlBank._imp_cohort,
    "membership": SqlBank._imp_membership,
    "playthrough": SqlBank._imp_playthrough,
    "step": SqlBank._imp_step,
    "reflection": SqlBank._imp_reflection,
    "checkin": SqlBank._imp_checkin,
}
