"""Cohort comparison over real playthroughs (runtime → bank session store → bulk reads).

The scenario tests run on SQLite and on PostgreSQL, with the bank suite's fixtures.
"""

from __future__ import annotations

import itertools
import random
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.engine.bank import Bank, BankSessionStore, Batch
from crossroads.engine.bank.base import Playthrough, StepRow
from crossroads.engine.cohort import (
    analyse,
    build_report,
    cohort_view,
    divergences,
    first_divergence,
    scene_order,
    shared_paths,
    similarity,
    similarity_matrix,
)
from crossroads.engine.cohort.paths import split_pairs
from crossroads.engine.cohort.view import cohort_facts
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.runtime import Session
from tests.engine.bank import conftest as _bank_fixtures
from tests.engine.cohort_world import COHORT, FIVE, Script, load_story, play_cohort, play_script

# the bank suite's fixtures: every scenario runs on SQLite and on PostgreSQL
bank_url = _bank_fixtures.bank_url
make_bank = _bank_fixtures.make_bank
bank = _bank_fixtures.bank


def _split(report: object, scene: str) -> dict[str, int | None]:
    [s] = [s for s in report.scenes if s.scene == scene]  # type: ignore[attr-defined]
    return {c.key: c.count for c in s.choices}


def test_five_learners_where_they_split_and_how_they_ended(bank: Bank) -> None:
    story = play_cohort(bank)
    r = analyse(bank, story, COHORT)
    assert (r.learners, r.started, r.finished, r.completion) == (5, 5, 5, 1.0)
    assert _split(r, "gate") == {"river": 3, "hill": 2}
    assert _split(r, "river") == {"ask": 2, "swim": 1}
    assert _split(r, "bridge") == {"together": 3, "first": 1}
    hill = next(s for s in r.scenes if s.scene == "hill")
    assert hill.withheld and hill.learners == 2 and _split(r, "hill") == {"wait": None,
                                                                          "push": None}
    assert [(s.scene, s.pairs) for s in r.splits] == [("gate", 6), ("river", 2)]
    assert {e.title: e.count for e in r.endings} == {"Together": 3, "Mostly": 1, "Alone": 1}
    # flows leave only scenes whose group is large enough (not the hill)
    assert {(f.source, f.target, f.count) for f in r.flows} == {
        ("gate", "river", 3), ("gate", "hill", 2), ("river", "bridge", 3),
        ("bridge", "together", 3), ("bridge", "mixed", 1), ("together", "arrived", 3)}
    know = next(c for c in r.checkins if c.item == "know")
    assert (know.first_scene, know.last_scene, know.n) == ("gate", "together", 3)
    assert (know.first_mean, know.last_mean, know.change) == (2.0, 3.667, 1.667)
    assert [(p.prompt, p.shared, p.private, p.skipped) for p in r.reflections] == [
        ("crossing", 2, 1, 0), ("bridge", 3, 0, 1)]
    [trust] = r.meters
    assert (trust.n, trust.low, trust.high, trust.median) == (5, 40, 70, 60.0)
    gate = next(s for s in r.scenes if s.scene == "gate")
    assert gate.median_ms == 1750.0  # every first choice took 1.75 s in the script
    assert r.similarity is not None and len(r.similarity) == 5
    assert sorted(row.count(1.0) for row in r.similarity) == [1, 1, 1, 2, 2]  # ana = bo


def test_unfinished_runs_show_where_they_stopped(bank: Bank) -> None:
    story = load_story()
    store = BankSessionStore(bank, COHORT)
    for name in ("fa", "gu", "ha"):
        play_script(story, store, Script(name, ("river",), finish=False))
    play_script(story, store, Script("io", ("hill", "push")))
    store.discard(story, "ha")
    r = analyse(bank, story, COHORT)
    assert (r.started, r.finished, r.abandoned, r.playing) == (4, 1, 1, 2)
    assert r.completion == 0.25
    assert [(s.scene, s.count) for s in r.stops] == [("river", 3)]
    assert r.endings_withheld and all(e.count is None for e in r.endings)  # one finisher
    facts = cohort_facts(r, story)
    assert facts[0] == ("Completion: 1 of 4 finished (25%); 3 did not: stopped at "
                        "Tuesday, the river (3)")


def test_groups_below_the_minimum_are_withheld(bank: Bank) -> None:
    story = play_cohort(bank, scripts=FIVE[:2])
    r = analyse(bank, story, COHORT)
    assert all(s.withheld for s in r.scenes if s.learners)
    assert all(c.count is None and c.share is None
               for s in r.scenes if s.learners for c in s.choices)
    assert r.flows == () and r.splits == () and r.similarity is None
    assert r.endings_withheld and r.meters[0].mean is None
    assert all(c.withheld and c.change is None for c in r.checkins)
    assert (r.started, r.finished) == (2, 2)  # totals stay visible
    facts = cohort_facts(r, story)
    assert any(f.startswith("Check-in") and "withheld (fewer than 3)" in f for f in facts)
    assert not any("→" in f for f in facts if f.startswith("Check-in"))
    looser = analyse(bank, story, COHORT, min_group=2)
    assert _split(looser, "gate") == {"river": 2, "hill": 0}


def test_an_unknown_cohort_is_a_usage_error(bank: Bank) -> None:
    with pytest.raises(UsageError, match="no cohort with the code 'nope'"):
        analyse(bank, load_story(), "nope")


