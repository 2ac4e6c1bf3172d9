"""The report's themes section: per prompt, themes over what its reader may see, never private
text, never an anonymous author, everything escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crossroads.engine.bank import Batch, open_bank
from crossroads.engine.export.html import render_html
from crossroads.engine.reflections.prompts import prompt_themes
from crossroads.tui.cli import main
from tests.engine.cohort_world import COHORT, STORY_PATH
from tests.engine.export.conftest import Five

PRIVATE = "a private story about my manager"
COHORT_ONLY = ("Sam[/b] knew the shortcut", "waited for Lee", "the day we waited")


def _section(page: str) -> str:
    return page[page.index("<h2>Themes in what was shared"):page.index("<h2>Meters")]


def _report(five: Five, tmp_path: Path, *extra: str) -> str:
    five.bank.close()  # the command opens the bank itself
    page = tmp_path / "report.html"
    assert main(["report", COHORT, "--story", str(STORY_PATH), "--bank", str(five.path),
                 "--html", str(page), *extra]) == 0
    return page.read_text(encoding="utf-8")


def _voices(section: str) -> list[str]:
    return re.findall(r'<p class="voices">([^<]*)</p>', section)


def test_the_facilitator_reads_what_the_cohort_shared_never_private(
    five: Five, tmp_path: Path,
) -> None:
    section = _section(_report(five, tmp_path))
    assert section.count('<section class="prompt-themes">') == 2  # one per prompt, in order
    assert section.index("knew the way better") < section.index("waiting for others")
    # the cohort's facilitator: what was shared with the cohort or with everyone
    assert "shared with the cohort or with everyone, as its facilitator sees them" in section
    assert _voices(section) == ["2 of 2 voices represented", "3 of 3 voices represented"]
    assert "“an anonymous story” <cite>— anonymous</cite>" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt; we waited” <cite>— ana</cite>" in section
    assert "<script" not in section
    assert PRIVATE not in section
    assert "an anonymous story” <cite>— cy" not in section  # cy's bank one is anonymous


def test_without_a_cohort_only_bank_reflections_are_themed(five: Five) -> None:
    themes = prompt_themes(five.bank, five.story.id, ["crossing", "waiting"], None)
    texts = [q.text for block in themes for t in block.themes.themes for q in t.quotes]
    assert "an anonymous story" in texts
    assert not any(t in x for x in texts for t in COHORT_ONLY) and PRIVATE not in texts


def test_a_member_reads_the_cohorts_but_never_private_text(five: Five, tmp_path: Path) -> None:
    page = _report(five, tmp_path, "--as", "bo")
    section = _section(page)
    assert _voices(section) == ["2 of 2 voices represented", "3 of 3 voices represented"]
    assert PRIVATE not in page  # bo's own private reflection stays out of the file
    assert "that bo may see, private ones left out" in section
    for theme in re.findall(r'<div class="theme">.*?</div>', section):
        assert 1 <= theme.count("<blockquote>") <= 3
        assert '<p class="theme-summary">' in theme
    sizes = [int(n) for n in re.findall(r"· (\d+) voices?</span>", section)]
    assert sum(sizes) == 5  # every visible reflection is in exactly one theme


def test_an_anonymous_author_never_appears(five: Five, tmp_path: Path) -> None:
    five.bank.write(Batch("zed-1", "Zed Secretname", COHORT, "crossing", "h",
                          "2024-03-02T08:00:00.000+00:00", 0, [
                              {"type": "reflection", "scene": "gate", "prompt": "crossing",
                               "text": "I & <b>my</b> \"team\" found the ford", "at": None,
                               "visibility": "bank", "anonymous": True}]))
    page = _report(five, tmp_path, "--as", "ana")
    assert "Zed" not in page
    assert "I &amp; &lt;b&gt;my&lt;/b&gt; &#34;team&#34; found the ford" in _section(page)


def test_an_unknown_reader_is_a_usage_error(five: Five, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    five.bank.close()
    assert main(["report", COHORT, "--story", str(STORY_PATH), "--bank", str(five.path),
                 "--html", str(tmp_path / "r.html"), "--as", "nobody"]) == 2
    assert capsys.readouterr().err.startswith("no learner named 'nobody'")
    assert not (tmp_path / "r.html").exists()


def test_an_empty_prompt_says_so_and_themes_are_deterministic(five: Five) -> None:
    from crossroads.engine.cohort import analyse

    report = analyse(five.bank, five.story, COHORT)
    themes = prompt_themes(five.bank, "crossing", ["crossing", "never-asked"], COHORT, "ana")
    assert [t.themes.total for t in themes] == [2, 0]
    page = render_html(report, five.story, themes, "ana")
    assert "No reflections to group here." in page and "0 of 0 voices represented" in page
    again = prompt_themes(five.bank, "crossing", ["crossing", "never-asked"], COHORT, "ana")
    assert render_html(report, five.story, again, "ana") == page
    with open_bank(str(five.path)) as other:  # another cohort's code narrows to nothing
        assert prompt_themes(other, "crossing", ["crossing"], "elsewhere")[0].themes.total == 0


def test_a_correction_kept_by_crossroads_themes_applies_in_the_report(
    five: Five, tmp_path: Path,
) -> None:
    themes = prompt_themes(five.bank, five.story.id, ["crossing"], COHORT)
    rid = themes[0].themes.themes[0].members[0]
    five.bank.close()
    assert main(["themes", COHORT, "--story", str(STORY_PATH), "--prompt", "crossing",
                 "--bank", str(five.path), "--move", rid, "Finding the way", "--json"]) == 0
    five.bank = open_bank(str(five.path))
    section = _section(_report(five, tmp_path))
    assert "<h4>Finding the way <span" in section


def test_a_prompts_own_codebook_names_its_themes(five: Five, tmp_path: Path) -> None:
    story = tmp_path / "crossing.yaml"
    story.write_text(STORY_PATH.read_text(encoding="utf-8").replace(
        "      prompt: Think of a time someone on your team knew the way better than you. "
        "What happened?\n",
        "      prompt: Think of a time someone on your team knew the way better than you. "
        "What happened?\n"
        "      themes:\n"
        "        guided: Someone who knew the way - a shortcut, the ford, knew better\n"
        "        waited: Waiting for the others - patience, the day we waited\n"), "utf-8")
    five.bank.close()
    page = tmp_path / "report.html"
    assert main(["report", COHORT, "--story", str(story), "--bank", str(five.path),
                 "--html", str(page)]) == 0
    section = _section(page.read_text(encoding="utf-8"))
    assert "Someone who knew the way" in section or "Waiting for the others" in section
