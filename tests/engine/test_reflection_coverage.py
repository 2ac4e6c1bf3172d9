"""CR405 counts every prompt a learner is asked: a scene's, and a choice's own (``choice.reflect``).

A choice's prompt is asked right after the learner takes it, so on a path it counts once, and it
ends the run of steps without a prompt. The coverage functions are checked against brute force
over every path of random small graphs; the checker, on stories whose thinnest path holds a
choice's prompt, through the state graph (acyclic and looping) and the scene graph (when
exploration has to sample).
"""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.engine import load_text
from crossroads.engine.diagnostics import Diagnostic
from crossroads.engine.explore import deep_check
from crossroads.engine.explore.coverage import alive, dag_coverage, reflection_coverage
from crossroads.engine.validate import validate

# ------------------------------------------------------------------ the functions, by brute force

Succ = list[list[tuple[int, int]]]
Graph = tuple[int, Succ, list[int], list[int]]
"""Nodes, each node's (successor, the edge asks) list, reflect per node, ending per node."""


@st.composite
def dags(draw: st.DrawFn) -> Graph:
    """Acyclic graphs like a state graph: every node reachable from 0, endings are the sinks;
    edges may repeat, with and without a prompt."""
    n = draw(st.integers(1, 7))
    succ: Succ = [[] for _ in range(n)]
    for v in range(1, n):
        succ[draw(st.integers(0, v - 1))].append((v, draw(st.integers(0, 1))))
    for u in range(n - 1):
        succ[u] += draw(st.lists(st.tuples(st.integers(u + 1, n - 1), st.integers(0, 1)),
                                 max_size=2))
    reflect = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    ending = [0 if succ[u] else 1 for u in range(n)]
    return n, succ, reflect, ending


def _compressed(n: int, succ: Succ) -> tuple[list[int], list[int], list[int]]:
    edges: list[int] = []
    asks: list[int] = []
    offsets = [0]
    for u in range(n):
        for v, a in succ[u]:
            edges.append(v)
            asks.append(a)
        offsets.append(len(edges))
    return edges, asks, offsets


def _walks(u: int, succ: Succ, ending: list[int]) -> Iterator[list[tuple[int, int]]]:
    """Every path from ``u`` to an ending, as (edge asks, target) steps (an ending stops it)."""
    if ending[u]:
        yield []
    else:
        for v, a in succ[u]:
            for rest in _walks(v, succ, ending):
                yield [(a, v), *rest]


def _brute(graph: Graph) -> tuple[int | None, int | None]:
    """(fewest prompts on a path to an ending, longest run of steps without one)."""
    _n, succ, reflect, ending = graph
    fewest: int | None = None
    longest: int | None = None
    for walk in _walks(0, succ, ending):
        prompts, run, worst = reflect[0], 0, 0
        for asks, v in walk:
            run += 1
            prompts += asks + reflect[v]
            if asks or reflect[v]:
                worst, run = max(worst, run), 0
        worst = max(worst, run)
        fewest = prompts if fewest is None else min(fewest, prompts)
        longest = worst if longest is None else max(longest, worst)
    return fewest, longest


@settings(max_examples=300, deadline=None)
@given(dags())
def test_both_algorithms_agree_with_every_path(graph: Graph) -> None:
    n, succ, reflect, ending = graph
    edges, asks, offsets = _compressed(n, succ)
    fewest, longest = _brute(graph)
    order = list(range(n))  # 0..n-1 is a topological order: edges go forward
    dag, _live = dag_coverage(n, edges, offsets, order, reflect, ending, "states", asks)
    live = alive(n, edges, offsets, ending)
    general = reflection_coverage(n, edges, offsets, reflect, ending, live, "states",
                                  edge_reflect=asks)
    for cov in (dag, general):
        assert cov.min_prompts == fewest
        if fewest is not None:
            assert cov.longest_run == longest
            path = cov.min_path
            assert path[0] == 0 and ending[path[-1]]
    # without prompts on edges, the old 0-1 search gives what it always gave
    plain = reflection_coverage(n, edges, offsets, reflect, ending, live, "states")
    assert plain.min_prompts == _brute((n, [[(v, 0) for v, _a in s] for s in succ],
                                        reflect, ending))[0]


