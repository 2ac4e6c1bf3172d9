"""Story statistics (routes counted on the condensation) and graph export."""

from __future__ import annotations

import networkx as nx

from crossroads.engine import load_path, load_text
from crossroads.engine.graphviz import to_dot, to_mermaid
from crossroads.engine.stats import count_paths, story_stats, words
from tests.conftest import FIXTURES, STORIES


def test_count_paths_on_a_small_known_graph() -> None:
    # s → a → c → e, s → b → c, and a loop c ⇄ d: 2 routes, loop collapsed
    g = nx.DiGraph([("s", "a"), ("s", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "c"),
                    ("c", "e"), ("s", "f")])
    paths, cyclic = count_paths(g, "s", ["e", "f"])
    assert paths == {"e": 2, "f": 1} and cyclic
    # parallel choices are separate routes
    paths, _ = count_paths(g, "s", ["e"], weight={("s", "a"): 3})
    assert paths == {"e": 4}
    acyclic = nx.DiGraph([("s", "a"), ("a", "e")])
    assert count_paths(acyclic, "s", ["e"]) == ({"e": 1}, False)


def test_count_paths_does_not_enumerate() -> None:
    # 60 diamonds in a row: 2**60 routes, counted instantly
    g = nx.DiGraph()
    for i in range(60):
        g.add_edges_from([(i, ("l", i)), (i, ("r", i)), (("l", i), i + 1), (("r", i), i + 1)])
    assert count_paths(g, 0, [60])[0] == {60: 2**60}


def test_story_stats_of_the_example_story() -> None:
    stats = story_stats(load_path(STORIES / "first-week.yaml"))
    assert (stats.scenes, stats.choices, stats.reflections) == (13, 19, 3)
    assert stats.endings == {
        "good": ["carried"],
        "mixed": ["unanswered", "in-writing", "mixed"],
        "hard": ["distant"],
    }
    # 6 routes to Thursday (calendar ×2, leads → dana-invite ×1 or listening ×2, email ×1),
    # × 2 ways to accept × 3 answers to Dana: 36 to Friday, and every ending hangs off Friday
    # (routes are counted on the graph; conditions are not evaluated)
    endings = ["carried", "unanswered", "in-writing", "mixed", "distant"]
    assert stats.paths == dict.fromkeys(endings, 36)
    assert not stats.cyclic
    m = stats.reading_minutes
    assert 0 < m["shortest"] <= m["average"] <= m["longest"]


def test_stats_say_when_routes_are_counted_with_loops_collapsed() -> None:
    stats = story_stats(load_path(FIXTURES / "explore_loops.yaml"))
    assert stats.cyclic and stats.to_json()["paths_counted_on"] == "condensation"


def test_words_ignore_markup() -> None:
    assert words("{if trust >= 5}Hello there{else}Go{end} {trust} people") == 4


def test_mermaid_marks_endings_reflections_and_views() -> None:
    text = to_mermaid(load_path(FIXTURES / "explore_broken.yaml"))
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  s0(["start<br/>Monday<br/>reflection"])' in lines
    assert '  s1["middle<br/>Tuesday<br/>as Ola"]' in lines
    assert '  s4[["good-end<br/>Together<br/>good ending"]]' in lines
    assert '  s2 -.->|"Continue"| s4' in lines
    assert "  class s4 good" in lines and "  class s5 mixed" in lines
    assert "  class s0 start" in lines


def test_dot_escapes_author_text() -> None:
    story = load_text(
        'format: crossroads/1\nid: q\ntitle: \'Say "hi" \\ go\'\nstart: a\nscenes:\n'
        '  a:\n    title: \'The "door"\'\n    choices:\n      - {say: \'Open "it"\', to: b}\n'
        "      - {say: Wait, to: b}\n"
        "  b: {ending: {kind: hard, title: End}}\n",
        "q.yaml",
    )
    dot = to_dot(story)
    assert 'label="Say \\"hi\\" \\\\ go";' in dot
    assert '"a" [label="a\\nThe \\"door\\"", penwidth=2];' in dot
    assert '"a" -> "b" [label="Open \\"it\\""];' in dot
    assert '"b" [label="b\\nhard ending", fillcolor="#f8c8c8", shape=octagon];' in dot
