"""The trust model applied to a caller: what a server learner or facilitator may write and read.

- A learner writes only their own playthroughs (a batch is written as them and in their cohort,
  whatever it claims) and reads their own reflections, their cohort's ``cohort`` reflections and
  everyone's ``bank`` ones.
- A facilitator reads the ``cohort`` reflections of the cohorts they own and everyone's ``bank``
  ones, and the paths (choices) played in their cohorts.
- Nobody reads another person's ``private`` reflection. What anyone but its author reads of an
  anonymous reflection has no author, no playthrough and a time cut to the day; in the bank its
  row holds none of these either (:mod:`crossroads.engine.bank.identity_secret`).
"""

from __future__ import annotations

import uuid
from typing import Any

from crossroads.engine.bank.base import Bank, Batch, norm_time
from crossroads.engine.bank.identity import (
    AuthError,
    Caller,
    _tx_bank,
    caller_in,
    touch_session,
)
from crossroads.engine.bank.identity_secret import author_key, write_sealed, write_sealed_in
from crossroads.engine.bank.sql import SqlBank
from crossroads.engine.diagnostics import BankError
from crossroads.engine.l10n.locale import LANG_CODE

BATCH_FIELDS = frozenset(
    ["playthrough", "learner", "cohort", "story_id", "story_hash", "started", "first", "events",
     "status", "ending", "finished", "lang"]
)
MAX_EVENTS = 2000
MAX_PAGE = 200


