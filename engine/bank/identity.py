"""Who is calling: facilitators, cohorts they own, invitation codes, sessions, rate limits.

The cohort server's identities live in the bank (schema version 4, see
:mod:`crossroads.engine.bank.identity_schema`), so any number of server processes on one bank
agree. Secrets (invitation codes and session tokens) come from :mod:`secrets` with at least 128
bits, are shown once, and are stored only as SHA-256 hashes: a code or token is found by the hash
of what the caller sends (high-entropy secrets need no slow hash; a guess's hash leaks nothing).

A server learner is a row of ``learners`` whose ``name`` is its own id (display names live in
``profiles`` and need not be unique) and a server cohort is a row of ``cohorts`` whose ``code`` is
its own id (joining goes through invitations, so that code is no secret). The bank's playthrough
and reflection tables then hold server records unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from crossroads.engine.bank.base import Bank, norm_time, now
from crossroads.engine.bank.identity_context import acting_as
from crossroads.engine.bank.identity_schema import SESSION_DAYS
from crossroads.engine.diagnostics import BankError

log = logging.getLogger("crossroads.server")

Role = Literal["learner", "facilitator"]

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U to misread."""
CODE_LENGTH = 26
"""26 characters of base 32: 130 bits."""
TOKEN_BYTES = 32
"""Session tokens: 256 bits."""
DEFAULT_EXPIRY_DAYS = 30
MAX_INVITATIONS = 1000
ATTEMPT_WINDOW_S = 600.0
PER_CLIENT_ATTEMPTS = 10
"""Failed code attempts allowed from one client address per window."""
GLOBAL_ATTEMPTS = 200
"""Failed code attempts allowed from everyone together per window."""
TOUCH_AFTER_S = 3600.0
"""A session's last use is written down at most this often (a write per request would cost)."""


class AuthError(BankError):
    """The caller is not who they say, or may not do this (HTTP 401 or 403)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(BankError):
    """Too many failed code attempts; try again after ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Tx(Protocol):
    """A bank transaction (as :mod:`crossroads.engine.bank.sql` hands them out)."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> int: ...


class TxBank(Protocol):
    """A bank whose transactions this module may open (both implementations are)."""

    url: str
    dialect: str

    def _write(self) -> AbstractContextManager[Tx]: ...

    def _read(self) -> AbstractContextManager[Tx]: ...


def _tx_bank(bank: Bank) -> TxBank:
    if not hasattr(bank, "_write") or not hasattr(bank, "_read"):
        raise BankError(f"the story bank {bank.url} cannot hold server identities")
    return bank  # type: ignore[return-value]


def secret_hash(secret: str) -> str:
    """The stored form of a code or token: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token(role: Role) -> str:
    """A fresh session token (256 bits), prefixed by role so a person can tell them apart."""
    return ("crf_" if role == "facilitator" else "crl_") + secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    """A fresh invitation code: 26 base-32 characters (130 bits) in groups of five or six."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join([raw[0:5], raw[5:10], raw[10:15], raw[15:20], raw[20:]])


def normalise_code(code: str) -> str:
    """A code as typed, made canonical: case, spaces and dashes ignored, O read as 0, I/L as 1."""
    text = "".join(code.split()).replace("-", "").upper()
    return text.translate(str.maketrans("OIL", "011"))


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request, as their session token says."""

    role: Role
    id: str
    """The learner's or facilitator's id (a UUID the server issued)."""
    name: str
    token_hash: str
    cohort_id: str | None = None
    """A learner's cohort."""


@dataclass(slots=True)
class NewCohort:
    """A cohort just created, with its invitation codes (shown this once)."""

    id: str
    name: str
    stories: list[str]
    expires: str
    invitations: list[dict[str, str]] = field(default_factory=list)
    """``{"id": ..., "code": ...}`` per seat."""


# ---------------------------------------------------------------------- facilitators
def add_facilitator(bank: Bank, name: str) -> str:
    """Add a facilitator to the bank and return their token (shown once, stored hashed).

    Raises:
        BankError: the name is empty or the bank refuses.
    """
    name = name.strip()
    if not name:
        raise BankError("a facilitator's name cannot be empty")
    fid, token = str(uuid.uuid4()), new_token("facilitator")
    with _tx_bank(bank)._write() as tx:
        tx.run("INSERT INTO facilitators (id, name, created) VALUES (?, ?, ?)", [fid, name, now()])
        _add_session(tx, token, "facilitator", fid)
    return token


