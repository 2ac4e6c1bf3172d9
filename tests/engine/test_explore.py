"""State-aware exploration: every diagnostic kind, positions, witnesses, sampling, soundness."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crossroads.engine import load_path, load_text
from crossroads.engine.diagnostics import Diagnostic
from crossroads.engine.explore import DEFAULT_MAX_STATES, deep_check, explore
from crossroads.engine.explore.abstraction import meter_cuts
from crossroads.engine.explore.compiled import compile_story
from crossroads.engine.explore.explorer import Explorer
from crossroads.engine.explore.step import step
from crossroads.engine.runtime import Session
from crossroads.engine.validate import validate
from tests.conftest import FIXTURES, STORIES

BROKEN = FIXTURES / "explore_broken.yaml"
LOOPS = FIXTURES / "explore_loops.yaml"


def _diags(path: Path, max_states: int = DEFAULT_MAX_STATES) -> list[Diagnostic]:
    story = load_path(path)
    assert not [d for d in validate(story) if d.severity == "error"]
    return deep_check(story, max_states=max_states)


def _at(diags: list[Diagnostic], code: str) -> list[tuple[int, int, str]]:
    return sorted((d.line, d.col, d.severity) for d in diags if d.code == code)


def test_impossible_choices_are_errors_at_the_condition_with_a_reason() -> None:
    diags = _diags(BROKEN)
    assert _at(diags, "CR401") == [(42, 13, "error"), (45, 23, "error")]
    by_line = {d.line: d.message for d in diags if d.code == "CR401"}
    assert "trust never reaches 70 here: the most it can be at this scene is 55" in by_line[42]
    assert "flag 'met_wen' is never set" in by_line[45]


def test_unreachable_ending_is_an_error_and_unreached_scene_a_warning() -> None:
    diags = _diags(BROKEN)
    assert _at(diags, "CR402") == [(58, 3, "error")]
    assert _at(diags, "CR403") == [(50, 3, "warning")]
    party = next(d for d in diags if d.code == "CR403")
    assert "middle #0, middle #1" in party.message


def test_every_reachable_ending_has_a_shortest_witness_that_replays() -> None:
    story = load_path(BROKEN)
    witnesses = [d for d in deep_check(story) if d.code == "CR409"]
    assert [(d.data["scene"], d.line, d.col, d.severity) for d in witnesses] == [
        ("home", 62, 3, "info")
    ]
    steps = witnesses[0].data["witness"]
    assert [(s["scene"], s["index"]) for s in steps] == [("start", 0), ("middle", 2)]
    session = Session.replay(story, [s["index"] for s in steps])
    assert session.scene == "home" and session.finished


def test_text_blocks_that_never_or_always_show() -> None:
    diags = [d for d in _diags(BROKEN) if d.code == "CR404"]
    assert [(d.line, d.col) for d in sorted(diags, key=lambda d: d.line)] == [(18, 11), (37, 11)]
    never = next(d for d in diags if d.line == 18)
    always = next(d for d in diags if d.line == 37)
    assert "never shows" in never.message and "trust never reaches 90" in never.message
    assert "always shows" in always.message
    # {if asked}…{else}… can go either way: no finding on line 38
    assert not [d for d in diags if d.line == 38]


def test_reflection_coverage_below_the_story_threshold() -> None:
    diags = [d for d in _diags(BROKEN) if d.code == "CR405"]
    assert len(diags) == 1
    d = diags[0]
    assert (d.line, d.col) == (4, 1)  # at min_reflections
    assert d.data["min_prompts"] == 1 and d.data["longest_run"] == 3
    assert [s["scene"] for s in d.data["witness"]] == ["start", "middle"]


def test_dominant_choice_is_only_the_one_that_is_better_for_the_same_consequence() -> None:
    diags = [d for d in _diags(BROKEN) if d.code == "CR406"]
    assert [(d.line, d.col) for d in diags] == [(27, 9)]
    assert diags[0].data["against"] == [0]  # not "Say nothing": it does not set 'asked'


def test_dominance_makes_no_claim_for_a_set_against_a_change() -> None:
    story = load_text(
        _mini(
            """
  a:
    choices:
      - {say: Reset, to: z, effects: {m: "=50"}}
      - {say: Nudge, to: z, effects: {m: +5}}
  z: {ending: {kind: good, title: End}}
