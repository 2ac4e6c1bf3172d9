"""xAPI statements of a cohort's playthroughs, validated by Ralph's own models."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.export.xapi import duration, statements
from crossroads.tui.cli import main
from tests.engine.cohort_world import COHORT, STORY_PATH
from tests.engine.export.conftest import Five, ralph_python

VALIDATE = """
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
errors = []
for i, st in enumerate(json.load(sys.stdin)):
    try:
        BaseXapiStatement(**st)
    except Exception as err:  # report every invalid statement, not just the first
        errors.append(f"{i}: {err}")
print(json.dumps(errors))
"""


def _verbs(items: list[dict[str, Any]]) -> list[str]:
    return [st["verb"]["display"]["en-US"] for st in items]


def _by_registration(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for st in items:
        out.setdefault(st["context"]["registration"], []).append(st)
    return out


def test_each_playthrough_tells_its_story_in_statements(five: Five) -> None:
    items = list(statements(five.bank, five.story, COHORT))
    runs = _by_registration(items)
    assert set(runs) == {p.id for p in five.bank.playthroughs(cohort=COHORT)}
    ana = next(p for p in five.bank.playthroughs(cohort=COHORT) if p.learner == "ana")
    mine = runs[ana.id]
    # initialized, then per scene: experienced → answered (reflections in between), completed
    assert _verbs(mine) == ["initialized", "experienced", "answered", "experienced", "answered",
                            "answered", "experienced", "answered", "answered", "experienced",
                            "answered", "experienced", "completed"]
    scenes = [st["object"]["id"].rsplit("/", 1)[1] for st in mine if
              st["verb"]["display"]["en-US"] == "experienced"]
    assert scenes == ["gate", "river", "bridge", "together", "arrived"]
    choice = next(st for st in mine if st["object"]["id"].endswith("/choices/gate"))
    definition = choice["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert [c["id"] for c in definition["choices"]] == ["river", "hill"]
    assert choice["result"] == {"response": "river", "duration": "PT1.75S"}
    done = mine[-1]
    assert done["result"]["completion"] is True
    assert done["result"]["extensions"]["https://crossroads.invalid/xapi/extensions/ending"] \
        == "arrived"
    # the cohort is an identified group; learners are pseudonymous accounts
    for st in items:
        assert st["context"]["team"] == {
            "objectType": "Group", "name": COHORT,
            "account": {"homePage": "https://crossroads.invalid/xapi",
                        "name": f"cohort:{COHORT}"}}
        actor = st["actor"]
        assert set(actor) == {"objectType", "account"}
        assert actor["account"]["name"] not in {"ana", "bo", "cy", "di", "eve"}
    assert len({st["actor"]["account"]["name"] for st in items}) == 5
    assert len({st["id"] for st in items}) == len(items)


def test_reflection_text_only_where_its_visibility_allows(five: Five) -> None:
    items = list(statements(five.bank, five.story, COHORT))
    answers = [st for st in items
               if st["object"]["definition"].get("interactionType") == "long-fill-in"]
    texts = [st["result"].get("response") for st in answers]
    # shared under a name: text; private or anonymous: none; skipped: no statement at all
    assert sorted(t for t in texts if t) == sorted([
        "My first week, [b]Sam[/b] knew the shortcut", "<script>alert(1)</script> we waited",
        "waited for Lee", "the day we waited"])
    assert len(answers) == 6  # bo's second prompt was skipped
    dump = json.dumps(items)
    assert "a private story about my manager" not in dump
    assert "an anonymous story" not in dump
    # the anonymous one carries the scene's time, not its own
    cy = next(p for p in five.bank.playthroughs(cohort=COHORT) if p.learner == "cy")
    run = _by_registration(items)[cy.id]
    anon = next(st for st in run if st["object"]["id"].endswith("/prompts/crossing"))
    entered = next(st for st in run if st["object"]["id"].endswith("/scenes/river"))
    assert anon["timestamp"] == entered["timestamp"]


def test_statement_ids_are_stable_across_exports(five: Five) -> None:
    first = list(statements(five.bank, five.story, COHORT))
    again = list(statements(five.bank, five.story, COHORT))
    assert first == again


def test_durations_are_iso_8601() -> None:
    assert duration(1750) == "PT1.75S"
    assert duration(2000) == "PT2S"
    assert duration(0) == "PT0S"
    assert duration(3_725_500) == "PT3725.5S"
    assert duration(None) is None and duration(-5) is None


def test_export_command_writes_json(five: Five, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "statements.json"
    assert main(["export", "xapi", COHORT, "--story", str(STORY_PATH), "--bank",
                 str(five.path), "-o", str(out)]) == 0
    items = json.loads(out.read_text())
    assert Counter(_verbs(items))["completed"] == 5
    assert re.search(r"wrote \d+ statements", capsys.readouterr().out)
    assert main(["export", "xapi", COHORT, "--bank", str(five.path), "--auth", "a:b"]) == 2
    assert "--auth goes with --lrs" in capsys.readouterr().err


def test_every_statement_validates_against_ralphs_models(five: Five) -> None:
    python = ralph_python()
    items = list(statements(five.bank, five.story, COHORT))
    done = subprocess.run([str(python), "-c", VALIDATE], input=json.dumps(items),
                          capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == []
    assert len(items) == 55


def test_ralph_rejects_a_broken_statement(five: Five) -> None:
    # the validator is real: it refuses what xAPI forbids
    python = ralph_python()
    [st] = list(statements(five.bank, five.story, COHORT))[:1]
    broken = [{**st, "actor": {"objectType": "Agent", "name": "no identifier"}},
              {**st, "timestamp": "yesterday"}]
    done = subprocess.run([str(python), "-c", VALIDATE], input=json.dumps(broken),
                          capture_output=True, text=True, timeout=120, check=True)
    assert len(json.loads(done.stdout)) == 2


def test_an_unknown_cohort_is_refused(five: Five) -> None:
    from crossroads.engine.diagnostics import UsageError

    with pytest.raises(UsageError):
        list(statements(five.bank, five.story, "nobody"))


def test_export_to_dash_writes_standard_output(five: Five, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "xapi", COHORT, "--story", str(STORY_PATH), "--bank",
                 str(five.path), "-o", "-"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert Counter(_verbs(items))["completed"] == 5
    assert not (tmp_path / "-").exists()