def _add_session(tx: Tx, token: str, role: Role, subject: str) -> None:
    tx.run("INSERT INTO sessions (token_hash, role, subject_id, created) VALUES (?, ?, ?, ?)",
           [secret_hash(token), role, subject, now()])  # seen: NULL until first touched


# ---------------------------------------------------------------------- sessions
def _days_ago(days: float) -> str:
    return norm_time(datetime.now(UTC) - timedelta(days=days)) or now()


def caller_in(tx: Tx, token: str) -> tuple[Caller, bool]:
    """The caller this token belongs to, looked up in the transaction ``tx``, and whether its
    last use is older than :data:`TOUCH_AFTER_S` (then :func:`touch_session` keeps it alive).

    Raises:
        AuthError: unknown, revoked, signed-out or expired token, or its learner or cohort was
            revoked.
    """
    digest = secret_hash(token)
    rows = tx.rows(  # one query: this runs for every request
        "SELECT s.role, s.subject_id, coalesce(s.seen, s.created), f.name, p.display_name, "
        "p.cohort_id, p.revoked, o.revoked FROM sessions s "
        "LEFT JOIN facilitators f ON s.role = 'facilitator' AND f.id = s.subject_id "
        "LEFT JOIN profiles p ON s.role = 'learner' AND p.learner_id = s.subject_id "
        "LEFT JOIN cohort_owners o ON o.cohort_id = p.cohort_id "
        "WHERE s.token_hash = ? AND NOT s.revoked", [digest])
    if not rows:
        raise AuthError("this token is not valid here (signed out, revoked, or from another "
                        "server)")
    role, subject, seen, fname, display, cohort_id, revoked, cohort_revoked = rows[0]
    subject, seen = str(subject), norm_time(seen) or ""
    if role == "facilitator":
        if fname is None:
            raise AuthError("this facilitator no longer exists")
        return Caller("facilitator", subject, fname, digest), False
    if seen <= _days_ago(SESSION_DAYS):
        raise AuthError(f"this session expired after {SESSION_DAYS} days unused; sign in again "
                        "with your invitation code")
    if display is None:
        raise AuthError("this learner no longer exists")
    if revoked or cohort_revoked:
        raise AuthError("your access to this cohort was revoked by its facilitator")
    caller = Caller("learner", subject, display, digest, _id(cohort_id))
    return caller, seen <= _days_ago(TOUCH_AFTER_S / 86400)


def _touch(tx: Tx, digest: str) -> None:
    tx.run("UPDATE sessions SET seen = ? WHERE token_hash = ?", [now(), digest])


def authenticate(bank: Bank, token: str) -> Caller:
    """The caller this token belongs to (a learner's session, unused for a while, is marked
    used: it expires :data:`SESSION_DAYS` days after its last use).

    Raises:
        AuthError: unknown, revoked, signed-out or expired token, or its learner or cohort was
            revoked.
    """
    with _tx_bank(bank)._read() as tx:
        caller, stale = caller_in(tx, token)
    if stale:
        touch_session(bank, caller)
    return caller


def touch_session(bank: Bank, caller: Caller) -> None:
    """Mark the caller's session used now (its expiry slides). Best effort: if the bank
    refuses (a server role made before schema version 6 may not update ``seen``), the request
    goes on and a warning says what to do."""
    try:
        with _tx_bank(bank)._write() as tx:
            _touch(tx, caller.token_hash)
    except BankError as err:
        log.warning("cannot mark a session used, so it expires %s days after sign-in; run "
                    "'crossroads server-role create' again as the owner (%s)", SESSION_DAYS,
                    err.message)


def sign_out(bank: Bank, caller: Caller) -> None:
    """End the caller's session (its token stops working)."""
    with _tx_bank(bank)._write() as tx:
        tx.run("UPDATE sessions SET revoked = ? WHERE token_hash = ?", [True, caller.token_hash])


# ---------------------------------------------------------------------- cohorts
def create_cohort(
    bank: Bank,
    facilitator: Caller,
    name: str,
    invitations: int,
    stories: Sequence[str] = (),
    expires_days: float = DEFAULT_EXPIRY_DAYS,
) -> NewCohort:
    """Create a cohort owned by ``facilitator`` with ``invitations`` single-seat codes.

    Raises:
        AuthError: the caller is not a facilitator.
        BankError: a bad name, count or expiry.
    """
    _need_facilitator(facilitator)
    name = name.strip()
    if not name:
        raise BankError("a cohort's name cannot be empty")
    cid = str(uuid.uuid4())
    with _tx_bank(bank)._write() as tx:
        tx.run("INSERT INTO cohorts (id, code, name, created) VALUES (?, ?, ?, ?)",
               [cid, cid, name, now()])
        tx.run("INSERT INTO cohort_owners (cohort_id, facilitator_id) VALUES (?, ?)",
               [cid, facilitator.id])
        for story in dict.fromkeys(stories):
            tx.run("INSERT INTO cohort_stories (cohort_id, story_id) VALUES (?, ?)", [cid, story])
        expires, seats = _add_invitations(tx, cid, invitations, expires_days)
    return NewCohort(cid, name, list(dict.fromkeys(stories)), expires, seats)


