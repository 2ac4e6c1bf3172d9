"""The scene-by-scene check reads `assumes:` and a choice's `reflect:`, as `check` does."""

from __future__ import annotations

from crossroads.engine.diagnostics import sort_key
from crossroads.engine.loader import load_text
from crossroads.engine.validate import validate
from crossroads.lsp.document import StoryDocument

STORY = """\
format: crossroads/1
id: t
title: T
meters:
  trust: {label: Trust, start: 50}
start: a
scenes:
  a:
    choices:
      - say: Ask
        to: b
        effects: {trust: +10}
        reflect: {id: after-ask, prompt: "Think of a time you asked. What happened?"}
      - {say: Leave, to: b}
  b:
    assumes: trust >= 50
    ending: {kind: good, title: Done}
"""


def _check(text: str) -> list[str]:
    return [d.format() for d in sorted(validate(load_text(text, "t.yaml")), key=sort_key)]


def _lsp(text: str) -> tuple[list[str], bool]:
    doc = StoryDocument("t.yaml")
    doc.update(STORY)
    analysis = doc.update(text)
    return [d.format() for d in analysis.diagnostics], analysis.incremental


def test_a_broken_assumption_is_reported_as_you_type() -> None:
    edited = STORY.replace("assumes: trust >= 50", "assumes: t rust >= 50")
    expected = _check(edited)
    assert any("CR120" in line for line in expected)
    assert _lsp(edited) == (expected, True)


def test_an_assumption_naming_an_unknown_meter_is_reported() -> None:
    edited = STORY.replace("assumes: trust >= 50", "assumes: trsut >= 50")
    expected = _check(edited)
    assert any("CR121" in line for line in expected)
    assert _lsp(edited) == (expected, True)


def test_an_opinion_prompt_after_a_choice_is_reported() -> None:
    edited = STORY.replace("Think of a time you asked. What happened?", "Should you have asked?")
    expected = _check(edited)
    assert any("CR305" in line for line in expected)
    assert _lsp(edited) == (expected, True)
