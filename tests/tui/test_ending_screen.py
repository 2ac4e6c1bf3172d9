"""The ending screen at 80×24: a meter's figures are never cut, however long the label or large
the numbers (up to the format's bound of ±1,000,000)."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Static

from crossroads.engine.loader import load_text
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.screens.ending import EndingScreen

LONG = "A very long meter label that goes on and on about how the whole team feels today"
LONGER = "Another label for the second meter, long enough to wrap onto a second line too"
BIG = f"""\
format: crossroads/1
id: big
title: Big numbers
meters:
  a: {{label: "{LONG}", min: -1000000, max: 1000000, start: -999999}}
  b: {{label: "{LONGER}", min: 0, max: 1000000, start: 0}}
start: one
scenes:
  one:
    text: hi
    choices:
      - say: Go
        to: end
        effects: {{a: =999999, b: +999999}}
  end:
    text: bye
    ending: {{kind: good, title: Done}}
"""


def shown_in(app: CrossroadsApp, widget: Widget) -> str:
    """What the screen really shows inside ``widget``'s region, lines joined by spaces."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    r = widget.region
    return " ".join(lines[y][r.x:r.right].strip() for y in range(r.y, r.bottom))


async def test_meter_figures_are_never_cut_at_80x24() -> None:
    app = CrossroadsApp(story=load_text(BIG, "big.yaml"), learner="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        labels = list(app.screen.query(".ending--meter-label").results(Static))
        figures = list(app.screen.query(".ending--meter-figures").results(Static))
        assert [shown_in(app, w) for w in figures] == [
            "-999999 → 999999", "0 → 999999"]
        assert [" ".join(shown_in(app, w).split()) for w in labels] == [LONG, LONGER]
        for widget in (*labels, *figures):
            assert app.screen.region.contains_region(widget.region)


TWICE = """\
format: crossroads/1
id: twice
title: Asked twice
start: a
scenes:
  a:
    text: hi
    checkin: [{id: k1, statement: I listen}, {id: k2, statement: I ask}]
    choices:
      - {say: Go, to: b}
  b:
    text: bye
    checkin: [{id: k1, statement: I listen}]
    ending: {kind: good, title: Done}
"""


async def test_the_ending_shows_my_checkin_answers_before_and_after() -> None:
    app = CrossroadsApp(story=load_text(TWICE, "twice.yaml"), learner="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("2", "3")  # the check-in at the start
        await pilot.pause()
        await pilot.press("1")  # go
        await pilot.pause()
        for _ in range(4):
            if isinstance(app.screen, EndingScreen):
                break
            await pilot.press("4")  # the check-in at the end
            await pilot.pause()
            await pilot.press("1")
            await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        rows = list(app.screen.query(".ending--checkin").results())
        assert len(rows) == 2
        figures = [shown_in(app, w.query_one(".ending--meter-figures")) for w in rows]
        labels = [shown_in(app, w.query_one(".ending--meter-label")) for w in rows]
        assert labels == ["I listen", "I ask"] and figures == ["2 → 4", "3"]
