"""No learner or author text reaches a terminal with anything the terminal would obey, and each
record stays on its own line: ``bank list``, ``bank search``, ``themes``, ``graph``, ``classify``,
``cohort --json``, ``play --plain`` and error messages, fed a name holding a newline, a
retitle (``ESC ] 0 ; … BEL``), a screen clear (``ESC [ 2 J``) and a right-to-left override."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from crossroads.engine.bank import Batch, open_bank, open_session_store
from crossroads.engine.loader import load_text
from crossroads.tui.cli import main
from crossroads.tui.plain import PlainPlayer
from tests.conftest import ROOT
from tests.tui.helpers import ending_paths, first_week

ATTACK = "\x1b]0;pwned\x07\x1b[2J"
HOSTILE_NAME = f"Eve{ATTACK}\nFAKE LINE\u202eexe.txt"
HOSTILE_TEXT = f"I {ATTACK}remember\rOVERWRITTEN \u202eesrever \x9b2J the meeting."
OBEYED = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A))} - {"\n"}


def _clean(text: str) -> None:
    """Nothing a terminal obeys; no line that the hostile name made up."""
    assert not OBEYED & set(text), sorted(OBEYED & set(text))
    assert not any(line.startswith("FAKE LINE") for line in text.splitlines())


def _legacy_bank(path: Path) -> str:
    """A bank whose learner names were written before names were checked: Eve's name holds an
    escape sequence, a newline and a bidi override; she shared a hostile reflection."""
    url = str(path)
    with open_bank(url) as bank:
        bank.learner("ann")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO learners (id, name, created) VALUES (?, ?, ?)",
                 [str(uuid.uuid4()), HOSTILE_NAME, "2024-03-01T08:00:00.000+00:00"])
    conn.commit()
    conn.close()
    with open_bank(url) as bank:
        for learner in (HOSTILE_NAME, "ann"):
            bank.write(Batch(str(uuid.uuid4()), learner, "team", "first-week", "h",
                             "2024-03-01T08:00:00.000+00:00", 0, [
                                 {"type": "reflection", "scene": "dana-invite",
                                  "prompt": "heard-or-unheard", "text": HOSTILE_TEXT,
                                  "visibility": "bank", "anonymous": False,
                                  "at": "2024-03-01T10:00:00.000+00:00"}]))
    return url


@pytest.fixture
def legacy(tmp_path: Path) -> str:
    return _legacy_bank(tmp_path / "bank.sqlite3")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bank_list_prints_one_clean_line_per_learner(
        legacy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "bank", "list", "learners", "--bank", legacy)
    assert code == 0
    _clean(out + err)
    lines = out.splitlines()
    assert len(lines) == 1 + 2 + 1  # header, two learners, the count
    assert any(line.startswith("Eve") and "⏎ FAKE LINE" in line for line in lines)


def test_bank_list_playthroughs_and_json(legacy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "bank", "list", "playthroughs", "--bank", legacy)
    assert code == 0
    _clean(out)
    assert len(out.splitlines()) == 1 + 2 + 1
    code, out, _ = _run(capsys, "bank", "list", "learners", "--json", "--bank", legacy)
    _clean(out)
    assert HOSTILE_NAME in {row["name"] for row in json.loads(out)}  # JSON keeps it exactly


def test_bank_search_text_and_json(legacy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "bank", "search", "meeting", "--bank", legacy)
    assert code == 0
    _clean(out + err)
    bylines = [line for line in out.splitlines() if line.startswith("— ")]
    assert len(bylines) == 2 and any("⏎ FAKE LINE" in b for b in bylines)
    assert "OVERWRITTEN" in out  # the carriage return became a line break, not an overwrite
    code, out, _ = _run(capsys, "bank", "search", "meeting", "--json", "--bank", legacy)
    _clean(out)
    assert {r["text"] for r in json.loads(out)} == {HOSTILE_TEXT}


def test_themes_text_and_json(legacy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "themes", "--story", "first-week", "--bank", legacy)
    assert code == 0, err
    _clean(out + err)
    assert "remember" in out
    code, out, _ = _run(capsys, "themes", "--story", "first-week", "--json", "--bank", legacy)
    _clean(out)


def test_cohort_json(legacy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "cohort", "team", "first-week", "--as", "ann", "--json",
                          "--bank", legacy)
    assert code == 0, err
    _clean(out + err)
    json.loads(out)


def test_an_error_quoting_a_name_is_one_clean_line(
        legacy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "bank", "forget", "nobody\x1b[2J\nFAKE LINE", "--yes",
                          "--bank", legacy)
    assert code != 0
    _clean(out + err)
    assert len(err.splitlines()) == 1


def test_classify_output(monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        (HOSTILE_TEXT.replace("\r", " ") + "\n").encode())))
    code, out, _ = _run(capsys, "classify")
    assert code == 0
    _clean(out)
    assert len(out.splitlines()) == 1


ATTACK_YAML = "\\e]0;pwned\\a\\e[2J"
HOSTILE_STORY = f"""\
format: crossroads/1
id: hostile
title: "Title {ATTACK_YAML}"
start: a
scenes:
  a:
    title: "A {ATTACK_YAML}\\nFAKE LINE\\u202e"
    text: "Text {ATTACK_YAML}"
    choices:
      - say: "Go {ATTACK_YAML}\\nFAKE LINE\\u202e \\" ] | < > # ;"
        to: b
      - say: Missing
        to: "nowhere\\u202e"
  b:
    text: Done.
    ending: {{kind: good, title: "End {ATTACK_YAML}"}}
"""


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph_labels(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = tmp_path / "hostile.yaml"
    story.write_text(HOSTILE_STORY, encoding="utf-8")
    assert "\x1b" in load_text(story.read_text(), "x.yaml").scenes["a"].text
    code, out, err = _run(capsys, "graph", str(story), "--format", fmt)
    assert code == 0, err
    _clean(out + err)
    assert "Go" in out
    if fmt == "dot":
        for line in out.splitlines():  # every quoted string closes on its own line
            assert line.replace('\\"', "").count('"') % 2 == 0, line
    else:
        assert '"]' in out and "#quot;" in out


def test_plain_shared_reflections(tmp_path: Path) -> None:
    url = _legacy_bank(tmp_path / "bank.sqlite3")
    store = open_session_store(url, "team")
    story = first_week()
    answers: list[str] = []
    from crossroads.engine.runtime import Session

    s = Session.start(story)
    for index in [*ending_paths(story)["carried"], None]:
        if s.current.reflect is not None:
            answers += ["my story", "", "1", "y"]
        if index is None:
            break
        options = s.options()
        answers.append(str(next(n for n, o in enumerate(options, 1) if o.index == index)))
        s.choose(index)
    out, err = io.StringIO(), io.StringIO()
    try:
        player = PlainPlayer(story, "zed", store, io.StringIO("\n".join(answers) + "\n"), out,
                             err, reader=store, in_cohort=True)
        assert player.run() == 0
    finally:
        store.close()
    text = out.getvalue()
    _clean(text + err.getvalue())
    assert "--- Eve ⏎ FAKE LINE" in text


def test_cohort_without_a_terminal_is_one_line_not_a_hang(legacy: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crossroads", "cohort", "team", "first-week", "--as", "ann",
         "--bank", legacy], cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "--json" in done.stderr
