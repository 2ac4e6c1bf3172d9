"""Bank bundles: every record of a story bank as JSON Lines, and adding a bundle to a bank.

A bundle's first line is a header (``{"type": "bundle", "format": "crossroads-bank/1", …}``),
then one record per line, each with a ``type``: learners and cohorts before what refers to
them. Anonymous reflections lose every link to their author on export. Importing adds the
records not already present, in one transaction, and says how many of each type were added or
skipped. ``crossroads bank export`` / ``import`` call these through
:meth:`crossroads.engine.bank.base.Bank.export_records` and ``import_records``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from crossroads.engine.bank.base import STATUSES, norm_time, now
from crossroads.engine.bank.tx import Tx
from crossroads.engine.diagnostics import BankError
from crossroads.engine.records import VISIBILITIES

__all__ = ["BUNDLE_FORMAT", "bundle_header", "export_rows", "import_bundle"]

BUNDLE_FORMAT = "crossroads-bank/1"
"""The ``format`` of the bundles this version writes and reads."""

ValueOut = Callable[[Any], Any]
"""Turns a database value into the bank's plain value (an id or time as a string, a dict)."""
Importer = Callable[[Tx, dict[str, Any], dict[str, str], dict[str, str]], bool]
"""Adds one record (learner and cohort ids seen so far by bundle id); True when added."""


def bundle_header(schema: int) -> dict[str, Any]:
    """A bundle's first line, for a bank at schema version ``schema``."""
    return {"type": "bundle", "format": BUNDLE_FORMAT, "schema": schema, "exported": now()}


def export_rows(
    tx: Tx, *, time_out: ValueOut, id_out: ValueOut, json_out: ValueOut
) -> Iterator[dict[str, Any]]:
    """Every record in the bank, as JSON-ready dicts with a ``type`` (a bundle's lines after
    the header).

    Args:
        tx: a read transaction (one consistent snapshot).
        time_out: turns a stored time into an ISO string.
        id_out: turns a stored id into a string.
        json_out: turns a stored JSON column into a Python value.
    """
    t, i = time_out, id_out
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
                     "finished, status, ending, lang FROM playthroughs ORDER BY started, id"):
        yield {"type": "playthrough", "id": i(r[0]), "learner": i(r[1]),
               "cohort": i(r[2]), "story": r[3], "story_hash": r[4],
               "started": t(r[5]), "finished": t(r[6]), "status": r[7], "ending": r[8],
               **({"lang": r[9]} if r[9] is not None else {})}  # as written: as before
    for r in tx.rows("SELECT playthrough_id, seq, scene, choice_index, choice_key, "
                     "to_scene, meters, ms, at FROM steps ORDER BY playthrough_id, seq"):
        yield {"type": "step", "playthrough": i(r[0]), "seq": r[1], "scene": r[2],
               "index": r[3], "key": r[4], "to": r[5], "meters": json_out(r[6]),
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


def import_bundle(tx: Tx, records: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Add the records not already present; return how many of each type were added/skipped.

    Raises:
        BankError: a line is not a record of this format (naming the line); the caller's
            transaction is then rolled back.
    """
    counts = {kind: {"added": 0, "skipped": 0} for kind in _IMPORTERS}
    learners: dict[str, str] = {}
    cohorts: dict[str, str] = {}
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
            added = importer(tx, rec, learners, cohorts)
        except BankError as err:
            raise BankError(f"bundle line {line}: {err.message}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise BankError(f"bundle line {line}: malformed record ({err!r})") from None
        counts[kind]["added" if added else "skipped"] += 1
    return counts


def _map(table: str, key: str, rec_id: str, value: str, known: dict[str, str],
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


def _import_learner(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
    rid = str(uuid.UUID(r["id"]))
    return _map("learners", "name", rid, r["name"], learners, tx,
                [rid, r["name"], norm_time(r["created"]) or now()])


def _import_cohort(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
    rid = str(uuid.UUID(r["id"]))
    return _map("cohorts", "code", rid, r["code"], cohorts, tx,
                [rid, r["code"], r.get("name") or r["code"], norm_time(r["created"]) or now()])


def _ref(known: dict[str, str], value: str | None, what: str) -> str | None:
    """The bank's id for a learner/cohort the bundle named earlier (None stays None)."""
    if value is None:
        return None
    if value not in known:
        raise BankError(f"refers to a {what} not in the bundle before it ({value})")
    return known[value]


def _import_membership(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
    return tx.run(
        "INSERT INTO memberships (learner_id, cohort_id, joined) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [_ref(learners, r["learner"], "learner"),
         _ref(cohorts, r["cohort"], "cohort"), norm_time(r["joined"]) or now()],
    ) > 0


def _import_playthrough(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
    if r["status"] not in STATUSES:
        raise BankError(f"unknown playthrough status {r['status']!r}")
    return tx.run(
        "INSERT INTO playthroughs (id, learner_id, cohort_id, story_id, story_hash, started, "
        "finished, status, ending, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [str(uuid.UUID(r["id"])), _ref(learners, r["learner"], "learner"),
         _ref(cohorts, r["cohort"], "cohort"), r["story"], r["story_hash"],
         norm_time(r["started"]), norm_time(r["finished"]), r["status"], r["ending"],
         r.get("lang")],
    ) > 0


def _import_step(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
    return tx.run(
        "INSERT INTO steps (playthrough_id, seq, scene, choice_index, choice_key, to_scene, "
        "meters, ms, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [str(uuid.UUID(r["playthrough"])), int(r["seq"]), r["scene"], int(r["index"]),
         r["key"], r["to"], json.dumps(dict(r["meters"])), r.get("ms"),
         norm_time(r.get("at"))],
    ) > 0


def _import_reflection(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
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
         None if anonymous else _ref(learners, r.get("learner"), "learner"),
         _ref(cohorts, r.get("cohort"), "cohort"), r["story"], r["prompt"],
         r["scene"], r["text"], r["visibility"], anonymous, norm_time(r["created"])],
    ) > 0


def _import_checkin(
    tx: Tx, r: dict[str, Any], learners: dict[str, str], cohorts: dict[str, str]
) -> bool:
    return tx.run(
        "INSERT INTO checkins (id, playthrough_id, seq, pos, scene, item_id, value, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [str(uuid.UUID(r["id"])), str(uuid.UUID(r["playthrough"])), int(r["seq"]),
         int(r.get("pos", 0)), r["scene"], r["item"], int(r["value"]),
         norm_time(r["created"])],
    ) > 0


_IMPORTERS: dict[str, Importer] = {
    "learner": _import_learner,
    "cohort": _import_cohort,
    "membership": _import_membership,
    "playthrough": _import_playthrough,
    "step": _import_step,
    "reflection": _import_reflection,
    "checkin": _import_checkin,
}