"""
        ),
        "mini.yaml",
    )
    assert not [d for d in deep_check(story) if d.code == "CR406"]


def test_stuck_and_trapped_states_are_errors_with_witnesses() -> None:
    diags = _diags(LOOPS)
    stuck = [d for d in diags if d.code == "CR408"]
    assert sorted((d.data["scene"], d.line) for d in stuck) == [
        ("cellar", 34),
        ("cellar-2", 39),
        ("locked", 47),
    ]
    locked = next(d for d in stuck if d.data["scene"] == "locked")
    assert [(s["scene"], s["index"]) for s in locked.data["witness"]] == [("hub", 4)]
    assert "no choice is available" in locked.message


def test_visit_counts_and_once_choices_are_followed_exactly() -> None:
    story = load_path(LOOPS)
    result = explore(story)
    assert result.exhaustive
    # leaving needs three visits to the hall: both once-only doors first
    keys = [(s.scene, s.index) for s in result.endings["outside"]]
    assert keys == [("hub", 0), ("first", -1), ("hub", 1), ("second", -1), ("hub", 2)]
    assert ("hub", 2) in result.enabled
    assert result.compiled.visit_caps == (4,)


def test_sampling_fallback_says_so_and_downgrades_never_findings() -> None:
    diags = _diags(BROKEN, max_states=3)
    sampled = [d for d in diags if d.code == "CR407"]
    assert len(sampled) == 1 and sampled[0].severity == "warning"
    assert {d.severity for d in diags if d.code in ("CR401", "CR402")} == {"warning"}
    # what sampling finds is still real
    assert any(d.code == "CR409" and d.data["scene"] == "home" for d in diags)


def test_sampling_is_deterministic() -> None:
    story = load_path(STORIES / "first-week.yaml")
    a = explore(story, max_states=5, seed=3)
    b = explore(load_path(STORIES / "first-week.yaml"), max_states=5, seed=3)
    assert not a.exhaustive
    assert a.endings == b.endings and a.enabled == b.enabled and a.blocks == b.blocks


def test_meter_cuts_read_every_comparison_form() -> None:
    from crossroads.engine import expressions as ex

    exact: set[str] = set()
    conds = [ex.parse(s) for s in ("t >= 5", "t > 7", "3 < t", "t == 20", "not (t < 9)")]
    assert meter_cuts(conds, {"t"}, exact) == {"t": {5, 8, 4, 20, 21, 9}}
    assert not exact
    meter_cuts([ex.parse("t + u > 3")], {"t", "u"}, exact)
    assert exact == {"t", "u"}


def _mini(scenes: str, meters: str = "m: {label: M, start: 40}", flags: str = "[]") -> str:
    return (
        "format: crossroads/1\nid: mini\ntitle: Mini\nmin_reflections: 0\n"
        f"meters:\n  {meters}\nflags: {flags}\nstart: a\nscenes:{scenes}"
    )


# ---------------------------------------------------------------------- soundness


def _stories() -> list[Path]:
    return [*sorted(STORIES.glob("*.yaml")), BROKEN, LOOPS]


@pytest.mark.parametrize("path", _stories(), ids=lambda p: p.stem)
def test_reduced_states_offer_exactly_what_the_runtime_offers(path: Path) -> None:
    """Walk the runtime at random; the explorer's reduced state must enable the same options."""
    story = load_path(path)
    if any(d.severity == "error" for d in validate(story)):
        pytest.skip("story has validation errors")
    ex = Explorer(compile_story(story))
    rng = random.Random(path.stem)
    for _ in range(60):
        session = Session.start(story)
        state = ex.c.initial
        for _ in range(200):
            want = [o.index for o in session.options() if o.enabled]
            got = [o.index for o in ex.options(state)[0]]
            assert got == want, (session.scene, session.choices_made)
            if not want:
                break
            index = rng.choice(want)
            opt = next(o for o in ex.options(state)[0] if o.index == index)
            state = step(state, opt)
            session.choose(index)
            assert ex.c.scenes[state[0]].id == session.scene
            if session.finished:
                break


@pytest.mark.parametrize("path", sorted(STORIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_witness_of_every_shipped_story_replays_in_the_runtime(path: Path) -> None:
    story = load_path(path)
    if any(d.severity == "error" for d in validate(story)):
        pytest.skip("story has validation errors")
    result = explore(story)
    for ending, witness in result.endings.items():
        session = Session.replay(story, [s.index for s in witness])
        assert session.scene == ending


def test_blocks_reading_several_flags_are_judged_on_combinations_that_occur() -> None:
    # 'a' and 'b' are each set on some path, but never both: {if a and b} never shows,
    # while {if a or b} can go either way.
    story = load_text(
        _mini(
            """
  a:
    choices:
      - {say: Left, to: c, set: [a]}
      - {say: Right, to: c, set: [b]}
      - {say: Neither, to: c}
  c:
    text: "{if a and b}Both.{end} {if a or b}One.{end}"
    choices:
      - {say: End, to: z}
      - {say: Also end, to: z}
  z: {ending: {kind: good, title: End}}
""",
            flags="[a, b]",
        ),
        "mini.yaml",
    )
    diags = [d for d in deep_check(story) if d.code == "CR404"]
    assert len(diags) == 1 and "{if a and b} never shows" in diags[0].message
