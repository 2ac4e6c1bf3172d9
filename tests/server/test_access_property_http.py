"""Property: over any facilitators × cohorts × learners × visibility × anonymity, what each
caller reads from a real server over HTTP is exactly what the trust model allows, and nobody
but its author learns who wrote an anonymous reflection (SQLite, PostgreSQL, and PostgreSQL
through the server's own role under row-level security)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import Server, add_facilitator, batch, reflection

pytestmark = pytest.mark.slow

FACILITATORS = ("fay", "gus")


@dataclass(frozen=True)
class Note:
    author: int
    visibility: str
    anonymous: bool


@dataclass(frozen=True)
class Plan:
    owners: list[str]
    """cohort → its facilitator."""
    seats: list[int]
    """learner → their cohort."""
    notes: list[Note]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    owners = draw(st.lists(st.sampled_from(FACILITATORS), min_size=1, max_size=3))
    seats = draw(st.lists(st.integers(0, len(owners) - 1), min_size=2, max_size=5))
    notes = draw(st.lists(st.builds(Note, st.integers(0, len(seats) - 1),
                                    st.sampled_from(["private", "cohort", "bank"]),
                                    st.booleans()), min_size=1, max_size=8))
    return Plan(owners, seats, notes)


def learner_may_read(plan: Plan, reader: int, note: Note) -> bool:
    """The trust model, written apart from the server's SQL."""
    return (note.author == reader or note.visibility == "bank"
            or (note.visibility == "cohort" and plan.seats[note.author] == plan.seats[reader]))


def facilitator_may_read(plan: Plan, fac: str, note: Note) -> bool:
    return note.visibility == "bank" or (note.visibility == "cohort"
                                         and plan.owners[plan.seats[note.author]] == fac)


_tokens: dict[str, dict[str, str]] = {}


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=plans())
def test_every_caller_reads_exactly_what_the_trust_model_allows(server: Server,
                                                                plan: Plan) -> None:
    facs = _tokens.setdefault(server.bank, {})
    for name in FACILITATORS:
        if name not in facs:
            facs[name] = add_facilitator(server.bank, name.title())
    run = uuid.uuid4().hex[:8]  # this example's texts (earlier examples share the bank)
    cohorts, learners, ids = [], [], []
    for owner in plan.owners:
        with server.client(facs[owner]) as http:
            made = http.post("/api/cohorts", json={"name": run, "invitations": plan.seats.count(
                len(cohorts))}).json()
        cohorts.append((made["id"], iter(made["invitations"])))
    with server.client() as http:
        for i, seat in enumerate(plan.seats):
            code = next(cohorts[seat][1])["code"]
            joined = http.post("/api/join", json={"code": code, "name": f"L{i}"}).json()
            learners.append(joined["token"])
            ids.append(joined["learner"]["id"])
    texts = {}
    for n, note in enumerate(plan.notes):
        text = f"{run} note {n}"
        texts[text] = note
        with server.client(learners[note.author]) as http:
            r = http.post("/api/batches", json=batch(str(uuid.uuid4()), [
                reflection(text, note.visibility, note.anonymous)]))
            assert r.status_code == 200, r.text

    def read(token: str) -> dict[str, dict[str, object]]:
        with server.client(token) as http:
            rows = http.get("/api/reflections", params={"q": run, "limit": 200}).json()
        return {str(r["text"]): r for r in rows}

    for reader, token in enumerate(learners):
        seen = read(token)
        assert set(seen) == {t for t, n in texts.items() if learner_may_read(plan, reader, n)}
        for text, row in seen.items():
            note = texts[text]
            assert row["mine"] == (note.author == reader)
            if note.anonymous and note.author != reader:
                assert row["author"] is None and len(str(row["created"])) == 10
                assert ids[note.author] not in str(row)
            else:
                assert row["author"] == {"id": ids[note.author], "name": f"L{note.author}"}
        for c, (cohort_id, _) in enumerate(cohorts):
            with server.client(token) as http:
                status = http.get(f"/api/cohorts/{cohort_id}/paths").status_code
            assert status == (200 if plan.seats[reader] == c else 403)
    for fac in FACILITATORS:
        seen = read(facs[fac])
        assert set(seen) == {t for t, n in texts.items() if facilitator_may_read(plan, fac, n)}
        for text, row in seen.items():
            if texts[text].anonymous:
                assert row["author"] is None and ids[texts[text].author] not in str(row)
        for c, (cohort_id, _) in enumerate(cohorts):
            with server.client(facs[fac]) as http:
                status = http.get(f"/api/cohorts/{cohort_id}/paths").status_code
            assert status == (200 if plan.owners[c] == fac else 403)
