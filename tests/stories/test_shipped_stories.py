"""Every shipped story: loads clean, plays to each of its endings, and keeps learners reflecting.

Parametrised over ``stories/*.yaml``, so a new story is covered as soon as it is added. Witness
paths to the endings are found by breadth-first search over runtime states (never written by
hand); reflection coverage is a shortest-path computation over the scene graph.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest

from crossroads.engine.check import check_paths, check_story_file
from crossroads.engine.expressions import names as expr_names
from crossroads.engine.expressions import parse, scene_refs
from crossroads.engine.loader import load_path
from crossroads.engine.model import Reflect, Story
from crossroads.engine.runtime import Session
from tests.conftest import STORIES

STORY_FILES = sorted(STORIES.glob("*.yaml"))
IDS = [p.stem for p in STORY_FILES]

#: The scenario library of issue 4: story id → (fewest scenes, fewest endings).
LIBRARY = {
    "fifteen-to-eighty": (30, 4),
    "one-of-the-eighty": (30, 4),
    "lead-in-the-middle": (30, 4),
    "break-room": (15, 4),
    "the-launch-date": (30, 4),
}
RESTRUCTURING = {"fifteen-to-eighty", "one-of-the-eighty", "lead-in-the-middle"}
#: Bound on the runtime states one breadth-first search may visit.
MAX_STATES = 1_000_000
#: Seeded random playthroughs tried before the exhaustive search, and their length limit.
WALKS = 2_000
MAX_WALK = 500

#: Words by which a reflection prompt asks for an experience ("Think of a time… What happened?").
EXPERIENCE_CUES = (
    "think of",
    "remember",
    "recall",
    "a time",
    "when did",
    "when have",
    "what happened",
)

StateKey = tuple[object, ...]


def _load(path: Path) -> Story:
    return load_path(path)


def _condition_reads(story: Story) -> tuple[frozenset[str], frozenset[str]]:
    """The names (meters, flags) and the scenes (visit counts) that choice conditions read.

    Only these decide which choices are offered; text variations never do. Two states that agree
    on them (and on scene and spent ``once`` choices) have the same futures, so the search keeps
    one of them.
    """
    names: set[str] = set()
    scenes: set[str] = set()
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.if_ is not None:
                node = parse(choice.if_)
                names |= expr_names(node)
                scenes |= scene_refs(node)
    return frozenset(names), frozenset(scenes)


def _key(s: Session, names: frozenset[str], scenes: frozenset[str]) -> StateKey:
    return (
        s.scene,
        tuple(sorted((k, v) for k, v in s.meters.items() if k in names)),
        frozenset(s.flags & names),
        tuple(sorted((k, v) for k, v in s.visits.items() if k in scenes)),
        frozenset(s.taken_once),
    )


def _successor(s: Session, index: int) -> Session:
    """A copy of ``s`` after taking option ``index``, through the runtime's own ``choose``."""
    nxt = Session(
        story=s.story,
        learner=s.learner,
        scene=s.scene,
        meters=dict(s.meters),
        flags=set(s.flags),
        visits=dict(s.visits),
        taken_once=set(s.taken_once),
    )
    nxt.choose(index)
    return nxt


def bfs_witnesses(story: Story, wanted: set[str]) -> dict[str, list[int]]:
    """Breadth-first search over runtime states: the shortest choice list reaching each wanted
    ending (exhaustive up to :data:`MAX_STATES`, so an ending it misses is unreachable)."""
    names, scenes = _condition_reads(story)
    start = Session.start(story)
    queue: deque[tuple[Session, list[int]]] = deque([(start, [])])
    seen = {_key(start, names, scenes)}
    found: dict[str, list[int]] = {}
    while queue and not wanted <= set(found):
        session, path = queue.popleft()
        if session.finished:
            found.setdefault(session.scene, path)
            continue
        for option in session.options():
            if not option.enabled:
                continue
            nxt = _successor(session, option.index)
            key = _key(nxt, names, scenes)
            if key in seen:
                continue
            seen.add(key)
            assert len(seen) <= MAX_STATES, f"{story.id}: state space beyond {MAX_STATES}"
            queue.append((nxt, [*path, option.index]))
    return {e: p for e, p in found.items() if e in wanted}


def witness_paths(story: Story, walks: int = WALKS, seed: int = 4) -> dict[str, list[int]]:
    """A choice list reaching each ending, found by search.

    Seeded random playthroughs through the runtime find most endings in milliseconds; whatever
    they miss is left to the exhaustive breadth-first search of :func:`bfs_witnesses`.
    """
    endings = {sid for sid, scene in story.scenes.items() if scene.ending is not None}
    rng = random.Random(seed)
    found: dict[str, list[int]] = {}
    for _ in range(walks):
        session = Session.start(story)
        choices = session.random_walk(rng, max_steps=MAX_WALK)
        if session.finished:
            found.setdefault(session.scene, choices)
        if set(found) == endings:
            return found
    found.update(bfs_witnesses(story, endings - set(found)))
    return found


