"""``bank import`` checks a bundle field by field before it writes anything: one line naming
the bundle file and line, and the bank unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.bank import open_bank
from crossroads.tui.cli import main
from tests.engine.bank.helpers import choice, play, reflection


def _bundle(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "source.sqlite3"
    with open_bank(str(path)) as bank:
        play(bank, "ann", "team", [choice(0), reflection("a story", "bank"),
                                   {"type": "checkin", "scene": "s1", "answers": {"listen": 4},
                                    "at": "2024-03-01T10:05:00.000+00:00"}])
    out = tmp_path / "good.jsonl"
    assert main(["bank", "export", str(out), "--bank", str(path)]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


def _first(records: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(r for r in records if r["type"] == kind)


HOSTILE: dict[str, tuple[str, str, Any, str]] = {
    # case: (record type, field, value, what the error says)
    "huge integer": ("step", "seq", 2**63, "outside"),
    "huge ms": ("step", "ms", 10**30, "outside"),
    "bool as integer": ("step", "index", True, "must be an integer"),
    "string as integer": ("checkin", "value", "5", "must be an integer"),
    "check-in out of range": ("checkin", "value", 6, "outside 1..5"),
    "huge meter": ("step", "meters", {"trust": 10**40}, "out of range"),
    "text meter": ("step", "meters", {"trust": "high"}, "not a number"),
    "unknown status": ("playthrough", "status", "hacked", "not one of"),
    "unknown visibility": ("reflection", "visibility", "world", "not one of"),
    "bad id": ("learner", "id", "not-a-uuid", "not a UUID"),
    "bad time": ("playthrough", "started", "yesterday", "not an ISO 8601 time"),
    "huge text": ("reflection", "text", "x" * 300_000, "longer than"),
    "long name": ("cohort", "code", "c" * 5000, "longer than"),
    "list as text": ("reflection", "text", ["a"], "must be a string or null"),
    "name with a newline": ("learner", "name", "Eve\nFAKE", "control characters"),
    "missing field": ("reflection", "anonymous", None, "has no 'anonymous'"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_field_is_one_line_and_nothing_is_written(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _bundle(tmp_path)
    kind, field, value, says = HOSTILE[case]
    record = _first(records, kind)
    if case == "missing field":
        del record[field]
    else:
        record[field] = value
    line = records.index(record) + 1
    bundle = tmp_path / "hostile.jsonl"
    bundle.write_text("".join(json.dumps(r) + "\n" for r in records))
    target = tmp_path / "target.sqlite3"
    capsys.readouterr()
    assert main(["bank", "import", str(bundle), "--bank", str(target)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, err
    assert err.startswith(f"{bundle}:{line}: ") and says in err, err
    with open_bank(str(target)) as bank:
        assert set(bank.counts().values()) == {0}


def test_an_unknown_type_and_a_good_bundle(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    records = _bundle(tmp_path)
    bundle = tmp_path / "b.jsonl"
    bundle.write_text("".join(json.dumps(r) + "\n" for r in [*records, {"type": "virus"}]))
    target = tmp_path / "target.sqlite3"
    assert main(["bank", "import", str(bundle), "--bank", str(target)]) == 1
    assert "unknown record type 'virus'" in capsys.readouterr().err
    bundle.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert main(["bank", "import", str(bundle), "--bank", str(target)]) == 0
    with open_bank(str(target)) as bank:
        assert bank.counts()["reflections"] == 1
