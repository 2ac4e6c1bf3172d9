"""What a cohort server lets its caller see, copied into a throwaway local bank, so ``cohort``,
``report``, ``themes``, ``export xapi`` and ``bank search`` run their usual analytics on it.

The server applies the trust model; the copy holds only what it answered: the paths of the
caller's cohorts (``GET /api/cohorts/{id}/paths``, each with the language it was played in; a
server that does not send it, or sends no language code, counts as "as written") and the
reflections the caller may read (``GET /api/reflections``), each in the cohort it was written
in. In the copy, the caller is a learner (named :attr:`Mirror.reader`) who belongs to those
cohorts, so the local access rules show them exactly what the server sent. Anonymous reflections
arrive without an author, a playthrough or a time of day, and stay so. The copy lives in a
temporary folder, deleted on :meth:`Mirror.close`.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossroads.engine.bank.base import Bank, Batch, Status, norm_time, now
from crossroads.engine.remote.client import ServerClient
from crossroads.engine.remote.login import Login

PAGE = 200
"""Reflections per request (the server's largest page)."""


@dataclass
class Mirror:
    """A local copy of what the server showed the caller; close it to delete it."""

    bank: Bank
    reader: str
    """The caller's name in the copy (read as them)."""
    cohorts: dict[str, str]
    """The caller's cohorts: id (the copy's join code) → name."""
    folder: Path
    names: dict[str, str] = field(default_factory=dict)
    """Learner id → name in the copy (display names, made unique)."""
    seqs: dict[str, int] = field(default_factory=dict)
    """The last sequence number given to a reflection in each playthrough of the copy."""

    client: ServerClient | None = None

    def close(self) -> None:
        """Close and delete the copy (and the connection to the server)."""
        self.bank.close()
        if self.client is not None:
            self.client.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ids(self) -> dict[str, str]:
        """Name in the copy → learner id (the server's UUID)."""
        return {name: lid for lid, name in self.names.items()}

    def cohort(self, arg: str | None) -> str | None:
        """The cohort id a ``COHORT`` argument names: an id or a name of the caller's cohorts;
        None for no argument (a learner's own cohort when they have just one).

        Raises:
            UsageError: not one of the caller's cohorts.
        """
        from crossroads.engine.diagnostics import UsageError

        if arg is None:
            return next(iter(self.cohorts)) if len(self.cohorts) == 1 else None
        if arg in self.cohorts:
            return arg
        named = [cid for cid, name in self.cohorts.items() if name == arg]
        if len(named) == 1:
            return named[0]
        known = ", ".join(f"{n} ({c})" for c, n in self.cohorts.items()) or "none"
        raise UsageError(f"{arg!r} is not one of your cohorts on the server (yours: {known})")


def _unique(names: dict[str, str], lid: str, name: str) -> str:
    if lid in names:
        return names[lid]
    taken = set(names.values())
    candidate, n = name or "someone", 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    names[lid] = candidate
    return candidate


def _lang(value: Any) -> str | None:
    """The language a path was played in, as the server sent it; None (as written) for none or
    for anything that is not a language code (an older or a stranger server)."""
    from crossroads.engine.l10n.locale import LANG_CODE

    return value if isinstance(value, str) and LANG_CODE.fullmatch(value) else None


def _pages(client: ServerClient, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        rows = client.get("/api/reflections", limit=PAGE, offset=offset, **params)
        out += rows
        if len(rows) < PAGE:
            return out
        offset += PAGE


def fetch(client: ServerClient, login: Login, story_id: str | None = None) -> Mirror:
    """Copy what the server lets ``login``'s caller see (of one story, when given).

    Raises:
        ServerRefused, ServerUnreachable: the server refused or did not answer.
    """
    from crossroads.engine.bank import open_bank

    me = client.me()
    if me["role"] == "learner":
        mine = me.get("cohort") or {}
        cohorts = {str(mine["id"]): str(mine.get("name") or mine["id"])} if mine.get("id") \
            else {}
    else:
        cohorts = {str(c["id"]): str(c["name"]) for c in client.get("/api/cohorts")}
    folder = Path(tempfile.mkdtemp(prefix="crossroads-server-"))
    bank = open_bank(str(folder / "copy.sqlite3"))
    names: dict[str, str] = {}
    reader = _unique(names, str(me["id"]), str(me["name"]) + (
        "" if me["role"] == "learner" else " (facilitator)"))
    mirror = Mirror(bank, reader, cohorts, folder, names, client=client)
    bank.learner(reader)
    for cid, name in cohorts.items():
        bank.join(reader, cid, name)
    # the paths: one playthrough each, its choices in order (the server sends no times)
    playthrough_of: dict[tuple[str, str, str], str] = {}
    for cid in cohorts:
        for path in client.get(f"/api/cohorts/{cid}/paths", story=story_id):
            learner = _unique(names, str(path["learner"]["id"]), str(path["learner"]["name"]))
            pid = str(uuid.uuid4())
            playthrough_of[(str(path["learner"]["id"]), cid, path["story_id"])] = pid
            events = [{"type": "choice", "scene": s["scene"], "index": 0, "key": s["choice"],
                       "to": s["to"], "meters": {}} for s in path["steps"]]
            status: Status = path.get("status") or "playing"
            bank.write(Batch(pid, learner, cid, path["story_id"], path["story_hash"], now(),
                             events=events, status=status, ending=path.get("ending"),
                             finished=now() if status != "playing" else None,
                             lang=_lang(path.get("lang"))))
    # the reflections, each in the cohort it was written in (or none of the caller's)
    seen: set[str] = set()
    rows: list[tuple[Any, ...]] = []
    where: list[str | None] = [*cohorts, None]
    for place in where:
        for r in _pages(client, story=story_id, cohort=place):
            if r["id"] in seen:
                continue
            seen.add(r["id"])
            rows.append(_row(bank, mirror, r, place, playthrough_of))
    with getattr(bank, "_write")() as tx:  # noqa: B009 (the copy is this module's own bank)
        tx.many("INSERT INTO reflections (id, playthrough_id, seq, learner_id, cohort_id, "
                "story_id, prompt_id, scene, text, visibility, anonymous, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
    return mirror


def _row(bank: Bank, mirror: Mirror, r: dict[str, Any], cid: str | None,
         playthrough_of: dict[tuple[str, str, str], str]) -> tuple[Any, ...]:
    author = r.get("author")
    learner_id = pid = seq = None
    cohort_id = None
    if cid is not None:
        cohort_id = _cohort_row_id(bank, cid)
    if author and not r.get("anonymous"):
        name = _unique(mirror.names, str(author["id"]), str(author.get("name") or ""))
        found = bank.learner(name)
        assert found is not None
        learner_id = found.id
        pid = playthrough_of.get((str(author["id"]), cid or "", r["story_id"]))
        if pid is not None:  # counted at its prompt in reports, after the path's choices
            mirror.seqs[pid] = seq = mirror.seqs.get(pid, 1_000_000) + 1
    elif r.get("mine"):
        found = bank.learner(mirror.reader)
        assert found is not None
        learner_id = found.id
    created = norm_time(r.get("created")) or now()
    return (r["id"], pid, seq, learner_id, cohort_id, r["story_id"], r["prompt_id"],
            r.get("scene") or "", r["text"], r["visibility"], bool(r.get("anonymous")), created)


def _cohort_row_id(bank: Bank, cid: str) -> str | None:
    cohort = bank.cohort(cid)
    return cohort.id if cohort is not None else None


def story_version(mirror: Mirror, story_id: str, cohort_id: str | None) -> Path | None:
    """The file of the version of ``story_id`` the cohort played (the latest one), fetched from
    the server (``GET /api/stories/{hash}``); None when nobody played it there.

    Raises:
        ServerRefused, ServerUnreachable: the server refused or did not answer.
    """
    played = [p for p in mirror.bank.playthroughs(story_id, cohort_id)]
    if not played or mirror.client is None:
        return None
    digest = played[-1].story_hash
    path = mirror.folder / f"{story_id}-{digest[:16]}.yaml"
    if not path.exists():
        text = mirror.client.request("GET", f"/api/stories/{digest}").text
        path.write_text(text, encoding="utf-8")
    return path