def _steps(story: Story, sid: str) -> Iterator[tuple[str, int]]:
    """The scenes one step from ``sid``, each with 1 if that step asks a prompt of its own (a
    choice's ``reflect:``) and 0 otherwise; the cheapest step to a scene wins."""
    cheapest: dict[str, int] = {}
    scene = story.scenes[sid]
    for choice in scene.choices:
        if choice.to in story.scenes:
            asks = 1 if choice.reflect is not None else 0
            cheapest[choice.to] = min(asks, cheapest.get(choice.to, asks))
    if scene.next is not None and scene.next in story.scenes:
        cheapest[scene.next] = 0
    yield from cheapest.items()


def min_reflections(story: Story) -> tuple[int, list[str]]:
    """The fewest reflection prompts on any graph path from the start to an ending, and that path.

    Dijkstra on the scene graph where entering a scene with a ``reflect`` costs 1, and so does
    taking a choice that asks a prompt of its own (a choice's ``reflect:``, as CR405 counts it).
    Conditions are ignored, so this is a lower bound for what any learner meets.
    """

    def cost(sid: str) -> int:
        return 1 if story.scenes[sid].reflect is not None else 0

    best = {story.start: cost(story.start)}
    parent: dict[str, str] = {}
    heap = [(best[story.start], story.start)]
    while heap:
        dist, sid = heapq.heappop(heap)
        if dist > best[sid]:
            continue
        if story.scenes[sid].ending is not None:
            path = [sid]
            while path[-1] in parent:
                path.append(parent[path[-1]])
            return dist, path[::-1]
        for nxt, asks in _steps(story, sid):
            d = dist + asks + cost(nxt)
            if d < best.get(nxt, 1 << 30):
                best[nxt] = d
                parent[nxt] = sid
                heapq.heappush(heap, (d, nxt))
    raise AssertionError(f"{story.id}: no ending is reachable in the scene graph")


def _story_params() -> Iterator[object]:
    for path in STORY_FILES:
        yield pytest.param(path, id=path.stem)


@pytest.fixture(scope="module", params=list(_story_params()))
def story(request: pytest.FixtureRequest) -> Story:
    """Each shipped story, loaded once per module."""
    return _load(request.param)


def test_there_are_stories() -> None:
    assert STORY_FILES, "no stories found in stories/"


@pytest.mark.parametrize("path", STORY_FILES, ids=IDS)
def test_story_checks_clean(path: Path) -> None:
    report = check_story_file(path)
    assert report.story is not None
    assert [d.format() for d in report.diagnostics] == []


def test_library_checks_clean_together() -> None:
    """Checked as a folder (as ``crossroads check stories/`` does), nothing is reported but how
    far translations in ``stories/locale/`` have come (information: untranslated, fuzzy, missing
    or stale entries, CR532–CR535); a broken translation is an error and fails here."""
    reports = check_paths([STORIES])
    progress = {"CR532", "CR533", "CR534", "CR535"}
    assert [d.format() for r in reports for d in r.diagnostics
            if not (d.code in progress and d.severity == "info")] == []


@pytest.mark.parametrize("path", STORY_FILES, ids=IDS)
def test_first_line_points_at_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/story.schema.json"


def test_every_ending_is_played_to(story: Story) -> None:
    """The runtime reaches each ending by a witness path found by search, and replays it."""
    endings = {sid for sid, scene in story.scenes.items() if scene.ending is not None}
    found = witness_paths(story)
    assert set(found) == endings, f"never reached: {sorted(endings - set(found))}"
    for ending, choices in found.items():
        session = Session.replay(story, choices)
        assert session.finished
        assert session.scene == ending
        assert session.ending_title()
        assert "{" not in session.passage()


def test_reflections_on_every_path(story: Story) -> None:
    fewest, path = min_reflections(story)
    assert fewest >= story.min_reflections, (
        f"{story.id}: only {fewest} reflection prompt(s) on the path {' → '.join(path)}"
    )


def all_prompts(story: Story) -> list[Reflect]:
    """Every reflection prompt of a story: each scene's, then each of its choices' own."""
    found: list[Reflect] = []
    for scene in story.scenes.values():
        if scene.reflect is not None:
            found.append(scene.reflect)
        found += [c.reflect for c in scene.choices if c.reflect is not None]
    return found


def test_reflection_prompts_ask_for_experiences(story: Story) -> None:
    prompts = all_prompts(story)
    assert prompts
    for reflect in prompts:
        lowered = reflect.prompt.lower()
        assert any(cue in lowered for cue in EXPERIENCE_CUES), (
            f"{story.id}: prompt {reflect.id!r} does not ask for an experience"
        )


