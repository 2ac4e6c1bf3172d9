"""Seeded playtests: the runtime's own choices, coverage, and exact replays."""

from __future__ import annotations

import random

from crossroads.engine import load_path
from crossroads.engine.explore import playtest, replay_run
from crossroads.engine.explore.playtest import iter_runs
from crossroads.engine.runtime import Session
from tests.conftest import FIXTURES, STORIES

FIRST_WEEK = STORIES / "first-week.yaml"


def test_runs_make_the_same_choices_as_the_runtime_random_walk() -> None:
    story = load_path(FIRST_WEEK)
    for k, run in enumerate(iter_runs(story, 40, seed="s")):
        session = Session.start(story)
        walk = session.random_walk(random.Random(f"s:{k}"))
        assert list(run.choices) == walk
        assert list(run.scenes) == session.path


def test_replay_reproduces_run_k_exactly_with_and_without_prefer_new() -> None:
    story = load_path(FIXTURES / "explore_loops.yaml")
    for prefer_new in (False, True):
        runs = list(iter_runs(story, 25, seed=7, prefer_new=prefer_new, max_steps=50))
        for k in (0, 3, 24):
            assert replay_run(story, 7, k, prefer_new=prefer_new, max_steps=50) == runs[k]


def test_coverage_lists_what_no_run_reached() -> None:
    story = load_path(FIXTURES / "explore_broken.yaml")
    report = playtest(story, 200, seed=1)
    assert report.never_reached() == ["party", "good-end"]
    assert report.never_taken() == [("middle", 0), ("middle", 1)]
    assert report.outcomes["ending"] == 200
    assert sum(report.endings.values()) == 200


def test_stuck_runs_are_counted_and_the_first_one_named() -> None:
    story = load_path(FIXTURES / "explore_loops.yaml")
    report = playtest(story, 100, seed=0, max_steps=40)
    assert report.outcomes["stuck"] > 0 and report.outcomes["cut"] > 0
    assert report.first_stuck is not None
    stuck = replay_run(story, 0, report.first_stuck, max_steps=40)
    assert stuck.outcome == "stuck" and stuck.scenes[-1] == "locked"


def test_prefer_new_covers_at_least_as_much() -> None:
    story = load_path(STORIES / "first-week.yaml")
    plain = playtest(story, 20, seed=2)
    fresh = playtest(story, 20, seed=2, prefer_new=True)
    assert len(plain.never_taken()) == 3  # uniform choices miss some in 20 runs…
    assert fresh.never_taken() == []  # …preferring new ones does not
