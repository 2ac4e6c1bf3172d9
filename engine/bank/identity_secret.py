"""Anonymity at rest: an anonymous reflection of a server learner keeps no link to its author
that anyone but the author (through the server) can follow.

Its row holds no ``learner_id``, no playthrough, no sequence number and only the day it was
written; what ties it to its author is ``author_key`` = SHA-256 of ``KEY:LEARNER_ID``, where KEY
is a random 256-bit secret the bank made for itself (``bank_secrets``, schema version 5). With
a secret of fixed length in front of a fixed-length id, this keyed hash serves as an HMAC would
(length extension gives no other learner's key) and PostgreSQL computes it with its built-in
``sha256`` inside a function the server's role may call only for itself: that role never reads
the key. The bank exports neither the key nor ``author_key``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from crossroads.engine.bank.base import Bank, Batch, norm_time, now
from crossroads.engine.bank.sql import SqlBank, Tx
from crossroads.engine.diagnostics import BankError
from crossroads.engine.records import VISIBILITIES


class Rows(Protocol):
    """What :func:`author_key` needs of a transaction."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


def keyed_hash(key: str, learner_id: str) -> str:
    """The author key of a learner under the bank's secret (SQLite computes it here)."""
    return hashlib.sha256(f"{key}:{learner_id}".encode()).hexdigest()


def author_key(tx: Rows, dialect: str, learner_id: str) -> str:
    """The author key of ``learner_id``. On PostgreSQL the bank computes it, and only for the
    caller themself or their cohort's facilitator.

    Raises:
        BankError: the caller may not know this learner's key.
    """
    if dialect == "postgresql":
        key = tx.rows("SELECT crossroads_author_key(?::uuid)", [learner_id])[0][0]
        if key is None:
            raise BankError("the bank refused an author key (not this caller's)")
        return str(key)
    rows = tx.rows("SELECT value FROM bank_secrets WHERE name = 'author_key'")
    return keyed_hash(str(rows[0][0]), learner_id)


def _day(at: Any) -> str:
    return (norm_time(at) or now())[:10] + "T00:00:00.000+00:00"


def sealed_id(key: str, playthrough: str, seq: int) -> str:
    """A stable id for an anonymous reflection sent without one (a resent batch gives the same
    id); without the author's key nobody can tie it to the playthrough."""
    digest = hashlib.sha256(f"{key}:{playthrough}:{seq}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def write_sealed(bank: Bank, batch: Batch) -> None:
    """Write a server learner's batch in one transaction, its anonymous reflections sealed.

    Raises:
        BankError: a malformed batch, or the bank refused it.
    """
    if not isinstance(bank, SqlBank):
        raise BankError(f"the story bank {bank.url} cannot hold server records")
    with bank._write() as tx:
        write_sealed_in(tx, bank, batch)


def write_sealed_in(tx: Tx, bank: SqlBank, batch: Batch) -> None:
    """:func:`write_sealed` in the writing transaction ``tx`` of ``bank``."""
    anonymous: list[tuple[int, dict[str, Any]]] = []
    runs: list[tuple[int, list[dict[str, Any]]]] = []
    for offset, ev in enumerate(batch.events):
        seq = batch.first + offset
        if ev.get("type") == "reflection" and ev.get("anonymous"):
            anonymous.append((seq, ev))
        elif runs and runs[-1][0] + len(runs[-1][1]) == seq:
            runs[-1][1].append(ev)
        else:
            runs.append((seq, [ev]))
    # the playthrough with the named events run by run (alone for a batch of anonymous
    # reflections only), then the status
    for first, events in runs or [(batch.first, [])]:
        bank._write_batch(tx, replace(batch, first=first, events=events, status="playing"))
    if anonymous:
        key = author_key(tx, bank.dialect, batch.learner)
        rows = []
        for seq, ev in anonymous:
            try:
                if ev["visibility"] not in VISIBILITIES:
                    raise BankError(f"unknown visibility {ev['visibility']!r}")
                rid = (str(uuid.UUID(ev["id"])) if ev.get("id")
                       else sealed_id(key, batch.playthrough, seq))
                rows.append((rid, batch.cohort, batch.story_id, str(ev["prompt"]),
                             str(ev["scene"]), str(ev["text"]), ev["visibility"], True,
                             _day(ev.get("at")), key))
            except (KeyError, TypeError, ValueError) as err:
                raise BankError(f"event {seq} of playthrough {batch.playthrough} is "
                                f"malformed ({err!r})") from None
        tx.many("INSERT INTO reflections (id, cohort_id, story_id, prompt_id, scene, text, "
                "visibility, anonymous, created, author_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
    if batch.status != "playing":
        bank._write_batch(tx, replace(batch, first=batch.first + len(batch.events),
                                      events=[]))


def seal_anonymous(bank: Bank) -> int:
    """Seal the anonymous reflections server learners wrote before schema version 5 (SQLite;
    PostgreSQL's migration sealed them). Returns how many; run when the server starts."""
    if not isinstance(bank, SqlBank) or bank.dialect != "sqlite":
        return 0
    with bank._write() as tx:
        rows = tx.rows("SELECT r.id, r.learner_id, r.created FROM reflections r "
                       "JOIN profiles p ON p.learner_id = r.learner_id WHERE r.anonymous")
        if not rows:
            return 0
        key = str(tx.rows("SELECT value FROM bank_secrets WHERE name = 'author_key'")[0][0])
        for rid, learner, created in rows:
            tx.run("UPDATE reflections SET author_key = ?, learner_id = NULL, "
                   "playthrough_id = NULL, seq = NULL, created = ? WHERE id = ?",
                   [keyed_hash(key, str(learner)), _day(created), rid])
    return len(rows)