def test_min_reflections_finds_the_thinnest_path() -> None:
    """The graph walk counts reflect scenes on the thinnest path, not the thickest."""
    from crossroads.engine.loader import load_text

    story = load_text(
        """
format: crossroads/1
id: t
title: T
start: a
scenes:
  a:
    reflect: {id: r1, prompt: "Think of a time. What happened?"}
    choices:
      - {say: long, to: b}
      - {say: short, to: end}
  b:
    reflect: {id: r2, prompt: "Think of a time. What happened?"}
    next: end
  end:
    ending: {kind: good, title: Done}
"""
    )
    assert min_reflections(story) == (1, ["a", "end"])


def test_min_reflections_counts_a_choices_prompt() -> None:
    """A prompt asked after a choice counts on the paths that take that choice (without it, the
    thinnest path here would pass one prompt, not two)."""
    from crossroads.engine.loader import load_text

    story = load_text(
        """
format: crossroads/1
id: t
title: T
start: a
scenes:
  a:
    reflect: {id: r1, prompt: "Think of a time. What happened?"}
    choices:
      - say: asks
        to: end
        reflect: {id: r2, prompt: "Recall a time. What happened?"}
      - {say: quiet, to: b}
  b:
    choices:
      - say: asks too
        to: end
        reflect: {id: r3, prompt: "Recall a time. What happened?"}
  end:
    ending: {kind: good, title: Done}
"""
    )
    assert min_reflections(story) == (2, ["a", "end"])
    assert [r.id for r in all_prompts(story)] == ["r1", "r2", "r3"]


# ---------------------------------------------------------------- the scenario library (issue 4)
def _library() -> dict[str, Story]:
    stories = {}
    for path in STORY_FILES:
        s = _load(path)
        stories[s.id] = s
    return stories


@pytest.mark.parametrize("story_id", sorted(LIBRARY))
def test_library_story_meets_the_brief(story_id: str) -> None:
    stories = _library()
    if story_id not in stories:
        pytest.skip(f"{story_id} is not written yet")
    story = stories[story_id]
    fewest_scenes, fewest_endings = LIBRARY[story_id]
    endings = [s.ending for s in story.scenes.values() if s.ending is not None]
    assert len(story.scenes) >= fewest_scenes
    assert len(endings) >= fewest_endings
    assert len({e.kind for e in endings}) == 3, "good, mixed and hard endings"
    assert 3 <= len(story.meters) <= 4
    assert story.estimated_minutes is not None and story.summary
    assert all(member.name and member.role for member in story.cast.values())
    assert story.min_reflections >= 3
    povs = {story.pov_of(sid) for sid in story.scenes}
    assert len(povs) >= 2, "scene-level switches of point of view"


def test_restructuring_stories_pair_with_each_other() -> None:
    stories = _library()
    present = RESTRUCTURING & set(stories)
    if len(present) < len(RESTRUCTURING):
        pytest.skip(f"not written yet: {sorted(RESTRUCTURING - present)}")
    for sid in RESTRUCTURING:
        assert set(stories[sid].pairs_with) == RESTRUCTURING - {sid}


def test_restructuring_stories_share_their_cast() -> None:
    """The three views of the restructuring are about the same people: a cast id names the same
    person in every story, and the new manager is in all of them."""
    stories = _library()
    present = sorted(RESTRUCTURING & set(stories))
    names: dict[str, set[str]] = {}
    for sid in present:
        cast = stories[sid].cast
        assert "akira" in cast and cast["akira"].name == "Akira Johns", sid
        for cid, member in cast.items():
            names.setdefault(cid, set()).add(member.name)
    assert {cid: n for cid, n in names.items() if len(n) > 1} == {}


# ---------------------------------------------------------------- the search itself
GATED = """
format: crossroads/1
id: gated
title: Gated
meters:
  trust: {label: Trust, start: 10}
start: a
scenes:
  a:
    choices:
      - {say: up, to: a, effects: {trust: +10}, once: true}
      - {say: on, to: b}
  b:
    choices:
      - {say: trusted, to: good, if: trust >= 20}
      - {say: never, to: never, if: trust >= 90}
      - {say: plain, to: plain}
  good:
    ending: {kind: good, title: Good}
  never:
    ending: {kind: hard, title: Never}
  plain:
    ending: {kind: mixed, title: Plain}
"""


def test_breadth_first_search_respects_conditions() -> None:
    """The exhaustive search finds the gated ending through the once-only loop, and never the
    ending whose condition cannot hold."""
    from crossroads.engine.loader import load_text

    story = load_text(GATED)
    found = bfs_witnesses(story, {"good", "never", "plain"})
    assert found == {"plain": [1, 2], "good": [0, 1, 0]}


def test_walks_fall_back_to_the_search() -> None:
    from crossroads.engine.loader import load_text

    story = load_text(GATED)
    assert set(witness_paths(story, walks=0)) == {"good", "plain"}
    assert set(witness_paths(story, walks=50)) == {"good", "plain"}


def test_deep_check_finds_no_errors(story: Story) -> None:
    """State-aware exploration (``crossroads check --deep``) finds no impossible choice or
    unreachable ending."""
    explore = pytest.importorskip("crossroads.engine.explore")
    errors = [d.format() for d in explore.deep_check(story) if d.severity == "error"]
    assert errors == []
