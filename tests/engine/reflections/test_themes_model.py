"""``--model-url``: an OpenAI-compatible endpoint on 127.0.0.1 codes the reflections; only what the
reader may see is sent, and what comes back is held to the rules (a quote not verbatim is dropped).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.bank import Batch, open_bank
from crossroads.tui.cli import main

STORY = "first-week"
PROMPT = "unheard"


class _Model(BaseHTTPRequestHandler):
    """A chat-completions endpoint that puts everything in one theme, with a good quote, a
    made-up quote, a quote from outside the theme and a summary that copies someone."""

    seen: list[dict[str, Any]] = []
    headers_seen: list[str] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        type(self).headers_seen.append(self.headers.get("Authorization", ""))
        sent = json.loads(body["messages"][-1]["content"])["reflections"]
        ids = [r["id"] for r in sent]
        first = sent[0]
        reply = {"themes": [{
            "id": "pace", "name": "The pace of the first week",
            "summary": "Several people describe a week that moved too fast.",
            "members": ids[:-1] + ["not-a-sent-id"],
            "quotes": [
                {"id": first["id"], "text": first["text"].split(".")[0] + "."},
                {"id": first["id"], "text": "Words nobody wrote."},
                {"id": "not-a-sent-id", "text": "Anything."},
            ],
        }]}
        data = json.dumps({"choices": [{"message": {"role": "assistant",
                                                     "content": json.dumps(reply)}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def model_url() -> Iterator[str]:
    _Model.seen.clear()
    _Model.headers_seen.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _write_bank() -> None:
    def event(text: str, visibility: str) -> dict[str, Any]:
        return {"type": "reflection", "scene": "calendar", "prompt": PROMPT, "text": text,
                "visibility": visibility, "anonymous": False,
                "at": "2024-03-01T10:00:00.000+00:00"}
    rows = [
        ("Eli", "bank", "My lead rushed the induction. I felt lost for a month."),
        ("Ben", "bank", "Nobody showed me where anything was. I learned by asking the cleaner."),
        ("Ana", "bank", "The first week was a blur of meetings."),
        ("Bo", "private", "PRIVATE-TEXT I nearly quit on day two."),
    ]
    with open_bank() as bank:
        bank.write_many([Batch(f"p{i}", who, None, STORY, "h", "2024-03-01T08:00:00.000+00:00",
                               0, [event(text, vis)]) for i, (who, vis, text) in enumerate(rows)])


def test_a_model_codes_only_what_the_reader_may_see(
    model_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    _write_bank()
    monkeypatch.setenv("CROSSROADS_MODEL_KEY", "k-123")
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--model-url", model_url,
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    sent = json.dumps(_Model.seen)
    assert "PRIVATE-TEXT" not in sent and "Eli" not in sent  # no private text, no authors
    assert _Model.headers_seen == ["Bearer k-123"]
    assert data["voices"] == "3 of 3 voices represented"
    pace = next(t for t in data["themes"] if t["title"] == "The pace of the first week")
    assert pace["size"] == 2  # the one the model left out was grouped offline
    assert [q["text"] for q in pace["quotes"]] == [pace["quotes"][0]["text"]]
    quote = pace["quotes"][0]
    assert "Words nobody wrote" not in json.dumps(data) and quote["author"] in ("Eli", "Ben", "Ana")
    assert pace["summary"] == "Several people describe a week that moved too fast."


def test_a_model_that_is_down_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _write_bank()
    code = main(["themes", "--story", STORY, "--model-url", "http://127.0.0.1:9/v1"])
    err = capsys.readouterr().err
    assert code != 0 and "model at http://127.0.0.1:9/v1/chat/completions" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_corrections_are_kept_in_the_bank(capsys: pytest.CaptureFixture[str]) -> None:
    _write_bank()
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    rid = first["themes"][0]["members"][0]
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--move", rid,
                 "Lost at the start", "--json"]) == 0
    capsys.readouterr()
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--json"]) == 0
    later = json.loads(capsys.readouterr().out)  # kept: a later run without options applies it
    moved = next(t for t in later["themes"] if rid in t["members"])
    assert moved["title"] == "Lost at the start"
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--rename", moved["id"],
                 "Finding one's feet", "--json"]) == 0
    assert any(t["title"] == "Finding one's feet" for t in json.loads(
        capsys.readouterr().out)["themes"])
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--forget-corrections",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first
