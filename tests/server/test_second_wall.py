"""What the bank itself holds and allows: anonymity at rest, story versions, and (PostgreSQL)
row-level security for the server's own role, tried by connecting directly as that role."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crossroads.engine.paths import stories_dir
from tests.engine.bank.conftest import bank_url  # noqa: F401 (a fixture)
from tests.server.conftest import (
    Server,
    add_facilitator,
    batch,
    choice,
    reflection,
    server_role,
)


def _cohort_of(server: Server, fac: str, names: list[str],
               stories: list[str] | None = None) -> tuple[str, dict[str, dict[str, str]]]:
    with server.client(fac) as http:
        made = http.post("/api/cohorts", json={"name": "c", "invitations": len(names),
                                               "stories": stories or []}).json()
    people = {}
    with server.client() as http:
        for name, seat in zip(names, made["invitations"], strict=True):
            joined = http.post("/api/join", json={"code": seat["code"], "name": name}).json()
            people[name] = {"token": joined["token"], "id": joined["learner"]["id"]}
    return made["id"], people


def _rows(bank: str, sql: str) -> list[tuple[Any, ...]]:
    """Read the bank directly, as its owner."""
    from tests.server.conftest import ADMIN_OF

    bank = ADMIN_OF.get(bank, bank)
    if bank.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(bank, autocommit=True) as conn:
            return conn.execute(sql).fetchall()
    with sqlite3.connect(bank) as conn:
        return conn.execute(sql).fetchall()


def test_an_anonymous_reflection_keeps_no_link_to_its_author_at_rest(server: Server) -> None:
    fay = add_facilitator(server.bank, "Fay")
    _, people = _cohort_of(server, fay, ["Ana", "Ben"])
    ana = people["Ana"]
    pid = str(uuid.uuid4())
    events = [choice("s0", "ask", "s1"), reflection("anonymous: I hid my worry", "cohort", True),
              choice("s1", "wait", "s2"), reflection("named: I asked", "cohort")]
    with server.client(ana["token"]) as http:
        for _ in range(2):  # resent: still one row each
            assert http.post("/api/batches", json=batch(pid, events)).status_code == 200
        no_id = reflection("anonymous, no id", "bank", True) | {"id": None}
        for _ in range(2):  # a stable id is made for it: the resend adds nothing
            assert http.post("/api/batches", json=batch(pid, [no_id], first=4)).status_code == 200
    rows = _rows(server.bank, "SELECT learner_id, playthrough_id, seq, created, author_key, text "
                              "FROM reflections WHERE anonymous ORDER BY text")
    assert [r[5] for r in rows] == ["anonymous, no id", "anonymous: I hid my worry"]
    for learner, playthrough, seq, created, key, _ in rows:
        assert (learner, playthrough, seq) == (None, None, None)
        assert str(created)[11:19] in ("00:00:00", "") and len(key) == 64
        assert ana["id"] not in key and key != hashlib.sha256(ana["id"].encode()).hexdigest()
    assert _rows(server.bank, "SELECT count(*) FROM steps")[0][0] == 2  # the named ones stay
    with server.client(ana["token"]) as http:  # the author still lists her own
        mine = [r for r in http.get("/api/reflections").json() if r["anonymous"]]
    assert len(mine) == 2 and all(r["mine"] and r["author"]["id"] == ana["id"] for r in mine)
    with server.client(people["Ben"]["token"]) as http:
        seen = [r for r in http.get("/api/reflections").json() if r["anonymous"]]
    assert len(seen) == 2 and not any(r["mine"] or r["author"] for r in seen)
    with server.client(ana["token"]) as http:  # and erases them with everything else
        assert http.delete("/api/me").json()["erased"]["reflections"] == 3
    assert _rows(server.bank, "SELECT count(*) FROM reflections")[0][0] == 0


def test_a_cohort_keeps_every_story_version_for_its_members_only(server: Server) -> None:
    fay, gus = add_facilitator(server.bank, "Fay"), add_facilitator(server.bank, "Gus")
    cohort, people = _cohort_of(server, fay, ["Ana"], stories=["first-week"])
    other, strangers = _cohort_of(server, gus, ["Cy"])
    text = (stories_dir() / "break-room.yaml").read_text(encoding="utf-8")
    edited = text.replace("title:", "title: Edited", 1)
    with server.client(fay) as http:
        added = [http.post(f"/api/cohorts/{cohort}/stories", content=t.encode()).json()
                 for t in (text, edited, text)]
        assert added[0] == added[2] and added[0]["story_hash"] != added[1]["story_hash"]
        bad = http.post(f"/api/cohorts/{cohort}/stories", content=b"id: [unclosed")
        assert bad.status_code == 400 and "not a valid story" in bad.json()["error"]
    with server.client(gus) as http:
        assert http.post(f"/api/cohorts/{cohort}/stories", content=text.encode()
                         ).status_code == 404
    with server.client(people["Ana"]["token"]) as http:
        versions = http.get(f"/api/cohorts/{cohort}/stories").json()
        assert sorted(v["story_id"] for v in versions) == ["break-room", "break-room",
                                                           "first-week"]
        got = http.get(f"/api/stories/{added[1]['story_hash']}")
        assert got.status_code == 200 and got.text == edited
        assert http.post(f"/api/cohorts/{cohort}/stories", content=text.encode()
                         ).status_code == 403
    for outsider in (gus, strangers["Cy"]["token"]):
        with server.client(outsider) as http:
            assert http.get(f"/api/stories/{added[0]['story_hash']}").status_code == 404
            assert http.get(f"/api/cohorts/{cohort}/stories").status_code == 403
    assert other


@pytest.fixture
def pg_role(pg_bank_url: str) -> Iterator[str]:
    """The server's own role on a fresh PostgreSQL bank."""
    yield from server_role(pg_bank_url)