def test_paths_are_shared_with_cohort_mates_who_played_there(bank: Bank) -> None:
    story = play_cohort(bank)
    play_cohort(bank, story, cohort="autumn", scripts=(Script("zed", ("hill", "push")),))
    me, mates = shared_paths(bank, story, COHORT, "di")
    assert me is not None and me.scenes == ("gate", "hill", "bridge", "mixed")
    assert [m.learner for m in mates] == ["ana", "bo", "cy", "eve"]  # not zed (other cohort)
    eve = mates[-1]
    assert me.diverges_from(eve) == (1, "hill")
    assert me.diverges_from(mates[0]) == (0, "gate")
    # reciprocal: who has not played the story in the cohort sees no one's path
    assert shared_paths(bank, story, COHORT, "zed") == (None, ())
    assert shared_paths(bank, story, COHORT, "facilitator") == (None, ())
    view = cohort_view(bank, story, COHORT, "facilitator")
    assert view.me is None and view.mates == () and view.report.started == 5


def test_a_learners_latest_finished_playthrough_is_the_one_shown(bank: Bank) -> None:
    story = load_story()
    store = BankSessionStore(bank, COHORT)
    play_script(story, store, Script("ana", ("hill", "push")))
    play_script(story, store, Script("ana", ("river",), finish=False))
    play_script(story, store, Script("bo", ("river", "swim", "first")))
    me, _ = shared_paths(bank, story, COHORT, "bo")
    assert me is not None
    _, [ana] = shared_paths(bank, story, COHORT, "bo")
    assert ana.ending == "alone" and ana.status == "finished"


def test_first_divergence_and_pairs() -> None:
    a = [("s", "x"), ("t", "y"), ("u", "z")]
    assert first_divergence(a, a) == (3, None)
    assert first_divergence(a, a[:1]) == (1, None)
    assert first_divergence(a, [("s", "x"), ("t", "w")]) == (1, "t")
    d = divergences({"ana": a, "bo": [("s", "q")], "cy": a[:2]})
    assert [(x.a, x.b, x.scene, x.step) for x in d] == [
        ("ana", "bo", "s", 0), ("ana", "cy", None, 2), ("bo", "cy", "s", 0)]


def test_similarity_is_shared_steps_over_all_steps() -> None:
    assert similarity([1, 2, 3], [1, 2, 3]) == 1.0
    assert similarity([1, 2], [3, 4]) == 0.0
    assert similarity([1, 2, 3], [1, 2, 4]) == 0.5
    assert similarity([], []) == 1.0
    m = similarity_matrix([[1, 2, 3], [1, 2, 4], [5]])
    assert m == [[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2), max_size=5), min_size=0, max_size=12))
def test_split_pairs_counts_every_pair_once_where_it_parts(raw: list[list[int]]) -> None:
    # a path of choices in a binary-ish tree: the token is (depth, choice prefix)
    paths = [tuple((i, tuple(p[: i + 1])) for i in range(len(p))) for p in raw]
    tokens = sorted({t for p in paths for t in p})
    index = {t: n for n, t in enumerate(tokens)}
    scene_of = [f"d{t[0]}:{t[1][:-1]}" for t in tokens]
    counted = split_pairs(
        [(tuple(index[t] for t in p), 1) for p in paths], scene_of
    )
    brute: dict[str, int] = {}
    for a, b in itertools.combinations(paths, 2):
        _, scene = first_divergence([(f"d{t[0]}:{t[1][:-1]}", str(t)) for t in a],
                                    [(f"d{t[0]}:{t[1][:-1]}", str(t)) for t in b])
        if scene is not None:
            brute[scene] = brute.get(scene, 0) + 1
    assert dict(counted) == {k: v for k, v in brute.items() if v}


def test_scene_order_is_by_distance_then_as_written() -> None:
    order = scene_order(load_story())
    assert order == [("gate", 0), ("river", 1), ("hill", 1), ("bridge", 2), ("alone", 2),
                     ("together", 3), ("mixed", 3), ("arrived", 4)]


def test_rows_of_other_playthroughs_are_ignored_and_random_paths_add_up() -> None:
    story = load_story()
    rng = random.Random(7)
    pts: list[Playthrough] = []
    rows: list[StepRow] = []
    for n in range(40):
        pid = str(uuid.UUID(int=n + 1))
        s = Session.start(story, f"l{n}")
        s.random_walk(rng)
        pts.append(Playthrough(pid, f"l{n}", None, story.id, "h", "", None, "finished",
                               s.scene))
        rows += [StepRow(pid, i, st_.scene, st_.key, st_.to, 1000, None)
                 for i, st_ in enumerate(s.steps)]
    stray = [StepRow("stray", 0, "gate", "hill", "hill", 5, None)]
    r = build_report(story, pts, stray + rows + stray)
    gate = next(s for s in r.scenes if s.scene == "gate")
    assert gate.made == gate.learners == 40
    assert sum(c.count or 0 for c in gate.choices) == 40
    assert sum(e.count or 0 for e in r.endings) == 40
    assert r.similarity is not None  # 40 <= the listing limit


def test_a_batch_written_outside_a_cohort_is_not_in_the_cohort(bank: Bank) -> None:
    story = play_cohort(bank)
    bank.write(Batch(str(uuid.uuid4()), "solo", None, story.id, story.content_hash,
                     "2024-01-01T00:00:00+00:00", 0, []))
    assert analyse(bank, story, COHORT).started == 5
    assert analyse(bank, story).started == 6
