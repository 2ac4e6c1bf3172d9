"""The gentle story-not-opinion nudge at a reflection: shown for an opinion, never blocking."""

from __future__ import annotations

import io

from textual.widgets import Static, TextArea

from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.plain import PlainPlayer
from crossroads.tui.screens.play import PlayScreen
from crossroads.tui.screens.reflection import ReflectionScreen
from tests.tui.helpers import first_week

OPINION = "Managers should always talk to every person before deciding anything."
STORY = "Last spring my manager Ines sat with me for an hour after my father died. I went back."


async def _at_reflection(pilot: object, app: CrossroadsApp) -> ReflectionScreen:
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("3", "1", "1")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ReflectionScreen)
    return app.screen


def _nudge(screen: ReflectionScreen) -> Static:
    return screen.query_one("#reflection-nudge", Static)


async def test_an_opinion_gets_the_nudge_and_a_second_submit_goes_through() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _at_reflection(pilot, app)
        assert not _nudge(screen).display
        screen.query_one(TextArea).insert(OPINION)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "the first submit of an opinion shows the nudge"
        assert _nudge(screen).display
        assert "What happened that brought you to this view?" in str(_nudge(screen).render())
        await pilot.press("ctrl+d")
        assert not _nudge(screen).display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.player.session.reflections()[-1]["text"] == OPINION


async def test_a_story_is_submitted_without_a_nudge() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _at_reflection(pilot, app)
        screen.query_one(TextArea).insert(STORY)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert not screen.nudged
        assert app.screen.player.session.reflections()[-1]["text"] == STORY


def _plain(answers: list[str]) -> str:
    story = first_week()
    s = Session.start(story)
    path = [1, 0]  # leads, then listening: Wen's question
    lines = [str(i + 1) for i in path]
    for index in path:
        s.choose(index)
    lines += ["1"]  # join the session → dana-invite with its reflection
    out = io.StringIO()
    player = PlainPlayer(story, "ann", FileSessionStore(), io.StringIO("\n".join(
        lines + answers) + "\n"), out, io.StringIO())
    player.run(False)
    return out.getvalue()


def test_plain_mode_nudges_an_opinion_and_keeps_the_added_story() -> None:
    out = _plain([OPINION, "", "My lead once asked me first, and I stayed.", "", ""])
    assert "What happened that brought you to this view?" in out
    saved = FileSessionStore().load(first_week(), "ann")
    assert saved is not None
    text = saved.reflections()[-1]["text"]
    assert text.startswith(OPINION) and text.endswith("and I stayed.")


def test_plain_mode_does_not_nudge_a_story() -> None:
    out = _plain([STORY, "", ""])
    assert "What happened that brought you to this view?" not in out


def test_short_or_cue_less_texts_are_never_nudged() -> None:
    from crossroads.engine.reflections.nudge import opinion_nudge

    assert opinion_nudge("my story") is None
    assert opinion_nudge("I remember.") is None
    assert opinion_nudge(STORY) is None
    verdict = opinion_nudge(OPINION)
    assert verdict is not None and any(e.phrase == "should" for e in verdict.evidence)
