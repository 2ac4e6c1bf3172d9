"""A cohort of five playing the test story through the real runtime and the bank's session store.

Shared by the engine, export and TUI tests of cohort comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crossroads.engine.bank import Bank, BankSessionStore
from crossroads.engine.loader import load_path
from crossroads.engine.model import Story
from crossroads.engine.runtime import Session

STORY_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "cohort" / "crossing.yaml"
COHORT = "spring-24"


def load_story() -> Story:
    """The five-scene-deep test story with check-ins, reflections and three endings."""
    return load_path(STORY_PATH)


@dataclass(frozen=True)
class Script:
    """One learner's playthrough: choice keys in order, and what they do at prompts."""

    learner: str
    keys: tuple[str, ...]
    checkins: tuple[dict[str, int], ...] = ()
    reflections: tuple[tuple[str | None, str, bool], ...] = ()
    """(text, visibility, anonymous) for each prompt met, in order."""
    finish: bool = True


FIVE = (
    Script("ana", ("river", "ask", "together", "next"),
           ({"know": 2, "ask": 3}, {"know": 4, "ask": 4}),
           (("My first week, [b]Sam[/b] knew the shortcut", "cohort", False),
            ("<script>alert(1)</script> we waited", "bank", False))),
    Script("bo", ("river", "ask", "together", "next"),
           ({"know": 3, "ask": 2}, {"know": 4, "ask": 3}),
           (("a private story about my manager", "private", False), (None, "private", False))),
    Script("cy", ("river", "swim", "together", "next"),
           ({"know": 1, "ask": 2}, {"know": 3, "ask": 2}),
           (("an anonymous story", "bank", True), ("waited for Lee", "cohort", False))),
    Script("di", ("hill", "wait", "first"), ({"know": 4, "ask": 4},),
           (("the day we waited", "cohort", False),)),
    Script("eve", ("hill", "push"), ({"know": 5, "ask": 1},)),
)
"""Where they part: at the gate (3 river, 2 hill), at the river (2 ask, 1 swim); the hill has
two learners only (withheld). Endings: Together 3, Mostly 1, Alone 1."""


def play_script(story: Story, store: BankSessionStore, script: Script) -> Session:
    """Play one script through the runtime, saving after every event like the player does."""
    session = Session.start(story, script.learner)
    checkins = list(script.checkins)
    reflections = list(script.reflections)
    ms = 1000
    for key in script.keys:
        scene = session.current
        if scene.checkin and checkins and not session.answered_here("checkin"):
            session.checkin(checkins.pop(0))
            store.save(session)
        if scene.reflect and reflections and not session.answered_here("reflection"):
            text, visibility, anonymous = reflections.pop(0)
            session.reflect(text, visibility, anonymous)  # type: ignore[arg-type]
            store.save(session)
        option = next(o for o in session.options() if o.key == key and o.enabled)
        ms += 750
        session.choose(option.index, ms=ms)
        store.save(session)
    scene = session.current
    if scene.checkin and checkins:
        session.checkin(checkins.pop(0))
        store.save(session)
    assert session.finished == script.finish, (script.learner, session.scene)
    return session


def play_cohort(bank: Bank, story: Story | None = None, cohort: str = COHORT,
                scripts: tuple[Script, ...] = FIVE) -> Story:
    """Play every script in the cohort; return the story."""
    story = story or load_story()
    store = BankSessionStore(bank, cohort, journal=None)
    for script in scripts:
        play_script(story, store, script)
    return story
