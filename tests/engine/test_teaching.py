"""What a story teaches (issue 15): strategies that always win, assumptions, shared worlds,
reflection after a choice, notes for people — on stories written for the purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crossroads.engine.check import check_paths, check_story_file
from crossroads.engine.diagnostics import Diagnostic, StoryError
from crossroads.engine.explore import deep_check
from crossroads.engine.loader import load_path
from crossroads.engine.paths import stories_dir
from crossroads.engine.runtime import Session
from crossroads.engine.validate import validate
from crossroads.engine.worlds import world_dirs
from tests.conftest import FIXTURES

TEACH = FIXTURES / "teach"


def _deep(name: str) -> list[Diagnostic]:
    report = check_story_file(TEACH / name, deep_check)
    return [d for d in report.diagnostics if d.code != "CR409"]


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _steps(diag: Diagnostic) -> list[str]:
    return [step["say"] for step in diag.data["witness"]]


# ---------------------------------------------------------------------- policies
def test_a_stance_that_always_wins_is_flagged_with_its_path() -> None:
    [diag] = _deep("stance-wins.yaml")
    assert (diag.code, diag.severity) == ("CR412", "warning")
    assert diag.line == _line_of(TEACH / "stance-wins.yaml", "  ask: asks")
    assert diag.data["policy"] == "ask" and diag.data["endings"] == ["good-end"]
    assert _steps(diag) == ["Ask what is wrong", "Ask what would help"]
    assert "Ask what is wrong → Ask what would help" in diag.message


def test_a_greedy_policy_that_always_wins_is_flagged_with_its_path() -> None:
    [diag] = _deep("greedy-wins.yaml")
    assert (diag.code, diag.severity) == ("CR413", "warning")
    assert diag.line == _line_of(TEACH / "greedy-wins.yaml", "meters:")
    assert _steps(diag) == ["Help now", "Check in"]


def test_a_balanced_story_stays_quiet() -> None:
    assert _deep("balanced.yaml") == []


def test_balance_best_changes_what_counts_as_winning(tmp_path: Path) -> None:
    text = (TEACH / "stance-wins.yaml").read_text()
    story = tmp_path / "s.yaml"
    # with the mixed ending also best, "ask" still wins ("tell" can still end hard)
    story.write_text(text.replace("start: meet", "balance: {best: [good-end, mixed-end]}\n"
                                  "start: meet"))
    found = [d for d in check_story_file(story, deep_check).diagnostics if d.code == "CR412"]
    assert [d.data["policy"] for d in found] == ["ask"]
    assert found[0].data["endings"] == ["good-end"]
    story.write_text(text.replace("start: meet", "balance: {best: [hard-end]}\nstart: meet"))
    found = [d for d in check_story_file(story, deep_check).diagnostics if d.code == "CR412"]
    assert [(d.data["policy"], d.data["endings"]) for d in found] == [("tell", ["hard-end"])]


# ---------------------------------------------------------------------- assumptions
def test_an_assumption_that_holds_on_every_path_is_proved() -> None:
    assert _deep("assumes-proved.yaml") == []


def test_a_broken_assumption_is_an_error_at_its_line_with_a_counterexample() -> None:
    [diag] = _deep("assumes-broken.yaml")
    assert (diag.code, diag.severity) == ("CR414", "error")
    assert diag.line == _line_of(TEACH / "assumes-broken.yaml", "assumes:")
    assert _steps(diag) == ["Send an email instead"]
    # the counterexample really breaks it: replayed, the learner is at 'steady' without it
    story = load_path(TEACH / "assumes-broken.yaml")
    s = Session.replay(story, [step["index"] for step in diag.data["witness"]])
    assert s.scene == "steady" and "dana_spoke" not in s.flags


# ---------------------------------------------------------------------- worlds
def test_cast_and_facts_come_from_the_shared_world_file() -> None:
    story = load_path(TEACH / "seen-by-akira.yaml")
    assert story.world == "northwind"
    assert set(story.cast) == {"dana", "akira"} and story.cast["dana"].role == "analyst in Pricing"
    assert story.places["pricing"].name == "Pricing"
    assert story.world_source is not None
    assert story.world_source.file.endswith("northwind.yaml")
    text = Session.start(story).passage()
    assert text == ("On the first Monday of March, Akira meets Dana, who built the "
                    "price-elasticity models.")


def test_paired_stories_sharing_a_world_check_clean() -> None:
    reports = check_paths([TEACH / "seen-by-akira.yaml", TEACH / "seen-by-dana.yaml"])
    assert [d.format() for r in reports for d in r.diagnostics] == []


def test_a_contradiction_between_paired_casts_is_reported_at_the_right_line() -> None:
    folder = TEACH / "contradiction"
    reports = {r.path.name: r for r in check_paths([folder])}
    [diag] = reports["two.yaml"].diagnostics
    assert diag.code == "CR423" and diag.severity == "error"
    assert diag.line == _line_of(folder / "two.yaml", "name: Dana Reyes-Holt")
    assert f"{folder / 'one.yaml'}:{_line_of(folder / 'one.yaml', 'name: Dana')}" in diag.message
    [mine] = reports["one.yaml"].diagnostics
    assert mine.line == _line_of(folder / "one.yaml", "name: Dana")


def _world_copy(tmp_path: Path) -> Path:
    shutil.copytree(TEACH / "worlds", tmp_path / "worlds")
    for name in ("seen-by-akira.yaml", "seen-by-dana.yaml"):
        shutil.copy(TEACH / name, tmp_path / name)
    return tmp_path


def test_a_story_may_not_redefine_the_worlds_cast(tmp_path: Path) -> None:
    folder = _world_copy(tmp_path)
    story = folder / "seen-by-akira.yaml"
    story.write_text(story.read_text().replace(
        "pov: akira\n", "pov: akira\ncast:\n  dana: {name: Dana Smith}\n  sam: {name: Sam}\n"))
    with pytest.raises(StoryError) as err:
        load_path(story)
    [diag] = err.value.diagnostics
    assert diag.code == "CR421" and diag.file == str(story)
    assert diag.line == _line_of(story, "dana: {name: Dana Smith}")
    world = folder / "worlds" / "northwind.yaml"
    assert f"{world}:{_line_of(world, '  dana:')}" in diag.message


def test_errors_in_a_world_file_point_into_it(tmp_path: Path) -> None:
    folder = _world_copy(tmp_path)
    world = folder / "worlds" / "northwind.yaml"
    world.write_text(world.read_text().replace("    role: manager of eighty",
                                               "    rolle: manager of eighty"))
    report = check_story_file(folder / "seen-by-akira.yaml")
    [diag] = report.diagnostics
    assert (diag.code, diag.file) == ("CR110", str(world))
    assert diag.line == _line_of(world, "rolle:")


def test_a_missing_world_and_a_pairing_across_worlds_are_errors(tmp_path: Path) -> None:
    folder = _world_copy(tmp_path)
    akira = folder / "seen-by-akira.yaml"
    akira.write_text(akira.read_text().replace("world: northwind", "world: southwind"))
    [diag] = check_story_file(akira).diagnostics
    assert diag.code == "CR420" and diag.line == _line_of(akira, "world: southwind")
    shutil.copy(folder / "worlds" / "northwind.yaml", folder / "worlds" / "southwind.yaml")
    south = folder / "worlds" / "southwind.yaml"
    south.write_text(south.read_text().replace("id: northwind", "id: southwind"))
    reports = {r.path.name: r for r in check_paths([folder])}
    [diag] = reports["seen-by-akira.yaml"].diagnostics
    assert diag.code == "CR422" and diag.line == _line_of(akira, "pairs_with:")


def test_world_files_are_not_checked_as_stories() -> None:
    reports = check_paths([TEACH])
    assert not [r for r in reports if r.path.parent.name == "worlds"]


def test_worlds_are_also_found_among_the_shipped_stories(tmp_path: Path) -> None:
    assert world_dirs(tmp_path / "s.yaml") == [tmp_path / "worlds", stories_dir() / "worlds"]


# ---------------------------------------------------------------------- the format's checks
def _problems(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return sorted((d.code, d.line) for d in validate(load_path(path)) if d.severity == "error")


def test_unknown_stances_endings_prompts_and_facts_are_errors(tmp_path: Path) -> None:
    text = (TEACH / "facilitated.yaml").read_text()
    text = text.replace("      - {say: Walk on, to: gone}",
                        "      - {say: Walk on, to: gone, stance: shrug}")
    text = text.replace("start: meet", "balance: {best: [meet]}\nstart: meet")
    text = text.replace("    after-ask:", "    after-asking:")
    text = text.replace("Sam looks worried.", "Sam looks worried about {fact.layoffs}.")
    got = _problems(tmp_path, text)
    lines = (tmp_path / "s.yaml").read_text().splitlines()

    def at(snippet: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if snippet in line)

    assert got == sorted([("CR410", at("stance: shrug")), ("CR411", at("balance:")),
                          ("CR416", at("after-asking:")), ("CR424", at("{fact.layoffs}"))])


# ---------------------------------------------------------------------- reflection after a choice
def test_a_choice_asks_its_own_prompt_after_it_and_before_the_next_scene() -> None:
    s = Session.start(load_path(TEACH / "facilitated.yaml"))
    assert s.choice_prompt is None and s.prompt is None
    s.choose(0)
    assert s.choice_prompt is not None and s.choice_prompt.id == "after-ask"
    event = s.reflect("I asked once.")
    assert (event["prompt"], event["scene"], event["choice"]) == ("after-ask", "meet", "#0")
    assert s.choice_prompt is None
    assert s.prompt is not None and s.prompt.id == "at-end"  # then the scene's own
    assert not s.answered_here("reflection") and not s.answered_at_scene("reflection")
    s.reflect(None)
    assert s.answered_at_scene("reflection")
    again = Session.loads(s.story, s.dumps())
    assert again.choice_prompt is None and again.answered_at_scene("reflection")


def test_a_choice_prompt_restored_without_its_marker_is_not_asked_again() -> None:
    """The story bank keeps a reflection's prompt id and scene, not which choice asked it."""
    s = Session.start(load_path(TEACH / "facilitated.yaml"))
    s.choose(0)
    s.reflect("I asked once.")
    del s.events[-1]["choice"]
    assert s.choice_prompt is None
    assert s.prompt is not None and s.prompt.id == "at-end"
