"""Facilitators, cohorts, invitation codes and sessions over real HTTP to a real server."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tests.server.conftest import Server, add_facilitator, cli


def _cohort(server: Server, token: str, seats: int, **extra: object) -> dict:
    with server.client(token) as http:
        r = http.post("/api/cohorts", json={"name": "Floods team", "invitations": seats,
                                            "stories": ["floods"], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_learners_join_and_a_code_signs_the_same_learner_in_again(server: Server) -> None:
    fac = add_facilitator(server.bank, "Fay")
    cohort = _cohort(server, fac, 3)
    codes = [seat["code"] for seat in cohort["invitations"]]
    assert len(set(codes)) == 3 and all(len(c.replace("-", "")) == 26 for c in codes)
    with server.client() as http:
        ana = http.post("/api/join", json={"code": codes[0], "name": "Ana"}).json()
        ben = http.post("/api/join", json={"code": codes[1], "name": "Ana"}).json()
        # a second device, typing the code loosely: the same learner, a new session
        again = http.post("/api/join", json={"code": codes[0].lower().replace("-", " ")}).json()
    assert ana["learner"]["name"] == ben["learner"]["name"] == "Ana"
    assert ana["learner"]["id"] != ben["learner"]["id"]  # names need not be unique
    assert again["learner"]["id"] == ana["learner"]["id"] and again["token"] != ana["token"]
    assert ana["cohort"] | {"members": 0} == {
        "id": cohort["id"], "name": "Floods team", "facilitator": "Fay", "members": 0,
        "stories": ["floods"]}
    with server.client(ana["token"]) as http:
        me = http.get("/api/me").json()
    assert me["role"] == "learner" and me["id"] == ana["learner"]["id"]
    assert me["cohort"]["members"] == 2
    with server.client(again["token"]) as http:
        assert http.get("/api/me").json()["id"] == ana["learner"]["id"]
    with server.client(fac) as http:
        mine = http.get("/api/cohorts").json()
    assert [c["id"] for c in mine] == [cohort["id"]]
    seats = mine[0]["invitations"]
    assert sum(s["learner"] is not None for s in seats) == 2
    assert all("code" not in s for s in seats)  # codes are shown once, never listed


def test_expired_revoked_and_guessed_codes_fail_and_guessing_is_rate_limited(
    server: Server,
) -> None:
    fac = add_facilitator(server.bank, "Fay")
    short = _cohort(server, fac, 1, expires_days=1 / 86400)  # one second
    cohort = _cohort(server, fac, 3)
    revoked, good, spare = cohort["invitations"]
    with server.client(fac) as http:
        assert http.post(f"/api/invitations/{revoked['id']}/revoke").status_code == 200
    time.sleep(1.2)
    with server.client() as http:
        for code in (short["invitations"][0]["code"], revoked["code"]):
            r = http.post("/api/join", json={"code": code})
            assert r.status_code == 401 and "not valid" in r.json()["error"]
        # 2 failures so far; guesses until the per-client limit (10)
        for i in range(8):
            guess = f"AAAAA-AAAAA-AAAAA-AAAAA-AAAA{i:02d}"
            assert http.post("/api/join", json={"code": guess}).status_code == 401
        blocked = http.post("/api/join", json={"code": good["code"]})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert http.post("/api/join", json={"code": spare["code"]}).status_code == 429


def test_a_token_from_another_server_or_after_sign_out_fails(
    tmp_path: Path, start_server: Callable[[str], Server],
) -> None:
    one = start_server(str(tmp_path / "one.sqlite3"))
    two = start_server(str(tmp_path / "two.sqlite3"))
    fac_one = add_facilitator(one.bank, "Fay")
    fac_two = add_facilitator(two.bank, "Gus")
    code = _cohort(one, fac_one, 1)["invitations"][0]["code"]
    with one.client() as http:
        token = http.post("/api/join", json={"code": code}).json()["token"]
    with two.client(token) as http:
        assert http.get("/api/me").status_code == 401
    with two.client(fac_one) as http:
        assert http.post("/api/cohorts", json={"name": "x"}).status_code == 401
    with two.client() as http:
        assert http.post("/api/join", json={"code": code}).status_code == 401
    with one.client(token) as http:
        assert http.get("/api/me").status_code == 200
        assert http.post("/api/logout").status_code == 200
        assert http.get("/api/me").status_code == 401
    with two.client(fac_two) as http:
        assert http.get("/api/me").json()["role"] == "facilitator"


def test_learners_cannot_act_as_facilitators_nor_on_others_cohorts(server: Server) -> None:
    fay = add_facilitator(server.bank, "Fay")
    gus = add_facilitator(server.bank, "Gus")
    cohort = _cohort(server, fay, 2)
    with server.client() as http:
        learner = http.post("/api/join", json={"code": cohort["invitations"][0]["code"]}).json()
    with server.client(learner["token"]) as http:
        assert http.post("/api/cohorts", json={"name": "mine"}).status_code == 403
        assert http.get("/api/cohorts").status_code == 403
        seat = cohort["invitations"][1]["id"]
        assert http.post(f"/api/invitations/{seat}/revoke").status_code == 403
    with server.client(gus) as http:  # another facilitator's cohort is not Gus's
        assert http.post(f"/api/cohorts/{cohort['id']}/revoke").status_code == 404
        assert http.post(f"/api/learners/{learner['learner']['id']}/revoke").status_code == 404
        assert http.delete(f"/api/learners/{learner['learner']['id']}").status_code == 404
        assert http.get(f"/api/cohorts/{cohort['id']}/paths").status_code == 403
    with server.client(learner["token"]) as http:
        assert http.get("/api/me").status_code == 200


def test_revoking_a_learner_or_a_cohort_shuts_them_out(server: Server) -> None:
    fac = add_facilitator(server.bank, "Fay")
    cohort = _cohort(server, fac, 3)
    codes = [s["code"] for s in cohort["invitations"]]
    with server.client() as http:
        a, b = (http.post("/api/join", json={"code": c}).json() for c in codes[:2])
    with server.client(fac) as http:
        assert http.post(f"/api/learners/{a['learner']['id']}/revoke").status_code == 200
    with server.client(a["token"]) as http:
        assert http.get("/api/me").status_code == 401
    with server.client(b["token"]) as http:
        assert http.get("/api/me").status_code == 200
    with server.client() as http:
        assert http.post("/api/join", json={"code": codes[0]}).status_code == 401
    with server.client(fac) as http:
        assert http.post(f"/api/cohorts/{cohort['id']}/revoke").status_code == 200
    with server.client(b["token"]) as http:
        assert http.get("/api/me").status_code == 401
    with server.client() as http:
        assert http.post("/api/join", json={"code": codes[2]}).status_code == 401


def test_bodies_are_limited_and_bad_requests_get_one_line_errors(server: Server) -> None:
    with server.client() as http:
        big = http.post("/api/join", content=b"{" + b" " * 100_000 + b"}",
                        headers={"content-type": "application/json"})
        assert big.status_code == 413
        assert http.post("/api/join", content=b"not json").json() == {
            "error": "the request body is not JSON"}
        assert http.post("/api/join", json={"code": 5}).status_code == 400
        assert http.get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_serve_refuses_plain_http_off_this_machine() -> None:
    out = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "--certfile" in out.stderr
    assert "Traceback" not in out.stderr
    half = cli("serve", "--certfile", "cert.pem")
    assert half.returncode == 2 and "--keyfile" in half.stderr


def test_two_server_processes_on_one_bank_agree(
    server_bank: str, start_server: Callable[[str], Server],
) -> None:
    one, two = start_server(server_bank), start_server(server_bank)
    fac = add_facilitator(server_bank, "Fay")
    cohort = _cohort(one, fac, 1)
    code = cohort["invitations"][0]["code"]
    with two.client() as http:
        joined = http.post("/api/join", json={"code": code, "name": "Ana"}).json()
    with one.client(joined["token"]) as http:
        assert http.get("/api/me").json()["name"] == "Ana"
    with two.client(fac) as http:
        assert http.get("/api/cohorts").json()[0]["invitations"][0]["learner"]["name"] == "Ana"
