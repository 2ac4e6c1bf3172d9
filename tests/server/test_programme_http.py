"""Programmes through a real cohort server: who may set, read and follow a cohort's programme,
and what a hostile body gets (SQLite, PostgreSQL, and PostgreSQL through the server's own role)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.server.conftest import Server, batch, choice, two_cohorts

PROGRAMME = """\
format: crossroads-programme/1
title: Spring managers
sessions:
  - story: first-week
    date: 2027-01-12
  - story: the-conversation
    date: 2027-01-26
"""


@dataclass
class Cohorts:
    server: Server
    tokens: dict[str, str]
    cohorts: dict[str, str]
    ids: dict[str, str]

    def call(self, who: str | None, method: str, path: str, **kw: Any) -> Any:
        with self.server.client(self.tokens.get(who or "")) as http:
            return http.request(method, path, **kw)


@pytest.fixture
def world(server: Server) -> Cohorts:
    """Cohort one (Fay; Ana, Ben) plays first-week and the-conversation; cohort two (Gus; Cy)
    plays first-week only."""
    tokens, cohorts, ids = two_cohorts(server, ("first-week", "the-conversation"),
                                       ("first-week",))
    return Cohorts(server, tokens, cohorts, ids)


def _put(world: Cohorts, who: str | None, cohort: str, body: bytes | str) -> Any:
    content = body.encode() if isinstance(body, str) else body
    return world.call(who, "PUT", f"/api/cohorts/{world.cohorts.get(cohort, cohort)}/programme",
                      content=content)


def test_the_facilitator_sets_and_members_read_it(world: Cohorts) -> None:
    r = _put(world, "fay", "one", PROGRAMME)
    assert r.status_code == 200, r.text
    assert [s["story"] for s in r.json()["sessions"]] == ["first-week", "the-conversation"]
    for who in ("fay", "ana", "ben"):
        got = world.call(who, "GET", f"/api/cohorts/{world.cohorts['one']}/programme")
        assert got.status_code == 200, (who, got.text)
        assert got.json()["yaml"] == PROGRAMME
        assert got.json()["sessions"][1] == {"n": 2, "story": "the-conversation",
                                             "date": "2027-01-26", "title": None, "notes": None}
    again = _put(world, "fay", "one", PROGRAMME.replace("2027-01-26", "2027-02-02"))
    assert again.status_code == 200
    got = world.call("ana", "GET", f"/api/cohorts/{world.cohorts['one']}/programme").json()
    assert got["sessions"][1]["date"] == "2027-02-02"  # replaced, not added


def test_no_programme_yet_is_a_404_with_a_reason(world: Cohorts) -> None:
    r = world.call("ana", "GET", f"/api/cohorts/{world.cohorts['one']}/programme")
    assert r.status_code == 404 and "no programme" in r.json()["error"]


@pytest.mark.parametrize(("who", "cohort", "status"), [
    ("cy", "one", 403),      # another cohort's learner
    ("gus", "one", 403),     # another cohort's facilitator
    (None, "one", 401),      # no token
    ("ana", str(uuid.uuid4()), 403),
    ("ana", "not-a-uuid", 403),
])
def test_reading_someone_elses_programme_is_refused(world: Cohorts, who: str | None,
                                                    cohort: str, status: int) -> None:
    assert _put(world, "fay", "one", PROGRAMME).status_code == 200
    r = world.call(who, "GET", f"/api/cohorts/{world.cohorts.get(cohort, cohort)}/programme")
    assert r.status_code == status, r.text
    assert "yaml" not in r.json() and "first-week" not in r.text


@pytest.mark.parametrize(("who", "cohort", "status"), [
    ("ana", "one", 403),     # a learner, of that very cohort
    ("cy", "one", 403),      # another cohort's learner
    ("gus", "one", 404),     # another cohort's facilitator: not said to exist
    (None, "one", 401),      # no token
])
def test_setting_someone_elses_programme_is_refused(world: Cohorts, who: str | None,
                                                    cohort: str, status: int) -> None:
    assert _put(world, "fay", "one", PROGRAMME).status_code == 200
    r = _put(world, who, cohort, PROGRAMME.replace("Spring managers", "Hijacked"))
    assert r.status_code == status, r.text
    got = world.call("fay", "GET", f"/api/cohorts/{world.cohorts['one']}/programme").json()
    assert got["title"] == "Spring managers"


def test_a_story_the_cohort_lacks_is_refused_at_its_line(world: Cohorts) -> None:
    from crossroads.engine.paths import stories_dir

    own = (stories_dir() / "first-week.yaml").read_text().replace(
        "id: first-week", "id: fays-own-story")
    made = world.call("fay", "POST", f"/api/cohorts/{world.cohorts['one']}/stories",
                      content=own.encode())
    assert made.status_code == 201, made.text
    assert _put(world, "fay", "one", PROGRAMME.replace("the-conversation", "fays-own-story")
                ).status_code == 200
    # cohort two has neither fay's story nor one by that name anywhere
    for story in ("fays-own-story", "no-such-story"):
        r = _put(world, "gus", "two", PROGRAMME.replace("the-conversation", story))
        assert r.status_code == 400
        body = r.json()
        assert body["error"].startswith(f"programme.yaml:6:12: CR112 error: no story {story!r} "
                                        "among the shipped stories or those of cohort 'two'")
        assert body["diagnostics"] == [body["error"]]
    r = world.call("gus", "GET", f"/api/cohorts/{world.cohorts['two']}/programme")
    assert r.status_code == 404


def test_a_shipped_story_it_names_is_kept_for_the_cohort(world: Cohorts) -> None:
    path = f"/api/cohorts/{world.cohorts['two']}/stories"
    before = {v["story_id"] for v in world.call("cy", "GET", path).json()}
    assert before == {"first-week"}
    assert _put(world, "gus", "two", PROGRAMME).status_code == 200
    after = world.call("cy", "GET", path).json()
    assert {v["story_id"] for v in after} == {"first-week", "the-conversation"}
    story = world.call("cy", "GET", f"/api/stories/{after[-1]['story_hash']}")
    assert story.status_code == 200 and "id: the-conversation" in story.text


@pytest.mark.parametrize(("body", "expected"), [
    (b"format: [\n", "CR101"),
    ("format: crossroads-programme/1\ntitle: !!python/object/apply:os.system ['id']\n"
     "sessions: [{story: first-week, date: 2027-01-12}]\n", "CR106"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)), "CR107"),
    (PROGRAMME.replace("2027-01-26", "2027-01-02"), "comes before session 1"),
    ("[]", "CR104"),
])
def test_malformed_bodies_are_refused(world: Cohorts, body: bytes | str, expected: str) -> None:
    r = _put(world, "fay", "one", body)
    assert r.status_code == 400, r.text
    assert expected in r.json()["error"] and "\n" not in r.json()["error"]
    assert "Traceback" not in r.text


def test_an_oversized_body_is_refused_before_it_is_read(world: Cohorts) -> None:
    r = _put(world, "fay", "one", PROGRAMME + "#" * (70 * 1024))
    assert r.status_code == 413
    assert world.call("fay", "GET", f"/api/cohorts/{world.cohorts['one']}/programme"
                      ).status_code == 404


def test_status_is_the_facilitators_alone(world: Cohorts) -> None:
    assert _put(world, "fay", "one", PROGRAMME).status_code == 200
    done = batch(str(uuid.uuid4()), [choice("s0", "go", "end")], story="first-week")
    done.update(status="finished", ending="end", finished=done["started"])
    playing = batch(str(uuid.uuid4()), [choice("s0", "go", "s1")], story="the-conversation")
    for who, b in (("ana", done), ("ana", playing)):
        assert world.call(who, "POST", "/api/batches", json=b).status_code == 200
    path = f"/api/cohorts/{world.cohorts['one']}/programme/status"
    r = world.call("fay", "GET", path, params={"today": "2027-01-20"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert {m["name"]: m["states"] for m in data["members"]} == {
        "Ana": ["done", "in progress"], "Ben": ["overdue", "not started"]}
    assert data["next"] == {"n": 2, "ready": 1, "members": 2}
    for who, status in (("ana", 403), ("cy", 403), ("gus", 404), (None, 401)):
        r = world.call(who, "GET", path)
        assert r.status_code == status, (who, r.text)
        assert "Ana" not in r.text
    assert world.call("fay", "GET", path, params={"today": "soon"}).status_code == 400


def test_the_command_line_through_the_server(world: Cohorts, tmp_path: Any) -> None:
    """``crossroads programme set/show/status`` signed in as the facilitator, and as a learner."""
    import os

    from tests.server.conftest import cli

    file = tmp_path / "programme.yaml"
    file.write_text(PROGRAMME)
    env = {**os.environ, "CROSSROADS_CONFIG": str(tmp_path / "config"),
           "CROSSROADS_HOME": str(tmp_path / "home")}
    env.pop("CROSSROADS_BANK", None)
    login = cli("login", world.server.url, env={**env, "CROSSROADS_TOKEN": world.tokens["fay"]})
    assert login.returncode == 0, login.stderr
    out = cli("programme", "set", "one", str(file), env=env)
    assert out.returncode == 0, out.stderr
    out = cli("programme", "status", "one", "--today", "2027-01-20", env=env)
    assert out.returncode == 0, out.stderr
    assert "Next: session 2 on 2027-01-26, The Conversation — 0 of 2 ready" in out.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROGRAMME.replace("the-conversation", "no-such-story"))
    out = cli("programme", "set", "one", str(bad), env=env)
    assert out.returncode == 2
    assert out.stderr.startswith(f"{bad}:6:12: CR112 error: no story 'no-such-story'")
    learner = {**env, "CROSSROADS_TOKEN": world.tokens["ana"]}
    out = cli("programme", "show", world.cohorts["one"], env=learner)
    assert out.returncode == 0, out.stderr
    assert "Spring managers" in out.stdout and "the-conversation" in out.stdout
    out = cli("programme", "status", world.cohorts["one"], env=learner)
    assert out.returncode == 2 and "facilitator" in out.stderr
    assert dt.date.today()  # (the status above was judged on --today, not the clock)


async def test_the_pickers_due_line_through_the_server(world: Cohorts, tmp_path: Any) -> None:
    """A signed-in learner's picker asks the server for their cohort's programme."""
    import shutil

    from textual.widgets import Static

    from crossroads.engine.paths import stories_dir
    from crossroads.engine.programme_status import short_day
    from crossroads.engine.remote.login import Login
    from crossroads.engine.remote.server_bank import open_server_store
    from crossroads.tui.app import CrossroadsApp

    today = dt.date.today()
    due = today + dt.timedelta(days=4)
    text = PROGRAMME.replace("2027-01-12", str(today - dt.timedelta(days=10))).replace(
        "2027-01-26", str(due))
    assert _put(world, "fay", "one", text).status_code == 200
    folder = tmp_path / "stories"
    folder.mkdir()
    shutil.copy(stories_dir() / "first-week.yaml", folder / "first-week.yaml")
    lines = {}
    for who in ("ana", "cy"):  # cy's cohort has no programme
        cohort = world.cohorts["one" if who == "ana" else "two"]
        login = Login(world.server.url, world.tokens[who], "learner", world.ids[who],
                      who.title(), cohort, None)
        store = open_server_store(login)
        app = CrossroadsApp(folders=[folder], learner=login.id, store=store, cohort=cohort)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                line = app.screen.query_one("#picker-due", Static)
                lines[who] = (str(line.render()), line.display)
        finally:
            store.close()
    assert lines["ana"] == (f"Overdue since {short_day(today - dt.timedelta(days=10))}: "
                            "The First Week (session 1 of 2)", True)
    assert lines["cy"] == ("", False)
