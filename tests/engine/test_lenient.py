"""Stories with errors in their scene graph: found, drawn with the problems marked, measured and
played as they are (``graph``, ``stats`` and ``playtest`` work on them)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from crossroads.engine import load_path, load_text
from crossroads.engine.diagnostics import StoryError
from crossroads.engine.explore.playtest import playtest
from crossroads.engine.graphviz import to_dot, to_mermaid, to_svg
from crossroads.engine.lenient import blocking_errors, graph_problems, load_lenient, playable
from crossroads.engine.runtime import Session
from crossroads.engine.stats import story_stats
from tests.conftest import FIXTURES, STORIES

GAPS = FIXTURES / "gaps.yaml"


def test_graph_problems_finds_missing_unreachable_and_dead_ends() -> None:
    problems = graph_problems(load_path(GAPS))
    assert problems.missing == {"attic": ["hall"], "well": ["cellar"]}
    assert problems.unreachable == {"cellar"}
    assert problems.dead_ends == {"shed"}
    assert not graph_problems(load_path(STORIES / "first-week.yaml"))


def test_a_missing_start_is_missing_and_leaves_every_scene_unreachable() -> None:
    story = load_text(
        "format: crossroads/1\nid: s\ntitle: S\nstart: nope\nscenes:\n"
        "  a:\n    text: A.\n    ending: {kind: good, title: A}\n",
        "s.yaml",
    )
    problems = graph_problems(story)
    assert problems.missing == {"nope": [""]} and problems.unreachable == {"a"}
    lines = to_mermaid(story).splitlines()
    assert '  m0["missing: nope #40;start#41;"]' in lines and "  class m0 start" in lines
    assert '"missing: nope" [label="missing: nope (start)"' in to_dot(story)


def test_load_lenient_keeps_the_story_and_sorts_its_errors() -> None:
    report = load_lenient(GAPS)
    assert report.story is not None
    assert sorted(d.code for d in report.diagnostics if d.severity == "error") == [
        "CR201", "CR201", "CR203", "CR204"
    ]
    assert blocking_errors(report) == []  # all about the graph's shape: stats/playtest can run
    bad = load_lenient(FIXTURES / "check" / "bad-expr.yaml")
    assert {d.code for d in blocking_errors(bad)} == {"CR121", "CR123", "CR124"}


def test_load_lenient_refuses_what_cannot_be_loaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: crossroads/1\nid: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_lenient(broken)
    assert caught.value.diagnostics and str(broken) in caught.value.lines()[0]


def test_playable_copy_never_offers_a_choice_to_a_missing_scene() -> None:
    story = load_path(GAPS)
    copy = playable(story)
    assert copy is not story and story.scenes["hall"].choices[0].to == "attic"  # untouched
    assert copy.scenes["cellar"].next is None
    assert [c.say for c in copy.scenes["hall"].choices] == ["Up the stairs", "Out the door"]
    assert copy.source is story.source and copy.derived is not story.derived
    s = Session.start(copy)
    assert [o.index for o in s.options()] == [1]  # indices unchanged: the dangling #0 is hidden
    assert playable(load_path(STORIES / "first-week.yaml")).id == "first-week"


def test_playtest_and_stats_run_on_a_story_with_graph_errors() -> None:
    story = load_path(GAPS)
    report = playtest(playable(story), 200, seed=1)
    assert report.outcomes["ending"] + report.outcomes["stuck"] == 200
    assert report.outcomes["stuck"] > 0 and report.endings["gate"] > 0  # the shed is a dead end
    assert report.never_reached() == ["cellar"]
    assert report.never_taken() == [("hall", 0)]
    stats = story_stats(story)
    assert stats.scenes == 5 and stats.paths == {"gate": 1} and not stats.cyclic


def test_dot_marks_missing_unreachable_and_dead_end_scenes() -> None:
    dot = to_dot(load_path(GAPS))
    assert '"missing: attic" [label="missing: attic", style=dashed, color="#c62828"' in dot
    assert '"hall" -> "missing: attic" [label="Up the stairs", style=dashed, color="#c62828"' in dot
    assert '"cellar" -> "missing: well" [label="Continue", style=dashed' in dot
    assert ('"cellar" [label="cellar\\nunreachable", fillcolor="#eeeeee", '
            'style="rounded,filled,dashed"') in dot
    assert '"shed" [label="shed\\ndead end", color="#c62828", penwidth=2];' in dot
    assert "missing" not in to_dot(load_path(STORIES / "first-week.yaml"))


def test_mermaid_marks_missing_unreachable_and_dead_end_scenes() -> None:
    lines = to_mermaid(load_path(GAPS)).splitlines()
    assert '  m0["missing: attic"]' in lines and '  m1["missing: well"]' in lines
    assert '  s4["cellar<br/>unreachable"]' in lines and '  s2["shed<br/>dead end"]' in lines
    assert '  s0 -.->|"Up the stairs"| m0' in lines and '  s4 -.->|"Continue"| m1' in lines
    assert "  class m0 missing" in lines and "  class s4 unreachable" in lines
    assert "  class s2 deadend" in lines
    edges = [line for line in lines if "-->" in line or "-.->" in line]
    broken = [str(k) for k, line in enumerate(edges) if "| m" in line]
    assert f"  linkStyle {','.join(broken)} stroke:#c62828,stroke-dasharray:5 5" in lines
    valid = to_mermaid(load_path(STORIES / "first-week.yaml"))
    assert "missing" not in valid and "unreachable" not in valid and "linkStyle" not in valid


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_svg_through_real_graphviz_shows_the_marks() -> None:
    svg = to_svg(load_path(GAPS))
    assert "missing: attic" in svg and "unreachable" in svg and "dead end" in svg
    assert "#c62828" in svg
    subprocess.run(["dot", "-V"], check=True, capture_output=True)