def add_invitations(bank: Bank, facilitator: Caller, cohort_id: str, count: int,
                    expires_days: float = DEFAULT_EXPIRY_DAYS) -> NewCohort:
    """More single-seat codes for a cohort the facilitator owns.

    Raises:
        AuthError: not the cohort's facilitator.
    """
    with _tx_bank(bank)._write() as tx:
        row = _owned_cohort(tx, facilitator, cohort_id)
        stories = [r[0] for r in tx.rows(
            "SELECT story_id FROM cohort_stories WHERE cohort_id = ? ORDER BY story_id",
            [cohort_id])]
        expires, seats = _add_invitations(tx, cohort_id, count, expires_days)
    return NewCohort(cohort_id, row[0], stories, expires, seats)


def _add_invitations(tx: Tx, cohort_id: str, count: int,
                     expires_days: float) -> tuple[str, list[dict[str, str]]]:
    if not 0 <= count <= MAX_INVITATIONS:
        raise BankError(f"give between 0 and {MAX_INVITATIONS} invitations, not {count}")
    if not 0 < expires_days <= 366:
        raise BankError(f"invitations expire after 1 second to 366 days, not {expires_days} days")
    created = now()
    expires = norm_time(datetime.now(UTC) + timedelta(days=expires_days)) or created
    seats = []
    for _ in range(count):
        iid, code = str(uuid.uuid4()), new_code()
        tx.run("INSERT INTO invitations (id, cohort_id, code_hash, created, expires) "
               "VALUES (?, ?, ?, ?, ?)",
               [iid, cohort_id, secret_hash(normalise_code(code)), created, expires])
        seats.append({"id": iid, "code": code})
    return expires, seats


def _need_facilitator(caller: Caller) -> None:
    if caller.role != "facilitator":
        raise AuthError("only a facilitator may do this", 403)


def _owned_cohort(tx: Tx, caller: Caller, cohort_id: str) -> tuple[Any, ...]:
    """The cohort's (name, revoked) if the caller owns it."""
    _need_facilitator(caller)
    if not _is_uuid(cohort_id):
        raise AuthError("no such cohort of yours", 404)
    rows = tx.rows("SELECT c.name, o.revoked FROM cohorts c JOIN cohort_owners o "
                   "ON o.cohort_id = c.id WHERE c.id = ? AND o.facilitator_id = ?",
                   [cohort_id, caller.id])
    if not rows:
        raise AuthError("no such cohort of yours", 404)
    return rows[0]


def cohorts_of(bank: Bank, facilitator: Caller) -> list[dict[str, Any]]:
    """The facilitator's cohorts with their seats (never codes: those were shown once)."""
    _need_facilitator(facilitator)
    out: list[dict[str, Any]] = []
    with _tx_bank(bank)._read() as tx:
        for cid, name, created, revoked in tx.rows(
            "SELECT c.id, c.name, c.created, o.revoked FROM cohorts c JOIN cohort_owners o "
            "ON o.cohort_id = c.id WHERE o.facilitator_id = ? ORDER BY c.created, c.id",
            [facilitator.id],
        ):
            seats = [
                {"id": str(r[0]), "expires": norm_time(r[1]), "revoked": bool(r[2]),
                 "learner": None if r[3] is None else {"id": str(r[3]), "name": r[4]}}
                for r in tx.rows(
                    "SELECT i.id, i.expires, i.revoked, i.learner_id, p.display_name "
                    "FROM invitations i LEFT JOIN profiles p ON p.learner_id = i.learner_id "
                    "WHERE i.cohort_id = ? ORDER BY i.created, i.id", [cid])
            ]
            stories = [r[0] for r in tx.rows(
                "SELECT story_id FROM cohort_stories WHERE cohort_id = ? ORDER BY story_id",
                [cid])]
            out.append({"id": str(cid), "name": name, "created": norm_time(created),
                        "revoked": bool(revoked), "stories": stories, "invitations": seats})
    return out


