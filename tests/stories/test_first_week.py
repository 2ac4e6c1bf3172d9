"""First Week's dilemma, played through the runtime (issue 16).

Dana asks Akira whether her job exists in March, and Akira does not know. The story promises a
real dilemma: an honest "I don't know" costs trust at once, a promise buys trust at once and
costs it on Friday, and no answer wins on its own. Every playthrough is enumerated (the story is
small and has no loops), so these hold on every path, not on a sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crossroads.engine.loader import load_path
from crossroads.engine.model import Story
from crossroads.engine.runtime import Session
from tests.conftest import STORIES


@dataclass(frozen=True)
class Run:
    """One complete playthrough: the choice ids taken, the final state and the ending."""

    taken: tuple[str, ...]
    flags: frozenset[str]
    meters: tuple[tuple[str, int], ...]
    ending: str


def _runs(story: Story) -> list[Run]:
    done: list[Run] = []
    stack = [Session.start(story)]
    while stack:
        s = stack.pop()
        if s.finished:
            taken = tuple(e["key"] for e in s.events if e["type"] == "choice")
            done.append(Run(taken, frozenset(s.flags), tuple(sorted(s.meters.items())), s.scene))
            continue
        for option in s.options():
            if option.enabled:
                nxt = Session.replay(story, [*s.choices_made, option.index])
                stack.append(nxt)
    return done


@pytest.fixture(scope="module")
def story() -> Story:
    return load_path(STORIES / "first-week.yaml")


@pytest.fixture(scope="module")
def runs(story: Story) -> list[Run]:
    return _runs(story)


def test_every_ending_is_reached(story: Story, runs: list[Run]) -> None:
    endings = {sid for sid, scene in story.scenes.items() if scene.ending is not None}
    assert {r.ending for r in runs} == endings
    assert len(runs) > 50  # enumerated, not sampled


def test_the_honest_answer_costs_trust_at_once(story: Story) -> None:
    at_the_question = ["leads", "ask-wen", "join-first", "write-question"]
    for answer, change in (("dont-know", -10), ("no-one-loses", +10)):
        s = Session.start(story)
        for key in at_the_question:
            s.choose(_index(s, key))
        before = s.meters["trust"]
        s.choose(_index(s, answer))
        assert s.meters["trust"] - before == change


def test_a_promise_never_reaches_the_good_ending(runs: list[Run]) -> None:
    promised = [r for r in runs if "promised" in r.flags]
    assert promised and all(r.ending != "carried" for r in promised)
    assert any(r.ending == "in-writing" for r in promised)  # heard, and promised too much


def test_no_answer_to_dana_wins_on_its_own(runs: list[Run]) -> None:
    for answer in ("dont-know", "no-one-loses", "ask-models"):
        endings = {r.ending for r in runs if answer in r.taken}
        assert endings - {"carried"}, f"{answer} always reaches the good ending"
    honest = {r.ending for r in runs if "dont-know" in r.taken}
    assert {"carried", "unanswered"} <= honest  # honesty lands only where trust was built
    assert all("dont-know" in r.taken for r in runs if r.ending == "carried")


def _index(s: Session, key: str) -> int:
    choices = s.story.scenes[s.scene].choices
    return next(i for i, c in enumerate(choices) if c.id == key)
