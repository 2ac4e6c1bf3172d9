"""The debrief guide: a cohort of five (and a replay, and another cohort) played through the
runtime into a real bank; the guide as HTML and Markdown through the real command, and printed
to PDF in headless Chromium.

Attacks: a private reflection with a distinctive phrase, another cohort's shared reflection, a
``<script>`` and control characters in shared ones; none may reach the guide as written.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from crossroads.engine.export.debrief import md_escape, render_guide_html, render_guide_md
from crossroads.engine.export.debrief_guide import (
    SESSION_MINUTES,
    Guide,
    build_guide,
    quote_of,
    session_plan,
)
from crossroads.engine.loader import load_path
from crossroads.tui.cli import main
from tests.engine.cohort_world import COHORT, STORY_PATH, Script, load_story, play_cohort
from tests.engine.export.conftest import _need, chromium

PRIVATE = "my walrus-shaped secret about the manager"
OTHER = "the otter cohort crossed at dawn"
NAMED = "Sam knew the shortcut and showed me without a word."
ANON = "An old hand on my first team walked the route with me before the storm."
SCRIPT = "<script>alert('x')</script> we waited for everyone and it took an hour."
CONTROL = "We waited\x1b[31m together\x07 at the bridge\u202e and nobody was left behind."

SIX = (
    Script("ana", ("river", "ask", "together", "next"), ({"know": 2, "ask": 3},),
           ((NAMED, "cohort", False), (SCRIPT, "bank", True))),
    Script("bo", ("river", "ask", "together", "next"), ({"know": 3, "ask": 2},),
           ((PRIVATE, "private", False), (PRIVATE + " again", "private", False))),
    Script("cy", ("river", "swim", "together", "next"), ({"know": 1, "ask": 2},),
           ((ANON, "bank", True), (CONTROL, "cohort", False))),
    Script("di", ("hill", "wait", "first"), ({"know": 4, "ask": 4},),
           (("the day we waited on the hill for the slow ones.", "cohort", False),)),
    Script("eve", ("hill", "push"), ({"know": 5, "ask": 1},)),
    # eve comes back and plays again, choosing the river: she counts once, by her latest choice
    Script("eve", ("river", "ask", "together", "next"), ({"know": 4, "ask": 3},),
           ((None, "private", False), (None, "private", False))),
)
OTHERS = (Script("zed", ("river", "ask", "together", "next"), ({"know": 2, "ask": 2},),
                 ((OTHER, "cohort", False), (OTHER + " too", "bank", False))),)


@dataclass
class Cohort:
    path: Path


@pytest.fixture
def cohort(tmp_path: Path) -> Iterator[Cohort]:
    path = tmp_path / "bank.sqlite3"
    with open_bank(str(path)) as bank:
        story = play_cohort(bank, scripts=SIX[:5])
        time.sleep(0.05)  # eve's replay starts later than her first playthrough
        play_cohort(bank, story, scripts=SIX[5:])
        play_cohort(bank, story, cohort="autumn-24", scripts=OTHERS)
    yield Cohort(path)


def _guide(cohort: Cohort) -> Guide:
    with open_bank(str(cohort.path)) as bank:
        return build_guide(bank, load_story(), COHORT, "2024-05-01")


def _run(cohort: Cohort, tmp_path: Path, fmt: str) -> str:
    out = tmp_path / f"guide.{fmt}"
    assert main(["debrief", COHORT, "--story", str(STORY_PATH), "--bank", str(cohort.path),
                 f"--{fmt}", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_only_shared_reflections_of_the_cohort_are_quoted(cohort: Cohort,
                                                          tmp_path: Path) -> None:
    page, md = _run(cohort, tmp_path, "html"), _run(cohort, tmp_path, "md")
    for text in (page, md):
        assert "walrus" not in text and "otter" not in text and "zed" not in text
    guide = _guide(cohort)
    quoted = [q.text for p in guide.prompts for q in p.quotes]
    assert NAMED in quoted and ANON in quoted
    assert [p.shared for p in guide.prompts] == [2, 3]
    assert all(2 <= len(p.quotes) <= 3 for p in guide.prompts)
    for p in guide.prompts:  # each quote from a different writer
        assert len({q.byline for q in p.quotes if q.byline != "anonymous"}) == \
            len([q for q in p.quotes if q.byline != "anonymous"])


def test_named_only_when_shared_with_a_name(cohort: Cohort, tmp_path: Path) -> None:
    by = {q.text: q.byline for p in _guide(cohort).prompts for q in p.quotes}
    assert by[NAMED] == "ana"
    assert by[ANON] == "anonymous"
    assert by[SCRIPT] == "anonymous"  # ana, but shared anonymously
    page = _run(cohort, tmp_path, "html")
    assert "<cite>— ana</cite>" in page and "<cite>— anonymous</cite>" in page
    assert "— cy</cite>" in page  # cy's cohort one carries her name; her anonymous one does not
    anon_quote = page[page.index(ANON):][:200]
    assert "<cite>— anonymous</cite>" in anon_quote


def test_the_split_counts_each_learner_once_by_their_latest_choice(cohort: Cohort) -> None:
    guide = _guide(cohort)
    assert guide.learners == 5  # eve played twice
    gate = guide.decisions[0]
    assert gate.scene == "gate" and gate.learners == 5
    assert {o.label: o.learners for o in gate.options} == {
        "Take the river road": 4, "Take the hill road [bold]fast[/]": 1}
    river = next(d for d in guide.decisions if d.scene == "river")
    assert {o.label: o.learners for o in river.options} == {
        "Ask who has crossed it before": 3, "Swim across first to show it can be done": 1}
    hill = next(d for d in guide.decisions if d.scene == "hill")
    assert hill.withheld and all(o.learners is None for o in hill.options)
    assert [d.scene for d in guide.decisions] == ["gate", "river", "hill", "bridge"]
    assert guide.choice_rule == "latest"
    # pairs of learners, each by their latest playthrough: 4 river × 1 hill at the gate (eve's
    # first, hill-road playthrough adds none); at the river, 3 asked × 1 swam
    assert gate.parted == 4 and river.parted == 3


def test_time_boxes_add_up_to_an_hour_and_content_notes_come_first(tmp_path: Path) -> None:
    for path in sorted((Path(__file__).resolve().parents[3] / "stories").glob("*.yaml")):
        story = load_path(path)
        plan, source = session_plan(story)
        assert sum(b.minutes for b in plan) == SESSION_MINUTES, (path, plan)
        assert all(b.minutes > 0 for b in plan) and source
    break_room = load_path(Path(__file__).resolve().parents[3] / "stories" / "break-room.yaml")
    plan, source = session_plan(break_room)
    assert source == "the story's own session plan" and plan[0].minutes == 5
    first_week = load_path(Path(__file__).resolve().parents[3] / "stories" / "first-week.yaml")
    plan, source = session_plan(first_week)
    assert "40 minutes" in source and plan[-1].minutes == 20


def test_content_notes_are_printed_first(cohort: Cohort, tmp_path: Path) -> None:
    story = load_story().model_copy(update={"content_notes": ["Talk of <b>drowning</b>"]})
    with open_bank(str(cohort.path)) as bank:
        guide = build_guide(bank, story, COHORT, "2024-05-01")
    page, md = render_guide_html(guide), render_guide_md(guide)
    assert "Talk of &lt;b&gt;drowning&lt;/b&gt;" in page
    assert page.index("drowning") < page.index("The decisions") < page.index("The reflections")
    assert "- Talk of \\<b\\>drowning\\</b\\>" in md
    assert md.index("drowning") < md.index("## The 60 minutes") < md.index("## The decisions")
    boxes = [int(m) for m in
             re.findall(r"<tr><td class=\"num\">(\d+) min</td><td>(?!in all)", page)]
    assert sum(boxes) == 60


def test_learner_text_is_escaped_and_control_characters_removed(cohort: Cohort,
                                                                tmp_path: Path) -> None:
    page, md = _run(cohort, tmp_path, "html"), _run(cohort, tmp_path, "md")
    assert "<script" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "\\<script\\>alert('x')\\</script\\>" in md
    assert not re.search(r"(?<!\\)<", md)  # no tag Markdown would pass through as HTML
    for text in (page, md):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)
        assert "We waited together at the bridge and nobody was left behind." in text


def test_markdown_escaping_shows_text_literally() -> None:
    assert md_escape("*bold* [link](x) <b>&amp;</b> | `c`") == \
        "\\*bold\\* \\[link\\](x) \\<b\\>\\&amp;\\</b\\> \\| \\`c\\`"
    assert md_escape("1. not a list") == "1\\. not a list"
    assert md_escape("- not an item") == "\\- not an item"
    assert md_escape("# not a heading\nsecond line") == "\\# not a heading second line"


def test_a_prompt_nobody_shared_at_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite3"
    quiet = tuple(Script(s.learner, s.keys, s.checkins,
                         tuple((t, "private", a) for t, _, a in s.reflections))
                  for s in SIX[:5])
    with open_bank(str(path)) as bank:
        play_cohort(bank, scripts=quiet)
    guide = _guide(Cohort(path))
    assert [p.quotes for p in guide.prompts] == [(), ()]
    assert render_guide_html(guide).count("Nobody in the cohort shared a reflection") == 2
    assert "walrus" not in render_guide_md(guide)


def test_quotes_are_whole_sentences_of_one_reflection() -> None:
    long = ("First sentence is here. " * 20).strip()
    text, whole = quote_of(long)  # type: ignore[misc]
    assert not whole and text.endswith(".") and len(text) <= 320 and text in long
    assert quote_of("Short and whole.") == ("Short and whole.", True)
    assert quote_of("   ") is None


def test_the_guide_is_deterministic(cohort: Cohort) -> None:
    assert render_guide_md(_guide(cohort)) == render_guide_md(_guide(cohort))


def test_a_cohort_that_played_two_stories_needs_story(cohort: Cohort,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with open_bank(str(cohort.path)) as bank:
        play_cohort(bank, load_story().model_copy(update={"id": "crossing-two"}),
                    scripts=SIX[:1])
    assert main(["debrief", COHORT, "--md", "-", "--bank", str(cohort.path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "crossing, crossing-two" in err and "--story" in err


def test_the_story_notes_still_print_for_a_story(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["debrief", "first-week"]) == 0
    assert capsys.readouterr().out.startswith("The First Week (first-week)")


def test_a_cohort_without_output_options_prints_markdown(
    cohort: Cohort, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["debrief", COHORT, "--bank", str(cohort.path), "--story",
                 str(STORY_PATH)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Debrief guide: The Crossing") and "walrus" not in out


@pytest.mark.browser
def test_the_guide_prints_to_pdf_in_chromium(cohort: Cohort, tmp_path: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("CROSSROADS_REQUIRE_BROWSER", "Playwright is not installed (pip install -e .[dev])")
        raise
    binary = chromium()
    page_path = tmp_path / "guide.html"
    page_path.write_text(_run(cohort, tmp_path, "html"), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", print_background=False)
            quotes = page.eval_on_selector_all(
                "blockquote.quote", "qs => qs.map(q => [q.innerText, "
                "getComputedStyle(q).breakInside])")
            sections = page.eval_on_selector_all(
                "section.major", "s => s.map(x => getComputedStyle(x).breakBefore)")
            colour = page.evaluate("getComputedStyle(document.body).color")
        finally:
            browser.close()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 2, pages  # the decisions and the reflections start on pages of their own
    assert not errors
    texts = " ".join(q for q, _ in quotes)
    assert NAMED in texts and ANON in texts and "walrus" not in texts
    assert {b for _, b in quotes} == {"avoid"}
    assert sections == ["page", "page"] and colour == "rgb(0, 0, 0)"
