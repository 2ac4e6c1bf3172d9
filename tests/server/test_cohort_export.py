"""Bank-wide operations over the API are for facilitators, on their own cohorts only, and no
answer ever holds an invitation code."""

from __future__ import annotations

import json
from pathlib import Path

from crossroads.engine.bank.identity import normalise_code, secret_hash
from tests.server.conftest import Server, add_facilitator, cli
from tests.server.test_access_http import TEXTS, World, world  # noqa: F401 (the fixture)

DAY = "T00:00:00.000+00:00"


def _export(w: World, who: str, cohort: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    with w.server.client(w.tokens[who]) as http:
        r = http.get(f"/api/cohorts/{cohort}/export")
    lines = [json.loads(x) for x in r.text.splitlines()] if r.status_code == 200 else []
    return r.status_code, lines


def test_a_facilitator_exports_their_cohort_without_private_or_linked_anonymous_rows(
    world: World, tmp_path: Path,  # noqa: F811 (the fixture)
) -> None:
    one, two = world.cohorts["one"], world.cohorts["two"]
    assert _export(world, "ana", one)[0] == 403  # a learner: never
    assert _export(world, "gus", one)[0] == 404  # another facilitator's cohort
    status, records = _export(world, "fay", one)
    assert status == 200 and records[0]["type"] == "bundle" and records[0]["cohort"] == one
    by_type: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for rec in records[1:]:
        by_type.setdefault(rec["type"], []).append(rec)
    texts = {r["text"]: r for r in by_type["reflection"]}
    assert set(texts) == {t for (vis, _), t in TEXTS.items() if vis != "private"}
    for (vis, anon), text in TEXTS.items():
        if vis != "private" and anon:
            r = texts[text]
            assert (r["learner"], r["playthrough"], r["seq"]) == (None, None, None)
            assert r["created"].endswith(DAY)
    assert {x["id"] for x in by_type["learner"]} == {world.ids["ana"], world.ids["ben"]}
    assert {x["display_name"] for x in by_type["learner"]} == {"Ana", "Ben"}
    assert two not in json.dumps(records) and world.ids["cy"] not in json.dumps(records)
    # no gap or time shows where a private or anonymous reflection was written
    for pid in {s["playthrough"] for s in by_type["step"]}:
        seqs = sorted([s["seq"] for s in by_type["step"] if s["playthrough"] == pid]
                      + [r["seq"] for r in by_type["reflection"] if r["playthrough"] == pid])
        assert seqs == list(range(len(seqs)))
    assert all(s["at"] is None and s["ms"] is None for s in by_type["step"])
    # the bundle imports into a bank of its own
    path = tmp_path / "one.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = cli("bank", "import", str(path), "--bank", str(tmp_path / "copy.sqlite3"))
    assert out.returncode == 0, out.stderr
    out = cli("bank", "list", "--json", "--bank", str(tmp_path / "copy.sqlite3"))
    assert json.loads(out.stdout)["counts"]["reflections"] == 4


def test_no_answer_lists_an_invitation_code(server: Server) -> None:
    fac = add_facilitator(server.bank, "Fay")
    with server.client(fac) as http:
        made = http.post("/api/cohorts", json={"name": "c", "invitations": 3}).json()
        http.post(f"/api/cohorts/{made['id']}/invitations", json={"count": 1})
    codes = [seat["code"] for seat in made["invitations"]]
    with server.client() as http:
        learner = http.post("/api/join", json={"code": codes[0]}).json()["token"]
    answers = []
    with server.client(fac) as http:
        answers += [http.get(p).text for p in (
            "/api/cohorts", "/api/me", f"/api/cohorts/{made['id']}/export",
            f"/api/cohorts/{made['id']}/paths", "/api/reflections")]
    with server.client(learner) as http:
        answers += [http.get("/api/me").text, http.get("/api/reflections").text]
        assert http.get("/api/cohorts").status_code == 403  # listing cohorts: facilitators
    text = "\n".join(answers).upper()
    assert "CODE_HASH" not in text
    for code in codes:
        assert code.upper() not in text and normalise_code(code) not in text
        assert secret_hash(normalise_code(code)).upper() not in text
