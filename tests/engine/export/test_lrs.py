"""Sending statements to a real Ralph LRS on loopback, and the client's retries against a real
(flaky) HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from crossroads.engine.export.lrs import LrsClient, LrsError, parse_auth, statements_url
from crossroads.engine.export.xapi import statements
from crossroads.tui.cli import main
from tests.engine.cohort_world import COHORT, STORY_PATH
from tests.engine.export.conftest import RALPH_USER, Five


def test_ralph_stores_the_statements_once_and_gives_them_back(
    five: Five, ralph_lrs: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ralph 5.1's file-system backend can write its statements file only once (a second write
    # of new statements fails with "already exists"), so everything goes in one batch here;
    # several batches are exercised against the flaky server below.
    monkeypatch.setenv("CROSSROADS_LRS_AUTH", ":".join(RALPH_USER))
    args = ["export", "xapi", COHORT, "--story", str(STORY_PATH), "--bank", str(five.path),
            "--lrs", ralph_lrs]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"sent 55 statements in 1 batch to {ralph_lrs}/xAPI/statements: 55 stored, " \
        "0 already there" in out
    assert main(args) == 0  # idempotent: the same ids store nothing new
    assert "55 statements in 1 batch" in (out := capsys.readouterr().out)
    assert "0 stored, 55 already there" in out
    items = list(statements(five.bank, five.story, COHORT))
    client = LrsClient(ralph_lrs, RALPH_USER)
    again = client.send(items)
    assert (again.sent, again.stored, again.already) == (55, 0, 55)
    for item in (items[2], items[-1]):
        stored = client.get(item["id"])
        assert stored["id"] == item["id"]
        assert stored["verb"] == item["verb"] and stored["object"] == item["object"]
        assert stored.get("result") == item.get("result")
        assert stored["context"]["registration"] == item["context"]["registration"]
        assert stored["context"]["team"]["account"]["name"] == f"cohort:{COHORT}"


def test_wrong_credentials_are_one_clear_error(five: Five, ralph_lrs: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["export", "xapi", COHORT, "--story", str(STORY_PATH), "--bank",
                 str(five.path), "--lrs", ralph_lrs, "--auth", "crossroads:wrong"])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"the LRS at {ralph_lrs}/xAPI/statements refused the credentials (401)")
    assert "\n" not in err


class _Flaky(BaseHTTPRequestHandler):
    """Fails the first ``failures`` POSTs with 503, then stores and answers the ids."""

    failures = 2
    seen: list[dict[str, Any]] = []
    headers_seen: list[Any] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).headers_seen.append(self.headers)
        if type(self).failures > 0:
            type(self).failures -= 1
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        new = [st for st in body if st["id"] not in {s["id"] for s in type(self).seen}]
        type(self).seen.extend(new)
        if not new:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        answer = json.dumps([st["id"] for st in new]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    _Flaky.failures, _Flaky.seen, _Flaky.headers_seen = 2, [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/lrs/"
    server.shutdown()
    server.server_close()


def test_transient_failures_are_retried_with_backoff(five: Five, flaky: str) -> None:
    waits: list[float] = []
    client = LrsClient(flaky, ("u", "p"), batch=50, backoff=0.25, sleep=waits.append)
    result = client.send(statements(five.bank, five.story, COHORT))
    assert (result.sent, result.stored, result.batches, result.retries) == (55, 55, 2, 2)
    assert waits == [0.25, 0.5]  # exponential
    headers = _Flaky.headers_seen[0]
    assert headers.get("X-Experience-API-Version") == "1.0.3"
    assert headers.get("Authorization") == "Basic dTpw"


def test_an_unreachable_lrs_fails_after_the_retries(five: Five) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    waits: list[float] = []
    client = LrsClient(f"http://127.0.0.1:{port}", retries=3, backoff=0.1, sleep=waits.append)
    with pytest.raises(LrsError, match="did not take the statements after 4 attempts"):
        client.send(statements(five.bank, five.story, COHORT))
    assert waits == [0.1, 0.2, 0.4]


def test_lrs_addresses_and_credentials() -> None:
    assert statements_url("http://h:1") == "http://h:1/xAPI/statements"
    assert statements_url("http://h:1/xAPI/") == "http://h:1/xAPI/statements"
    assert statements_url("https://h/lrs/xAPI/statements") == "https://h/lrs/xAPI/statements"
    with pytest.raises(LrsError, match="not an http"):
        statements_url("ftp://h")
    assert parse_auth("a:b:c") == ("a", "b:c")
    with pytest.raises(LrsError, match="USER:PASSWORD"):
        parse_auth("nocolon")