def cohort_summary(bank: Bank, cohort_id: str | None) -> dict[str, Any]:
    """A cohort's name, stories, member count and facilitator (what a learner is told)."""
    if cohort_id is None:
        return {}
    with _tx_bank(bank)._read() as tx:
        rows = tx.rows("SELECT c.name, f.name FROM cohorts c JOIN cohort_owners o "
                       "ON o.cohort_id = c.id JOIN facilitators f ON f.id = o.facilitator_id "
                       "WHERE c.id = ?", [cohort_id])
        members = int(tx.rows("SELECT count(*) FROM profiles WHERE cohort_id = ? "
                              "AND NOT revoked", [cohort_id])[0][0])
        stories = [r[0] for r in tx.rows(
            "SELECT story_id FROM cohort_stories WHERE cohort_id = ? ORDER BY story_id",
            [cohort_id])]
    name, facilitator = rows[0] if rows else (None, None)
    return {"id": cohort_id, "name": name, "facilitator": facilitator, "members": members,
            "stories": stories}


# ---------------------------------------------------------------------- joining
def redeem_code(
    bank: Bank,
    code: str,
    client: str,
    name: str | None = None,
    per_client: int = PER_CLIENT_ATTEMPTS,
    overall: int = GLOBAL_ATTEMPTS,
    window: float = ATTEMPT_WINDOW_S,
) -> tuple[str, Caller]:
    """Sign in with an invitation code: the first use makes a learner, later uses sign the same
    learner in. Returns a new session token and the learner.

    Failed attempts are counted in the bank, per client address and overall; past either limit
    every attempt is refused until the window has passed.

    Raises:
        RateLimited: too many failed attempts.
        AuthError: the code is unknown, expired or revoked (all said the same way).
    """
    digest = secret_hash(normalise_code(code))
    moment = time.time()
    token = new_token("learner")
    with acting_as(code=normalise_code(code)), _tx_bank(bank)._write() as tx:
        tx.run("DELETE FROM code_attempts WHERE at < ?", [moment - window])
        mine = int(tx.rows("SELECT count(*) FROM code_attempts WHERE client = ? AND at >= ?",
                           [client, moment - window])[0][0])
        everyone = int(tx.rows("SELECT count(*) FROM code_attempts WHERE at >= ?",
                               [moment - window])[0][0])
        if mine >= per_client or everyone >= overall:
            raise RateLimited("too many wrong invitation codes; try again later", int(window))
        rows = tx.rows("SELECT i.id, i.cohort_id, i.expires, i.revoked, i.learner_id, o.revoked "
                       "FROM invitations i JOIN cohort_owners o ON o.cohort_id = i.cohort_id "
                       "WHERE i.code_hash = ?", [digest])
        valid = bool(rows) and not rows[0][3] and not rows[0][5] and (
            (norm_time(rows[0][2]) or "") > now())
        if not valid:  # the failed attempt must count: committed, then refused below
            tx.run("INSERT INTO code_attempts (client, at) VALUES (?, ?)", [client, moment])
        else:
            learner_id, display = _bind(tx, rows[0], name)
            _add_session(tx, token, "learner", learner_id)
    if not valid:
        raise AuthError("this invitation code is not valid (mistyped, expired or revoked); "
                        "ask your facilitator")
    return token, Caller("learner", learner_id, display, secret_hash(token), str(rows[0][1]))


def _bind(tx: Tx, invitation: Sequence[Any], name: str | None) -> tuple[str, str]:
    """The learner an invitation signs in (made on its first use) and their display name."""
    iid, cohort_id, _, _, bound, _ = invitation
    name = (name or "").strip()[:80]
    if bound is None:
        learner_id = str(uuid.uuid4())
        display = name or "Learner " + learner_id[:4]
        tx.run("INSERT INTO learners (id, name, created) VALUES (?, ?, ?)",
               [learner_id, learner_id, now()])
        # the first of two simultaneous first uses wins; the other signs in its learner
        if tx.run("UPDATE invitations SET learner_id = ? WHERE id = ? AND learner_id IS NULL",
                  [learner_id, str(iid)]):
            tx.run("INSERT INTO profiles (learner_id, display_name, cohort_id) "
                   "VALUES (?, ?, ?)", [learner_id, display, str(cohort_id)])
            tx.run("INSERT INTO memberships (learner_id, cohort_id, joined) VALUES (?, ?, ?)",
                   [learner_id, str(cohort_id), now()])
            return learner_id, display
        tx.run("DELETE FROM learners WHERE id = ?", [learner_id])
        bound = tx.rows("SELECT learner_id FROM invitations WHERE id = ?", [str(iid)])[0][0]
    learner_id = str(bound)
    if name:
        tx.run("UPDATE profiles SET display_name = ? WHERE learner_id = ?", [name, learner_id])
    display = tx.rows("SELECT display_name FROM profiles WHERE learner_id = ?",
                      [learner_id])[0][0]
    return learner_id, display


