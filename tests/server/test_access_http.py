"""The trust model over HTTP: who reads which reflections and paths, records, erasure, logs."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.server.conftest import Server, batch, choice, reflection, two_cohorts

TEXTS = {
    ("private", False): "Ana private: the flood map frightened me",
    ("cohort", False): "Ana cohort: I asked the leads first",
    ("bank", False): "Ana bank: listening took longer than planned",
    ("cohort", True): "Ana anonymous cohort: I hid my worry from the team",
    ("bank", True): "Ana anonymous bank: I was the one who left early",
}


@dataclass
class World:
    server: Server
    tokens: dict[str, str]
    ids: dict[str, str]
    cohorts: dict[str, str]
    playthrough: str

    def get(self, who: str, path: str, **params: Any) -> Any:
        with self.server.client(self.tokens[who]) as http:
            r = http.get(path, params=params)
        assert r.status_code == 200, r.text
        return r.json()

    def texts(self, who: str) -> set[str]:
        return {r["text"] for r in self.get(who, "/api/reflections", limit=200)}


@pytest.fixture
def world(server: Server) -> World:
    """Cohort one (facilitator Fay; Ana, Ben) and cohort two (facilitator Gus; Cy). Ana writes a
    reflection of every kind; Cy writes one of his own for the cohort."""
    tokens, cohorts, ids = two_cohorts(server)
    pid = str(uuid.uuid4())
    events = [choice("s0", "ask", "s1")] + [
        reflection(text, vis, anon, prompt=f"p{i}")
        for i, ((vis, anon), text) in enumerate(TEXTS.items())
    ]
    with server.client(tokens["ana"]) as http:
        r = http.post("/api/batches", json=batch(pid, events))
        assert r.status_code == 200, r.text
    with server.client(tokens["cy"]) as http:
        r = http.post("/api/batches", json=batch(str(uuid.uuid4()), [
            reflection("Cy cohort: my team was elsewhere", "cohort")]))
        assert r.status_code == 200, r.text
    return World(server, tokens, ids, cohorts, pid)


def test_each_role_reads_exactly_what_the_trust_model_allows(world: World) -> None:
    ana = set(TEXTS.values())
    shared_with_cohort = {TEXTS[k] for k in TEXTS if k[0] in ("cohort", "bank")}
    bank_wide = {TEXTS[k] for k in TEXTS if k[0] == "bank"}
    assert world.texts("ana") == ana  # own records, private ones included
    assert world.texts("ben") == shared_with_cohort  # a cohort-mate: never the private one
    assert world.texts("fay") == shared_with_cohort  # the cohort's facilitator: the same
    cy = {"Cy cohort: my team was elsewhere"}
    assert world.texts("cy") == bank_wide | cy  # another cohort: only bank-wide ones
    assert world.texts("gus") == bank_wide | cy


def test_anonymous_reflections_carry_no_author_and_only_a_day(world: World) -> None:
    for reader in ("ben", "fay", "cy", "gus"):
        for r in world.get(reader, "/api/reflections", limit=200):
            if r["anonymous"]:
                assert r["author"] is None and len(r["created"]) == 10, (reader, r)
                assert world.ids["ana"] not in str(r) and world.playthrough not in str(r)
            elif r["text"].startswith("Ana"):
                assert r["author"] == {"id": world.ids["ana"], "name": "Ana"}
    own = [r for r in world.get("ana", "/api/reflections") if r["anonymous"]]
    assert len(own) == 2 and all(r["mine"] and r["author"]["id"] == world.ids["ana"]
                                 for r in own)


def test_reads_narrow_by_story_prompt_and_words(world: World) -> None:
    found = world.get("ben", "/api/reflections", q="leads")
    assert [r["text"] for r in found] == [TEXTS[("cohort", False)]]
    assert world.get("ben", "/api/reflections", q="frightened") == []  # Ana's private one
    assert [r["prompt_id"] for r in world.get("ben", "/api/reflections", prompt="p2")] == ["p2"]
    assert world.get("ben", "/api/reflections", story="another") == []


def test_paths_are_for_the_cohort_and_its_facilitator_only(world: World) -> None:
    one = world.cohorts["one"]
    for reader in ("fay", "ben", "ana"):
        paths = world.get(reader, f"/api/cohorts/{one}/paths")
        assert [p["steps"] for p in paths] == [[{"scene": "s0", "choice": "ask", "to": "s1"}]]
        assert "seq" not in str(paths) and world.playthrough not in str(paths)
    for outsider in ("cy", "gus"):
        with world.server.client(world.tokens[outsider]) as http:
            assert http.get(f"/api/cohorts/{one}/paths").status_code == 403


def test_records_are_idempotent_and_only_the_owner_writes_a_playthrough(world: World) -> None:
    pid = str(uuid.uuid4())
    note = reflection("Ben cohort: resent twice", "cohort")
    with world.server.client(world.tokens["ben"]) as http:
        for _ in range(2):  # the journal resends after a lost answer
            assert http.post("/api/batches", json=batch(pid, [note])).status_code == 200
    assert [r["text"] for r in world.get("fay", "/api/reflections")].count(
        "Ben cohort: resent twice") == 1
    forged = batch(world.playthrough, [reflection("Ben writing as Ana", "bank")], first=9)
    with world.server.client(world.tokens["ben"]) as http:
        assert http.post("/api/batches", json=forged).status_code == 403
        # a batch naming another learner or cohort is written as the caller, in their cohort
        claim = batch(str(uuid.uuid4()), [reflection("Ben claims to be Cy", "cohort")])
        claim |= {"learner": world.ids["cy"], "cohort": world.cohorts["two"]}
        assert http.post("/api/batches", json=claim).status_code == 200
    assert "Ben claims to be Cy" not in world.texts("cy")
    assert "Ben claims to be Cy" in world.texts("fay")
    with world.server.client(world.tokens["fay"]) as http:  # facilitators record nothing
        assert http.post("/api/batches", json=batch(pid, [])).status_code == 403


def test_erase_me_removes_every_record_and_the_way_back_in(world: World) -> None:
    with world.server.client(world.tokens["ana"]) as http:
        r = http.delete("/api/me")
    assert r.status_code == 200 and r.json()["erased"]["reflections"] == len(TEXTS)
    assert not any(t.startswith("Ana") for t in world.texts("ben"))
    assert world.get("fay", f"/api/cohorts/{world.cohorts['one']}/paths") == []
    with world.server.client(world.tokens["ana"]) as http:
        assert http.get("/api/me").status_code == 401
    # a facilitator erases a learner of their cohort, not one of another's
    with world.server.client(world.tokens["gus"]) as http:
        assert http.delete(f"/api/learners/{world.ids['ben']}").status_code == 404
    with world.server.client(world.tokens["fay"]) as http:
        assert http.delete(f"/api/learners/{world.ids['ben']}").status_code == 200
    assert world.texts("fay") == set()  # both of its learners are gone


def test_the_log_holds_no_reflection_text_codes_or_tokens(world: World) -> None:
    world.get("ben", "/api/reflections", q="leads")
    deadline = time.monotonic() + 10  # the server logs a request just after it answers it
    while "GET /api/reflections 200" not in (log := world.server.log.read_text()):
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
    for secret in [*TEXTS.values(), *world.tokens.values(), "leads"]:
        assert secret not in log
