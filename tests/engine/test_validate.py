"""Structural checks report every problem at the right line and column."""

from __future__ import annotations

from crossroads.engine.check import check_paths, check_story_file
from crossroads.engine.loader import load_text
from crossroads.engine.validate import is_opinion_prompt, validate
from tests.conftest import FIXTURES, STORIES

CHECK = FIXTURES / "check"


def found(name: str) -> set[tuple[str, int, int]]:
    report = check_story_file(CHECK / name)
    return {(d.code, d.line, d.col) for d in report.diagnostics}


def test_valid_fixture_is_clean() -> None:
    assert check_story_file(CHECK / "valid.yaml").diagnostics == []


def test_shipped_stories_have_no_errors() -> None:
    reports = check_paths([STORIES])
    assert reports
    for report in reports:
        assert report.errors == 0, [d.format() for d in report.diagnostics]


def test_broken_links_and_graph_problems() -> None:
    got = found("broken-links.yaml")
    assert ("CR201", 13, 13) in got  # to: twoo
    assert ("CR203", 24, 3) in got  # orphan is unreachable
    assert ("CR203", 27, 3) in got  # stuck is unreachable
    assert ("CR204", 27, 3) in got  # stuck is a dead end
    assert ("CR205", 9, 3) in got  # one: the only ways on lead nowhere
    assert ("CR205", 18, 3) in got  # loop-a: no ending reachable
    assert ("CR205", 21, 3) in got  # loop-b
    assert ("CR206", 30, 5) in got  # ending with choices
    assert ("CR302", 5, 3) in got  # meter trust never changed


def test_expression_errors_inside_text_blocks_and_conditions() -> None:
    got = found("bad-expr.yaml")
    # '{if trust >= 10 and}' on the second line of the literal block: the error is at '}'
    assert ("CR123", 12, 38) in got
    # 'nonsense' inside the condition on line 16
    assert ("CR121", 16, 29) in got
    # visited("nowhere"): the scene name inside the call
    assert ("CR124", 20, 21) in got


def test_no_ending_and_missing_start() -> None:
    story = load_text(
        "format: crossroads/1\nid: x\ntitle: X\nstart: nowhere\nscenes:\n  a:\n    next: a\n",
        "x.yaml",
    )
    got = {(d.code, d.line, d.col) for d in validate(story)}
    assert ("CR202", 4, 8) in got
    assert ("CR208", 5, 1) in got


def test_duplicate_ids_and_undeclared_names() -> None:
    text = """\
format: crossroads/1
id: x
title: X
meters:
  trust: {label: T}
flags: [f, f]
cast:
  a: {name: A}
pov: b
start: s
scenes:
  s:
    text: Hi {cast.a.nick} and {cast.z.name}
    reflect: {id: r, prompt: "Think of a time you were heard. What happened?"}
    choices:
      - {say: one, to: e, id: c1, effects: {trsut: +1}, set: [g]}
      - {say: two, to: e, id: c1, clear: [f]}
  e:
    reflect: {id: r, prompt: "What should the manager have done?"}
    ending: {kind: good, title: "{trust}"}
"""
    diags = validate(load_text(text, "x.yaml"))
    got = {(d.code, d.line, d.col) for d in diags}
    assert ("CR207", 6, 12) in got  # flag declared twice
    assert ("CR126", 9, 6) in got  # pov not in cast
    assert ("CR126", 13, 15) in got  # cast field 'nick'
    assert ("CR126", 13, 33) in got  # cast member 'z'
    assert ("CR125", 16, 45) in got  # effects on an undeclared meter
    assert ("CR125", 16, 63) in got  # set an undeclared flag
    assert ("CR207", 17, 31) in got  # duplicate choice id
    assert ("CR207", 19, 19) in got  # duplicate reflection id
    assert ("CR305", 19, 30) in got  # opinion prompt
    assert all(d.hint for d in diags)


def test_opinion_prompt_heuristic() -> None:
    assert is_opinion_prompt("What should Akira do about the calendar?")
    assert is_opinion_prompt("Do you agree with the decision?")
    assert not is_opinion_prompt("Think of a time someone should have listened. What happened?")
    assert not is_opinion_prompt("When did someone far above you make you feel heard?")


def test_single_choice_warning_and_unused_flag() -> None:
    text = """\
format: crossroads/1
id: x
title: X
flags: [never_set]
start: s
scenes:
  s:
    choices:
      - {say: only, to: e}
  e:
    ending: {kind: good, title: E}
"""
    got = {(d.code, d.severity, d.line) for d in validate(load_text(text, "x.yaml"))}
    assert ("CR301", "warning", 8) in got
    assert ("CR303", "warning", 4) in got


def test_every_diagnostic_has_a_position_and_known_code() -> None:
    from crossroads.engine.diagnostics import CODES

    for name in ("broken-links.yaml", "bad-expr.yaml"):
        for d in check_story_file(CHECK / name).diagnostics:
            assert d.code in CODES
            assert d.line >= 1 and d.col >= 1
            assert d.file.endswith(name)
            assert d.hint, f"{d.code} has no hint on how to fix it"


def test_trapped_scenes_say_whether_they_are_in_a_loop() -> None:
    diags = check_story_file(CHECK / "broken-links.yaml").diagnostics
    why = {d.line: d.message for d in diags if d.code == "CR205"}
    assert "a loop with no way out" in why[18]  # loop-a
    assert "a loop with no way out" in why[21]  # loop-b
    assert "leads nowhere" in why[9]  # one: its ways on are a missing scene and the loop