# ---------------------------------------------------------------------- revoking and erasing
def _learner_cohort(tx: Tx, learner_id: str) -> str | None:
    if not _is_uuid(learner_id):
        return None
    rows = tx.rows("SELECT cohort_id FROM profiles WHERE learner_id = ?", [learner_id])
    return _id(rows[0][0]) if rows else None


def revoke_learner(bank: Bank, facilitator: Caller, learner_id: str) -> None:
    """Shut a learner of one of the facilitator's cohorts out: their code and sessions end."""
    _need_facilitator(facilitator)
    with _tx_bank(bank)._write() as tx:
        cohort = _learner_cohort(tx, learner_id)
        if cohort is None:
            raise AuthError("no such learner in your cohorts", 404)
        _owned_cohort(tx, facilitator, cohort)
        _shut_out(tx, learner_id)


def _shut_out(tx: Tx, learner_id: str) -> None:
    tx.run("UPDATE profiles SET revoked = ? WHERE learner_id = ?", [True, learner_id])
    tx.run("UPDATE invitations SET revoked = ? WHERE learner_id = ?", [True, learner_id])
    tx.run("UPDATE sessions SET revoked = ? WHERE subject_id = ?", [True, learner_id])


def revoke_invitation(bank: Bank, facilitator: Caller, invitation_id: str) -> None:
    """Revoke one code; the learner it signed in (if any) is shut out too."""
    _need_facilitator(facilitator)
    with _tx_bank(bank)._write() as tx:
        rows = (tx.rows("SELECT cohort_id, learner_id FROM invitations WHERE id = ?",
                        [invitation_id]) if _is_uuid(invitation_id) else [])
        if not rows:
            raise AuthError("no such invitation in your cohorts", 404)
        _owned_cohort(tx, facilitator, str(rows[0][0]))
        tx.run("UPDATE invitations SET revoked = ? WHERE id = ?", [True, invitation_id])
        if rows[0][1] is not None:
            _shut_out(tx, str(rows[0][1]))


def revoke_cohort(bank: Bank, facilitator: Caller, cohort_id: str) -> None:
    """Close a cohort: its codes stop working and its learners are signed out."""
    with _tx_bank(bank)._write() as tx:
        _owned_cohort(tx, facilitator, cohort_id)
        tx.run("UPDATE cohort_owners SET revoked = ? WHERE cohort_id = ?", [True, cohort_id])
        tx.run("UPDATE invitations SET revoked = ? WHERE cohort_id = ?", [True, cohort_id])
        tx.run("UPDATE sessions SET revoked = ? WHERE subject_id IN "
               "(SELECT learner_id FROM profiles WHERE cohort_id = ?)", [True, cohort_id])


def erase_learner(bank: Bank, caller: Caller, learner_id: str) -> dict[str, int]:
    """Erase every record of a learner: the learner themself, or their cohort's facilitator.

    The code is revoked (it must not sign a new learner in on the erased one's seat), the
    learner's other sessions end, their sealed anonymous reflections go, then the bank forgets
    every other row (and purges its indexes and WAL) and, last, the caller's own session if the
    learner erased themself (on PostgreSQL the rows are deleted as that session's holder).
    """
    from crossroads.engine.bank.identity_secret import author_key

    with _tx_bank(bank)._write() as tx:
        if caller.role == "learner":
            if caller.id != learner_id:
                raise AuthError("a learner may erase only their own records", 403)
        else:
            cohort = _learner_cohort(tx, learner_id)
            if cohort is None:
                raise AuthError("no such learner in your cohorts", 404)
            _owned_cohort(tx, caller, cohort)
        tx.run("UPDATE invitations SET revoked = ? WHERE learner_id = ?", [True, learner_id])
        tx.run("UPDATE profiles SET revoked = ? WHERE learner_id = ?", [True, learner_id])
        sessions = tx.run("DELETE FROM sessions WHERE subject_id = ? AND token_hash <> ?",
                          [learner_id, caller.token_hash])
        sealed = tx.run("DELETE FROM reflections WHERE author_key = ?",
                        [author_key(tx, _tx_bank(bank).dialect, learner_id)])
    removed = bank.forget(learner_id)
    removed["reflections"] = removed.get("reflections", 0) + sealed
    if caller.id == learner_id:
        with _tx_bank(bank)._write() as tx:
            sessions += tx.run("DELETE FROM sessions WHERE token_hash = ?", [caller.token_hash])
    removed["sessions"] = sessions
    return removed