@pytest.mark.postgres
def test_the_server_role_connecting_directly_cannot_act_as_another_learner(
    pg_role: str, start_server: Callable[[str], Server],
) -> None:
    import psycopg

    server = start_server(pg_role)
    fay = add_facilitator(pg_role, "Fay")
    cohort, people = _cohort_of(server, fay, ["Ana", "Ben"])
    ana, ben = people["Ana"], people["Ben"]
    pid = str(uuid.uuid4())
    with server.client(ana["token"]) as http:
        http.post("/api/batches", json=batch(pid, [
            choice("s0", "ask", "s1"), reflection("Ana private", "private"),
            reflection("Ana cohort", "cohort"), reflection("Ana anonymous", "private", True)]))

    def as_role(settings: dict[str, str], sql: str, params: list[Any] | None = None,
                ) -> tuple[list[tuple[Any, ...]], int]:
        with psycopg.connect(pg_role, autocommit=True) as conn, conn.transaction():
            for name, value in settings.items():
                conn.execute("SELECT set_config(%s, %s, true)", [name, value])
            cur = conn.execute(sql, params)
            return (cur.fetchall() if cur.description else []), cur.rowcount

    claims = [{"crossroads.caller": ana["id"]}, {"crossroads.caller": ana["id"],
                                                 "crossroads.token": "crl_guessed"},
              {"crossroads.token": ben["token"]}]  # even a cohort-mate's real token
    for claim in claims:
        texts = {r[0] for r in as_role(claim, "SELECT text FROM reflections")[0]}
        assert not texts & {"Ana private", "Ana anonymous"}, claim
        assert ("Ana cohort" in texts) == ("crossroads.token" in claim
                                          and claim["crossroads.token"] == ben["token"])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # writing as Ana
            as_role(claim, "INSERT INTO reflections (id, playthrough_id, seq, learner_id, "
                    "cohort_id, story_id, prompt_id, scene, text, visibility, created) VALUES "
                    "(gen_random_uuid(), %s, 99, %s, %s, 'floods', 'p', 's', 'forged', 'bank', "
                    "now())", [pid, ana["id"], cohort])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a session for Ana
            as_role(claim, "INSERT INTO sessions (token_hash, role, subject_id, created) "
                    "VALUES ('x', 'learner', %s, now())", [ana["id"]])
        assert as_role(claim, "UPDATE playthroughs SET status = 'abandoned' WHERE id = %s",
                       [pid])[1] == 0
        assert as_role(claim, "DELETE FROM steps WHERE playthrough_id = %s", [pid])[1] == 0
        assert as_role(claim, "DELETE FROM learners WHERE id = %s", [ana["id"]])[1] == 0
        assert as_role(claim, "SELECT crossroads_author_key(%s)", [ana["id"]])[0] == [(None,)]
    for forbidden in ("SELECT value FROM bank_secrets",
                      "UPDATE steps SET choice_key = 'x'",
                      "UPDATE sessions SET token_hash = 'x'",
                      "UPDATE playthroughs SET learner_id = learner_id",
                      "CREATE TABLE mine (x int)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role({"crossroads.token": ben["token"]}, forbidden)
    with server.client(ana["token"]) as http:  # and Ana's records are as she left them
        assert {r["text"] for r in http.get("/api/reflections").json()} == {
            "Ana private", "Ana cohort", "Ana anonymous"}
    assert _rows(pg_role, "SELECT status FROM playthroughs") == [("playing",)]


def test_anonymous_reflections_written_before_version_5_are_sealed(
    bank_url: str, start_server: Callable[..., Server],  # noqa: F811 (the fixture)
) -> None:
    from crossroads.engine.bank import Batch, open_bank
    from crossroads.engine.bank import identity as ident

    with open_bank(bank_url, migrate_to=4) as old:
        fac_token = ident.add_facilitator(old, "Fay")  # (no session expiry before version 6)
        with old._read() as tx:  # type: ignore[attr-defined]
            fid = str(tx.rows("SELECT id FROM facilitators")[0][0])
        fac = ident.Caller("facilitator", fid, "Fay", ident.secret_hash(fac_token))
        made = ident.create_cohort(old, fac, "c", 1)
        token, ana = ident.redeem_code(old, made.invitations[0]["code"], "127.0.0.1", "Ana")
        old.write(Batch(str(uuid.uuid4()), ana.id, made.id, "floods", "h", "2025-03-04T10:11:12Z",
                        0, [reflection("old anonymous", "bank", True),
                            reflection("old named", "bank")]))
    server = start_server(bank_url)  # migrates (PostgreSQL seals there), then seals (SQLite)
    rows = _rows(bank_url, "SELECT text, learner_id, playthrough_id, author_key FROM reflections "
                           "ORDER BY text")
    assert [(r[0], r[1] is None, r[2] is None, r[3] is None) for r in rows] == [
        ("old anonymous", True, True, False), ("old named", False, False, True)]
    with server.client(token) as http:
        mine = http.get("/api/reflections").json()
    assert sorted((r["text"], r["mine"]) for r in mine) == [("old anonymous", True),
                                                           ("old named", True)]
