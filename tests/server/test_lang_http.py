"""A playthrough recorded through the cohort server keeps the language it was played in."""

from __future__ import annotations

import uuid

from crossroads.engine.bank import open_bank
from tests.server.conftest import ADMIN_OF, Server, add_facilitator, batch, choice


def test_the_server_records_the_language_and_refuses_anything_else(server: Server) -> None:
    fay = add_facilitator(server.bank, "Fay")
    with server.client(fay) as http:
        made = http.post("/api/cohorts", json={"name": "one", "invitations": 1}).json()
    with server.client() as http:
        joined = http.post("/api/join", json={"code": made["invitations"][0]["code"],
                                              "name": "Ana"}).json()
    pid = str(uuid.uuid4())
    with server.client(joined["token"]) as http:
        r = http.post("/api/batches", json={**batch(pid, [choice("s0", "ask", "s1")]),
                                            "lang": "es"})
        assert r.status_code == 200, r.text
        bad = http.post("/api/batches", json={**batch(str(uuid.uuid4()), []),
                                              "lang": "<script>"})
        assert bad.status_code == 400 and "language code" in bad.text
    with open_bank(ADMIN_OF.get(server.bank, server.bank)) as bank:
        assert [(p.id, p.lang) for p in bank.playthroughs("floods")] == [(pid, "es")]
