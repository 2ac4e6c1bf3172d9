"""The facilitator's report as HTML, CSV and JSON (``crossroads report``)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from crossroads.engine.cohort import analyse
from crossroads.engine.export.csv import COLUMNS, render_csv
from crossroads.engine.export.html import render_html
from crossroads.engine.export.json import FORMAT, render_json
from crossroads.engine.loader import load_text
from crossroads.engine.model import Story
from crossroads.tui.cli import main
from tests.engine.cohort_world import COHORT, STORY_PATH, play_cohort
from tests.engine.export.conftest import Five

LEARNER_TEXTS = ("Sam[/b] knew the shortcut", "<script>alert(1)</script> we waited",
                 "a private story about my manager", "an anonymous story", "waited for Lee",
                 "the day we waited")


def test_the_html_is_self_contained_and_counts_only(five: Five) -> None:
    report = analyse(five.bank, five.story, COHORT)
    page = render_html(report, five.story)
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # nothing to fetch: no scripts, links, imports, remote URLs or fonts
    assert not re.search(r"<script|<link|<iframe|<img|@import|@font-face", page, re.I)
    urls = set(re.findall(r"https?://[^\s\"')<]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace is a name, not a fetch
    assert set(re.findall(r"url\(([^)]*)\)", page)) <= {"#hatch"}
    # counts only: no learner's words, shared or not
    for text in LEARNER_TEXTS:
        assert text not in page
    # one chart per decision, one band per choice someone took
    assert page.count('<svg class="decision"') == 4  # gate, river, bridge, together
    assert page.count('<path class="flow"') == 7


def test_the_html_shows_where_they_parted_and_how_they_ended(five: Five) -> None:
    page = render_html(analyse(five.bank, five.story, COHORT), five.story)
    splits = page[page.index("<h2>Where paths parted"):page.index("<h2>Choices")]
    assert re.search(r"Monday, the gate</td><td class=\"num\">6<", splits)
    assert re.search(r"Tuesday, the river</td><td class=\"num\">2<", splits)
    endings = page[page.index("<h2>How they ended"):page.index("<h2>Completion")]
    assert re.findall(r"<td>(\w+)</td><td>\w+</td><td class=\"num\">(\d+)<", endings) == [
        ("Alone", "1"), ("Mostly", "1"), ("Together", "3")]
    assert "Split withheld: fewer than 3 learners" in page  # the hill
    assert "+1.67" in page  # check-in change of "I know how my people are doing"
    reflections = page[page.index("<h2>Reflections"):page.index("<h2>Meters")]
    assert re.search(r"<td class=\"num\">2</td><td class=\"num\">1</td>"
                     r"<td class=\"num\">0</td>", reflections)


def _relabel(story: Story, title: str | None = None, say: str | None = None,
             scene_title: str | None = None) -> Story:
    """The story with its title, the gate's first choice and the gate's title replaced."""
    gate = story.scenes["gate"]
    choices = list(gate.choices)
    if say is not None:
        choices[0] = choices[0].model_copy(update={"say": say})
    update: dict[str, object] = {"choices": choices}
    if scene_title is not None:
        update["title"] = scene_title
    scenes = {**story.scenes, "gate": gate.model_copy(update=update)}
    return story.model_copy(update={"scenes": scenes, "title": title or story.title})


def test_author_text_is_escaped_everywhere(five: Five) -> None:
    story = _relabel(five.story, title="The <b>Crossing</b> & <script>x()</script>",
                     say="Take the <img src=x onerror=alert(1)> road",
                     scene_title="Monday </text><script>y()</script>")
    page = render_html(analyse(five.bank, story, COHORT), story)
    assert "<script" not in page and "<img" not in page and "</text><script" not in page
    assert "The &lt;b&gt;Crossing&lt;/b&gt; &amp; &lt;script&gt;" in page
    assert "Take the &lt;img src=x onerror=alert(1)&gt; road" in page
    assert "Monday &lt;/text&gt;&lt;script&gt;y()" in page  # in the SVG too


def test_csv_is_one_long_table(five: Five) -> None:
    text = render_csv(analyse(five.bank, five.story, COHORT))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == COLUMNS
    gate = {r["key"]: r["count"] for r in rows if r["section"] == "choice"
            and r["scene"] == "gate"}
    assert gate == {"river": "3", "hill": "2"}
    hill = [r for r in rows if r["section"] == "choice" and r["scene"] == "hill"]
    assert all(r["count"] == "" for r in hill)  # withheld
    know = {r["key"]: r["value"] for r in rows if r["section"] == "checkin"}
    assert know["know.change"] == "1.667"
    assert {r["label"]: r["count"] for r in rows if r["section"] == "ending"} == {
        "Alone": "1", "Mostly": "1", "Together": "3"}


def test_csv_cells_never_run_as_formulas(five: Five) -> None:
    story = _relabel(five.story, say='=HYPERLINK("http://x")')
    text = render_csv(analyse(five.bank, story, COHORT))
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_json_report_round_trips(five: Five) -> None:
    data = json.loads(render_json(analyse(five.bank, five.story, COHORT)))
    assert data["format"] == FORMAT
    assert data["completion"] == 1.0 and data["unfinished"] == 0
    assert [s["scene"] for s in data["splits"]] == ["gate", "river"]


def test_report_command_writes_each_format(
    five: Five, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["report", COHORT, "--story", str(STORY_PATH), "--bank", str(five.path)]
    assert main([*base, "--html", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text().count('<path class="flow"') == 7
    assert main([*base, "--csv", str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").read_text().startswith(",".join(COLUMNS))
    capsys.readouterr()
    assert main([*base, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["finished"] == 5
    assert main([*base, "--html", str(tmp_path / "missing" / "r.html")]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'missing'}: no such file or directory\n"


def test_report_without_story_names_the_choice(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.engine.bank import open_bank

    path = tmp_path / "b.sqlite3"
    with open_bank(str(path)) as bank:
        story = play_cohort(bank)
        other = load_text(STORY_PATH.read_text().replace("id: crossing", "id: other"), "o")
        play_cohort(bank, other)
    assert story.id == "crossing"
    assert main(["report", COHORT, "--bank", str(path), "--json"]) == 2
    assert "played 2 stories (crossing, other): name one with --story STORY" in \
        capsys.readouterr().err


def test_check_in_changes_carry_one_class_attribute(five: Five) -> None:
    page = render_html(analyse(five.bank, five.story, COHORT), five.story)
    assert not re.search(r"<td[^>]*class=[^>]*class=", page), "duplicate class attribute"
    changed = re.findall(r'<td class="num (up|down)">[+-]', page)
    assert changed, "a check-in that moved is coloured by its direction"


def test_a_scene_come_back_to_counts_learners_once_and_says_how_often() -> None:
    from crossroads.engine.cohort.model import ChoiceShare, SceneSplit
    from crossroads.engine.export.sankey import LABEL_PX, decision_chart, display_titles

    hub = SceneSplit("hub", "The office", 1, 4, 9, False, (
        ChoiceShare("talk", "Talk to Dana", "desk", 7, 0.78, None, learners=4),
        ChoiceShare("leave", "Leave it", "office-2", 2, 0.22, None, learners=2),
        ChoiceShare("shout", "Shout", "desk", 0, 0.0, None, learners=0),
    ), None)
    titles = display_titles({"hub": "The office", "office-2": "The office", "desk": "Desk"})
    assert titles == {"hub": "The office (hub)", "office-2": "The office (office-2)",
                      "desk": "Desk"}
    chart = decision_chart(hub, titles, parted=3)
    details = [b.detail for b in chart.bands]
    assert details == ["→ Desk · 4 learners, chosen 7 times",
                       "→ The office (office-2) · 2 learners", "→ Desk · nobody"]
    assert [bool(b.path) for b in chart.bands] == [True, True, False]
    assert chart.title == "The office (hub)" and chart.label_px >= LABEL_PX >= 11
    thick = [b.thickness for b in chart.bands]
    assert thick[0] > thick[1] > thick[2] == 0
