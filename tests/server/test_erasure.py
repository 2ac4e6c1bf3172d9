"""Erasure reaches everything the server holds: the rows, the full-text index, and (SQLite) the
bytes of the bank file and its WAL; (PostgreSQL, served as the tables' owner) the bytes of the
reflections table and its indexes, rewritten."""

from __future__ import annotations

import os
import secrets
import sqlite3
import string
import uuid
from pathlib import Path

import psycopg

from tests.server.conftest import ADMIN_OF, Server, add_facilitator, batch, choice, reflection


def _word() -> str:
    """A word found nowhere else (letters only, so every tokenizer keeps it whole)."""
    return "zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(14))


def _sign_in(server: Server, n: int) -> tuple[str, list[tuple[str, str]]]:
    """A facilitator's token and ``n`` learners (token, id) of their cohort."""
    fac = add_facilitator(server.bank, "Fay")
    with server.client(fac) as http:
        made = http.post("/api/cohorts", json={"name": "one", "invitations": n}).json()
    with server.client() as http:
        joined = [http.post("/api/join", json={"code": seat["code"]}).json()
                  for seat in made["invitations"]]
    return fac, [(j["token"], j["learner"]["id"]) for j in joined]


def _write(server: Server, token: str, word: str) -> None:
    events = [choice("s0", "go", "s1")] + [
        reflection(f"{word} {vis} {anon}", vis, anon, prompt=f"p{i}")
        for i, (vis, anon) in enumerate([("private", False), ("cohort", False), ("bank", False),
                                         ("cohort", True), ("bank", True)])]
    with server.client(token) as http:
        assert http.post("/api/batches", json=batch(str(uuid.uuid4()), events)).status_code == 200


def _index_matches(bank: str, word: str) -> int:
    """Rows of the full-text index matching ``word``, read directly as the bank's owner."""
    bank = ADMIN_OF.get(bank, bank)
    if bank.startswith("postgresql://"):
        with psycopg.connect(bank, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM reflections "
                               "WHERE tsv @@ plainto_tsquery('english', %s)", [word]).fetchone()
            return int(row[0]) if row else 0
    with sqlite3.connect(bank) as conn:
        return int(conn.execute("SELECT count(*) FROM reflections_fts WHERE reflections_fts "
                                "MATCH ?", [f'text : "{word}"']).fetchone()[0])


def _pg_table_bytes(owner_url: str) -> bytes:
    """The data files of ``reflections`` and its indexes, after a checkpoint wrote them out."""
    data = Path(os.environ["CROSSROADS_TEST_PG_DATA"])
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        paths = [r[0] for r in conn.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = "
            "'reflections'::regclass OR c.oid IN (SELECT indexrelid FROM pg_index "
            "WHERE indrelid = 'reflections'::regclass)").fetchall()]
    out = b""
    for rel in paths:
        for f in (data / rel).parent.glob((data / rel).name + "*"):
            out += f.read_bytes()
    return out


def test_erasure_leaves_no_row_no_index_entry_and_no_bytes(server: Server) -> None:
    _, [(ana, _), (ben, _)] = _sign_in(server, 2)
    gone, kept = _word(), _word()
    _write(server, ana, gone)
    _write(server, ben, kept)
    assert _index_matches(server.bank, gone) == 5 and _index_matches(server.bank, kept) == 5
    with server.client(ana) as http:
        assert http.delete("/api/me").status_code == 200
    with server.client(ben) as http:
        assert http.get("/api/reflections", params={"q": gone}).json() == []
        assert len(http.get("/api/reflections", params={"q": kept}).json()) == 5
    assert _index_matches(server.bank, gone) == 0 and _index_matches(server.bank, kept) == 5
    owner = ADMIN_OF.get(server.bank, server.bank)
    stem = gone[:12].encode()  # (stemming may have cut the end of the index's copy)
    if not owner.startswith("postgresql://"):
        path = Path(owner)
        raw = path.read_bytes() + Path(f"{path}-wal").read_bytes() if Path(
            f"{path}-wal").exists() else path.read_bytes()
        assert stem not in raw.lower()
        assert kept[:12].encode() in raw  # (the search would find it if it were there)
    elif server.bank == owner:  # served as the owner: the table and its index are rewritten
        raw = _pg_table_bytes(owner)
        assert stem not in raw and kept[:12].encode() in raw
    else:  # the server's own role may not vacuum: it says so, and the owner can
        assert "VACUUM FULL reflections" in server.log.read_text()
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute("VACUUM FULL reflections")
        raw = _pg_table_bytes(owner)
        assert stem not in raw and kept[:12].encode() in raw


def test_a_facilitator_erasing_a_learner_reaches_the_index_too(server: Server) -> None:
    fay, [(ana, ana_id)] = _sign_in(server, 1)
    word = _word()
    _write(server, ana, word)
    with server.client(add_facilitator(server.bank, "Gus")) as http:  # not Ana's facilitator
        assert http.delete(f"/api/learners/{ana_id}").status_code == 404
    assert _index_matches(server.bank, word) == 5
    with server.client(fay) as http:
        assert http.delete(f"/api/learners/{ana_id}").status_code == 200
    assert _index_matches(server.bank, word) == 0