def _uuid(value: Any, what: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise BankError(f"{what} must be a UUID, not {str(value)[:40]!r}") from None


def batch_for(caller: Caller, data: Any) -> Batch:
    """A batch (the journal's line format) to write as ``caller``: the learner and cohort it
    names are replaced by the caller's own.

    Raises:
        AuthError: the caller is not a learner.
        BankError: the batch is malformed.
    """
    if caller.role != "learner" or caller.cohort_id is None:
        raise AuthError("only a learner records playthroughs", 403)
    if not isinstance(data, dict) or not {"playthrough", "story_id", "story_hash",
                                          "started"} <= data.keys():
        raise BankError("a batch needs playthrough, story_id, story_hash and started")
    unknown = set(data) - BATCH_FIELDS
    if unknown:
        raise BankError(f"a batch has no field {sorted(unknown)[0]!r}")
    events = data.get("events", [])
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise BankError(f"a batch's events must be a list of at most {MAX_EVENTS}")
    if not all(isinstance(e, dict) for e in events):
        raise BankError("every event must be an object")
    for ev in events:
        if ev.get("type") == "reflection" and ev.get("id") is not None:
            ev["id"] = _uuid(ev["id"], "a reflection's id")
    first = data.get("first", 0)
    if not isinstance(first, int) or isinstance(first, bool) or first < 0:
        raise BankError("a batch's first must be a whole number ≥ 0")
    for key in ("story_id", "story_hash", "started"):
        if not isinstance(data[key], str) or not data[key]:
            raise BankError(f"a batch's {key} must be a non-empty string")
    return Batch(
        playthrough=_uuid(data["playthrough"], "a playthrough's id"),
        learner=caller.id,
        cohort=caller.cohort_id,
        story_id=data["story_id"],
        story_hash=data["story_hash"],
        started=data["started"],
        first=first,
        events=events,
        status=data.get("status", "playing"),
        ending=data.get("ending"),
        finished=data.get("finished"),
        lang=_lang(data.get("lang")),
    )


def _lang(value: Any) -> str | None:
    """A batch's language: None, or a language code (``es``, ``pt_BR``).

    Raises:
        BankError: anything else.
    """
    if value is None:
        return None
    if not isinstance(value, str) or not LANG_CODE.fullmatch(value):
        raise BankError("a batch's lang must be a language code such as 'es' or 'pt_BR'")
    return value


def record(bank: Bank, caller: Caller, data: Any) -> Batch:
    """Write a batch as ``caller`` (idempotent: the playthrough's UUID and each event's sequence
    number key the rows, so a resent batch adds nothing).

    Raises:
        AuthError: the playthrough exists and belongs to someone else.
        BankError: a malformed batch.
    """
    batch = batch_for(caller, data)
    with _tx_bank(bank)._read() as tx:
        rows = tx.rows("SELECT learner_id FROM playthroughs WHERE id = ?", [batch.playthrough])
    if rows and str(rows[0][0]) != caller.id:
        raise AuthError("this playthrough is not yours", 403)
    write_sealed(bank, batch)
    return batch


def record_with_token(bank: Bank, token: str, data: Any) -> tuple[Caller, Batch]:
    """:func:`record` for the holder of ``token``, in one transaction: the token's lookup, the
    playthrough's owner and the writing (what the server does for each save).

    Raises:
        AuthError: not a valid learner's token, or the playthrough belongs to someone else.
        BankError: a malformed batch.
    """
    sql_bank = _tx_bank(bank)
    if not isinstance(sql_bank, SqlBank):
        raise BankError(f"the story bank {bank.url} cannot hold server records")
    with sql_bank._write() as tx:
        caller, stale = caller_in(tx, token)
        batch = batch_for(caller, data)
        rows = tx.rows("SELECT learner_id FROM playthroughs WHERE id = ?", [batch.playthrough])
        if rows and str(rows[0][0]) != caller.id:
            raise AuthError("this playthrough is not yours", 403)
        write_sealed_in(tx, sql_bank, batch)
    if stale:  # (at most once an hour per session, and never at the save's expense)
        touch_session(bank, caller)
    return caller, batch


def _day(value: Any) -> str:
    return (norm_time(value) or "")[:10]


def visible_reflections(
    bank: Bank,
    caller: Caller,
    story_id: str | None = None,
    prompt_id: str | None = None,
    text: str | None = None,
    limit: int = 20,
    offset: int = 0,
    cohort_id: str | None = None,
) -> list[dict[str, Any]]:
    """The written reflections ``caller`` may read, newest first, optionally at one story or
    prompt, written in one cohort (``cohort_id``: it narrows, never widens) and matching
    ``text`` (full-text, as the bank searches)."""
    limit, offset = max(0, min(int(limit), MAX_PAGE)), max(0, int(offset))
    key = None
    if caller.role == "learner":
        with _tx_bank(bank)._read() as tx:
            key = author_key(tx, _tx_bank(bank).dialect, caller.id)
        rule = ("(r.learner_id = ? OR r.author_key = ? OR r.visibility = 'bank' "
                "OR (r.visibility = 'cohort' AND r.cohort_id = ?))")
        params: list[Any] = [caller.id, key, caller.cohort_id]
    else:
        rule = ("(r.visibility = 'bank' OR (r.visibility = 'cohort' AND r.cohort_id IN "
                "(SELECT cohort_id FROM cohort_owners WHERE facilitator_id = ?)))")
        params = [caller.id]
    where = ["r.text IS NOT NULL", rule]
    if cohort_id is not None:
        cohort_id = _uuid(cohort_id, "a cohort's id")
    for column, value in (("r.story_id", story_id), ("r.prompt_id", prompt_id),
                          ("r.cohort_id", cohort_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if text is not None and text.strip():
        match = getattr(bank, "_match")(text, story_id, prompt_id)  # noqa: B009 (dialect hook)
        if match is None:
            return []
        where.append(match[0])
        params += match[1]
    sql = ("SELECT r.id, r.text, r.visibility, r.anonymous, r.created, r.learner_id, "
           "r.story_id, r.prompt_id, r.scene, coalesce(p.display_name, l.name), r.author_key "
           "FROM reflections r LEFT JOIN profiles p ON p.learner_id = r.learner_id "
           "LEFT JOIN learners l ON l.id = r.learner_id WHERE " + " AND ".join(where)
           + " ORDER BY r.created DESC, r.id DESC LIMIT ? OFFSET ?")
    with _tx_bank(bank)._read() as tx:
        rows = tx.rows(sql, [*params, limit, offset])
    out = []
    for rid, body, visibility, anonymous, created, author, story, prompt, scene, name, akey \
            in rows:
        mine = caller.role == "learner" and (
            (author is not None and str(author) == caller.id) or (akey is not None and akey == key))
        hidden = bool(anonymous) and not mine
        if mine and author is None:  # sealed: the author is the caller
            author, name = caller.id, caller.name
        out.append({
            "id": str(rid),
            "text": body,
            "visibility": visibility,
            "anonymous": bool(anonymous),
            "mine": mine,
            "story_id": story,
            "prompt_id": prompt,
            "scene": scene,
            "author": None if hidden or author is None else {"id": str(author), "name": name},
            "created": _day(created) if hidden else norm_time(created),
        })
    return out


def cohort_paths(bank: Bank, caller: Caller, cohort_id: str,
                 story_id: str | None = None) -> list[dict[str, Any]]:
    """The playthroughs of a cohort with the choices made, for its facilitator and members;
    each with ``lang``, the language it was played in (None: as written).

    Steps carry no sequence numbers or times: a gap in the numbers would show where a
    reflection was written, and that could undo an anonymous one's anonymity.

    Raises:
        AuthError: the caller is neither the cohort's facilitator nor one of its learners.
    """
    cohort_id = _uuid(cohort_id, "a cohort's id")
    with _tx_bank(bank)._read() as tx:
        if caller.role == "learner":
            allowed = caller.cohort_id == cohort_id
        else:
            allowed = bool(tx.rows("SELECT 1 FROM cohort_owners WHERE cohort_id = ? "
                                   "AND facilitator_id = ?", [cohort_id, caller.id]))
        if not allowed:
            raise AuthError("this is not your cohort", 403)
        where, params = "p.cohort_id = ?", [cohort_id]
        if story_id is not None:
            where, params = where + " AND p.story_id = ?", [*params, story_id]
        plays = tx.rows(
            "SELECT p.id, p.learner_id, coalesce(pr.display_name, l.name), p.story_id, "
            "p.story_hash, p.status, p.ending, p.lang FROM playthroughs p "
            "JOIN learners l ON l.id = p.learner_id "
            "LEFT JOIN profiles pr ON pr.learner_id = p.learner_id "
            f"WHERE {where} ORDER BY p.started, p.id", params)
        steps: dict[str, list[dict[str, Any]]] = {}
        for pid, scene, key, to in tx.rows(
            "SELECT s.playthrough_id, s.scene, s.choice_key, s.to_scene FROM steps s "
            "JOIN playthroughs p ON p.id = s.playthrough_id "
            f"WHERE {where} ORDER BY s.playthrough_id, s.seq", params,
        ):
            steps.setdefault(str(pid), []).append({"scene": scene, "choice": key, "to": to})
    return [
        {"learner": {"id": str(lid), "name": name}, "story_id": story, "story_hash": digest,
         "status": status, "ending": ending, "steps": steps.get(str(pid), []),
         "mine": caller.role == "learner" and str(lid) == caller.id, "lang": lang}
        for pid, lid, name, story, digest, status, ending, lang in plays
    ]
