"""The web player end to end: ``crossroads serve --web``, headless system Chromium, keyboard
only. A learner signs in with a code, plays first-week to an ending, writes reflections; a
reload continues at the same scene; a wrong code is refused with tries counted; ten browsers play
at once; closed sessions leave no process behind. Screenshots go to ``artifacts/``."""

from __future__ import annotations

import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.web.conftest import (
    ARTIFACTS,
    FLAGS,
    WebServer,
    open_first_week,
    play_to_ending,
    screen,
    sign_in,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def rows(server: WebServer, sql: str) -> list[Any]:
    with sqlite3.connect(server.bank) as db:
        return db.execute(sql).fetchall()


def children_gone(server: WebServer, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := server.children()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_a_learner_plays_to_an_ending_in_the_browser(web_server: WebServer, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    response = page.goto(web_server.url + "/play")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    wait_for(page, "Invitation code")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-sign-in.png"))
    sign_in(page, web_server, web_server.codes[0], "Ana")
    open_first_week(page)
    wait_for(page, "The First Week", "1. ")
    page.screenshot(path=str(ARTIFACTS / "web-play.png"))
    play_to_ending(page, "a boss who listened")
    page.screenshot(path=str(ARTIFACTS / "web-ending.png"))
    # In the bank, as from the terminal: Ana's finished playthrough, its choices, her words.
    (pid, status, ending), = rows(web_server, "SELECT id, status, ending FROM playthroughs")
    assert status == "finished" and ending
    assert rows(web_server, f"SELECT count(*) FROM steps WHERE playthrough_id = '{pid}'")[0][0] > 3
    texts = [r[0] for r in rows(web_server, "SELECT text FROM reflections")]
    assert texts and set(texts) == {"a boss who listened"}
    paths = web_server.facilitator.get(f"/api/cohorts/{web_server.cohort}/paths").json()
    assert [p["learner"]["name"] for p in paths] == ["Ana"]
    assert not [p for p in problems if "ping" not in p], problems
    page.close()
    assert children_gone(web_server) == []  # the closed page's player ended


def test_a_reload_mid_story_continues_at_the_same_scene(web_server: WebServer,
                                                        browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    code = web_server.codes[1]
    sign_in(page, web_server, code, "Bea")
    open_first_week(page)
    wait_for(page, "Monday, 8:02")
    page.keyboard.press("1")
    text = wait_for(page, "Monday, 11:40", "saved")
    page.reload()
    sign_in(page, web_server, code.lower())  # any case; no name the second time
    open_first_week(page)
    wait_for(page, "You have a saved session", "1 choice made")
    page.keyboard.press("r")
    again = wait_for(page, "Monday, 11:40", "1. ")
    assert "Sam asks whether lunch is still on" in again and "Sam asks" in text
    page.screenshot(path=str(ARTIFACTS / "web-resumed.png"))
    assert rows(web_server, "SELECT count(*) FROM playthroughs")[0][0] == 1
    page.close()


def test_a_wrong_code_is_refused_with_a_limited_number_of_tries(web_server: WebServer,
                                                                browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    page.goto(web_server.url + "/play")
    wait_for(page, "Invitation code")
    page.keyboard.type("0000-not-a-code")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)  # the name field takes the focus
    page.keyboard.press("Enter")
    wait_for(page, "This invitation code is not valid", "4 tries left")
    for _ in range(4):
        page.keyboard.press("Enter")  # the same wrong code again (the field keeps it)
        page.wait_for_timeout(500)
        page.keyboard.press("Enter")
        page.wait_for_timeout(800)
    text = wait_for(page, "No tries left in this session")
    assert "Choose a story" not in text
    page.screenshot(path=str(ARTIFACTS / "web-wrong-code.png"))
    page.close()


def test_ten_browsers_play_at_once_and_nothing_is_lost(web_server: WebServer) -> None:
    from playwright.sync_api import sync_playwright

    from tests.engine.export.conftest import chromium

    path = chromium()

    def learner(n: int) -> float:
        start = time.monotonic()
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=path, args=FLAGS, headless=True)
            page = b.new_page(viewport={"width": 1000, "height": 700})
            sign_in(page, web_server, web_server.codes[n], f"Learner {n}")
            open_first_week(page)
            wait_for(page, "1. ", timeout=120)
            play_to_ending(page, f"story number {n}")
            b.close()
        return time.monotonic() - start

    with ThreadPoolExecutor(10) as pool:
        took = list(pool.map(learner, range(10)))
    assert rows(web_server, "SELECT count(*), count(DISTINCT learner_id) FROM playthroughs "
                            "WHERE status = 'finished'")[0] == (10, 10)
    texts = {r[0] for r in rows(web_server, "SELECT text FROM reflections")}
    assert texts == {f"story number {n}" for n in range(10)}
    (ARTIFACTS / "web-ten.json").write_text(json.dumps({"seconds": took}))
    assert children_gone(web_server) == []


def test_the_room_is_full_past_the_cap(tmp_path: Any, browser: Any) -> None:
    server = WebServer(tmp_path, sessions=1, idle_minutes=0.05)
    try:
        first = browser.new_page()
        first.goto(server.url + "/play")
        wait_for(first, "Invitation code")
        full = httpx.get(server.url + "/play")
        assert full.status_code == 503 and "The room is full" in full.text
        # The idle session (3 s without a key) ends, its process with it; the room opens.
        wait_for(first, "without a key", timeout=30)
        assert _wait_no_children(server) == []
        assert httpx.get(server.url + "/play").status_code == 200
        first.close()
    finally:
        server.stop()


def _wait_no_children(server: WebServer) -> list[int]:
    return children_gone(server)


def test_no_internet_needed(web_server: WebServer) -> None:
    page = httpx.get(web_server.url + "/play").text
    assert "googleapis" not in page and "https://" not in page
    assert "Roboto Mono" in httpx.get(web_server.url + "/play/page.css").text
    font = httpx.get(web_server.url + "/play/static/fonts/RobotoMono-VariableFont_wght.ttf")
    assert font.status_code == 200 and len(font.content) > 100_000
    assert "crossroadsTerminal" in httpx.get(web_server.url + "/play/textual.js").text
    _ = screen  # (imported for the other tests)