def test_a_loop_whose_only_prompt_is_a_choices_is_bounded() -> None:
    # 0 → 1 → 0 (the step back asks), 1 → 2 (an ending)
    edges, asks, offsets = [1, 0, 2], [0, 1, 0], [0, 1, 3, 3]
    reflect, ending = [0, 0, 0], [0, 0, 1]
    live = alive(3, edges, offsets, ending)
    cov = reflection_coverage(3, edges, offsets, reflect, ending, live, "states",
                              edge_reflect=asks)
    assert (cov.min_prompts, cov.longest_run) == (0, 2)
    silent = reflection_coverage(3, edges, offsets, reflect, ending, live, "states",
                                 edge_reflect=[0, 0, 0])
    assert silent.longest_run is None  # a loop without a prompt: unbounded


# ------------------------------------------------------------------ the checker, on stories

STORY = """\
format: crossroads/1
id: choice-prompts
title: Prompts after a choice
min_reflections: 2
cast:
  kim: {name: Kim, role: team lead}
pov: kim
meters:
  trust: {label: Trust, start: 40}
start: start
scenes:
  start:
    text: Monday.
    reflect: {id: r-start, prompt: "Think of a time you started. What happened?"}
    choices:
      - id: ask
        say: Ask what is wrong
        to: middle
        effects: {trust: +5}
        reflect: {id: r-ask, prompt: "Remember a time you asked. What happened next?"}
      - id: tell
        say: Tell them to cheer up
        to: middle
        effects: {trust: -5}
        reflect: {id: r-tell, prompt: "Remember telling someone to cheer up. What happened?"}
  middle:
    text: Tuesday.
    choices:
LOOP      - id: on
        say: Go on
        to: end
  end:
    text: Done.
    ending: {kind: good, title: The end}
"""


#: The way back to Monday that makes the story loop, until trust is high enough.
AGAIN = """\
      - id: again
        say: Go back to Monday
        to: start
        if: trust < 60
"""
ACYCLIC = STORY.replace("LOOP", "")
LOOPING = STORY.replace("LOOP", AGAIN)


def _cr405(text: str, max_states: int = 200_000) -> list[Diagnostic]:
    story = load_text(text, "choice-prompts.yaml")
    assert not [d for d in validate(story) if d.severity == "error"]
    return [d for d in deep_check(story, max_states=max_states) if d.code == "CR405"]


def test_a_choices_prompt_counts_toward_min_reflections() -> None:
    assert _cr405(ACYCLIC) == []
    without = ACYCLIC.replace(
        '        reflect: {id: r-tell, prompt: "Remember telling someone to cheer up. '
        'What happened?"}\n', "")
    (d,) = _cr405(without)
    assert d.data["min_prompts"] == 1
    assert [s["key"] for s in d.data["witness"]][:1] == ["tell"]


def test_in_a_looping_story_too() -> None:
    looping = LOOPING
    assert _cr405(looping) == []
    (d,) = _cr405(looping.replace("min_reflections: 2", "min_reflections: 3"))
    assert d.data["min_prompts"] == 2 and d.data["basis"] == "states"


def test_on_the_scene_graph_when_exploration_samples() -> None:
    looping = LOOPING
    assert _cr405(looping, max_states=2) == []
    (d,) = _cr405(looping.replace("min_reflections: 2", "min_reflections: 3"), max_states=2)
    assert d.data["min_prompts"] == 2 and d.data["basis"] == "scenes"


def test_the_witness_takes_the_choice_without_a_prompt() -> None:
    # both choices lead to the same state; only one asks
    same = ACYCLIC.replace("{trust: -5}", "{trust: +5}").replace(
        "min_reflections: 2", "min_reflections: 3")
    same = same.replace(
        '        reflect: {id: r-tell, prompt: "Remember telling someone to cheer up. '
        'What happened?"}\n', "")
    (d,) = _cr405(same)
    assert d.data["min_prompts"] == 1
    assert d.data["witness"][0]["key"] == "tell"
