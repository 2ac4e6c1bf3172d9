"""``crossroads themes (COHORT | --story ID)``, and issue 8's done-when: on a bank with a cohort's
reflections plus 1,000 generated ones, themes with summaries and quotes and "1000 of 1000 voices
represented"; the nudge for an opinion and not for a story."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from crossroads.engine.bank import Batch, open_bank
from crossroads.engine.reflections.nudge import opinion_nudge
from crossroads.tui.cli import main
from devtools.synthetic_reflections import generate

STORY = "first-week"
PROMPT = "heard-or-unheard"
COHORT = "ACME"
#: (learner, visibility, anonymous, text) of the cohort at PROMPT; only Di's is shared with the
#: whole bank, and Di wrote it at the last prompt (so exactly 1,000 are bank-wide at PROMPT).
MEMBERS = (
    ("Ana", "cohort", False, "ANA-TEXT: my director learned my name in week one and used it."),
    ("Bo", "cohort", False, "BO-TEXT: the vice president walked out while I was presenting."),
    ("Cy Hidden", "cohort", True, "CY-TEXT: my skip-level asked me what I would change, then did."),
    ("Di", "bank", False, "DI-TEXT: the CEO answered my question in the town hall by name."),
    ("Eve", "private", False, "EVE-PRIVATE: nobody above me has ever asked me anything."),
)


def _event(text: str, visibility: str, anonymous: bool, prompt: str = PROMPT) -> dict[str, Any]:
    return {"type": "reflection", "scene": "dana-invite", "prompt": prompt, "text": text,
            "visibility": visibility, "anonymous": anonymous,
            "at": "2024-03-01T10:00:00.000+00:00"}


def _batch(pt: str, learner: str, cohort: str | None, event: dict[str, Any],
           story: str = STORY) -> Batch:
    return Batch(pt, learner, cohort, story, "h", "2024-03-01T08:00:00.000+00:00", 0, [event])


@pytest.fixture
def big_bank() -> None:
    """The cohort's five reflections plus 1,000 generated ones shared with the whole bank."""
    batches = [_batch(f"m{i}", who, COHORT,
                      _event(text, vis, anon, "first-week" if who == "Di" else PROMPT))
               for i, (who, vis, anon, text) in enumerate(MEMBERS)]
    batches += [_batch(f"g{i}", f"Public {i}", None, _event(r.text, "bank", r.author is None))
                for i, r in enumerate(generate(1000, seed=8, words=60))]
    with open_bank() as bank:
        assert bank.write_many(batches) == 1005


@pytest.mark.usefixtures("big_bank")
def test_done_when_a_thousand_voices_are_all_represented(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["themes", "--story", STORY, "--prompt", PROMPT]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert out.rstrip().endswith("1000 of 1000 voices represented")
    themes = re.findall(r"^(\d+)\. .* — ([\d,]+) voices?(?: \(\d+ unsure\))?$", out, re.M)
    assert len(themes) >= 2
    assert sum(int(n.replace(",", "")) for _, n in themes) == 1000
    blocks = re.split(r"^\d+\. ", out, flags=re.M)[1:]
    for block in blocks:
        lines = block.splitlines()
        assert lines[1].startswith("   ") and not lines[1].startswith("   >")  # a summary
        assert 1 <= sum(line.startswith("   > “") for line in lines) <= 3  # quotes
    assert "EVE-PRIVATE" not in out and "ANA-TEXT" not in out and "Cy Hidden" not in out
    assert captured.err == ""  # no progress bar: standard error is not a terminal
    # the nudge: for an opinion, not for a story
    assert opinion_nudge("Managers should always explain every decision to the whole team.")
    assert opinion_nudge("Last March my manager Ines sat with me for an hour after my father "
                         "died, and I went back to work the next week.") is None


@pytest.mark.usefixtures("big_bank")
def test_a_cohort_member_reads_the_cohort_and_says_n_of_n(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["themes", COHORT, "--as", "Ana"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Themes in the reflections at story {STORY!r} in cohort {COHORT!r}, "
                          "as Ana may see them")
    assert out.rstrip().endswith("4 of 4 voices represented")  # Ana, Bo, Cy (anonymous), Di
    assert "EVE-PRIVATE" not in out and "Cy Hidden" not in out and "Public" not in out
    assert main(["themes", COHORT, "--prompt", PROMPT, "--json", "--as", "Cy Hidden"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["cohort"], data["story"], data["represented"], data["total"]) == (
        COHORT, STORY, 3, 3)  # Ana, Bo and Cy at this prompt
    assert "Cy Hidden" not in json.dumps(data["themes"])  # not even to its author, in quotes


@pytest.mark.usefixtures("big_bank")
def test_without_a_reader_a_cohort_shows_what_everyone_may_see(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["themes", COHORT, "--story", STORY]) == 0
    out = capsys.readouterr().out
    assert "DI-TEXT" in out and out.rstrip().endswith("1 of 1 voices represented")
    assert not any(m[3].split(":")[0] in out for m in MEMBERS if m[0] != "Di")


@pytest.mark.usefixtures("big_bank")
def test_a_cohort_of_several_stories_asks_which(capsys: pytest.CaptureFixture[str]) -> None:
    with open_bank() as bank:
        bank.write(_batch("m-other", "Ana", COHORT, _event("elsewhere", "bank", False),
                          story="a-second-story"))
    assert main(["themes", COHORT]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"cohort {COHORT!r} played 2 stories (a-second-story, first-week): "
                          "name one with --story STORY")
    assert main(["themes", COHORT, "--story", "a-second-story"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("1 of 1 voices represented")


@pytest.mark.parametrize(("argv", "message"), [
    (["themes"], "give a cohort's join code or --story STORY"),
    (["themes", "NOPE"], "no cohort with the code 'NOPE'"),
    (["themes", "--story", STORY, "--as", "Nobody"], "no learner named 'Nobody'"),
])
def test_usage_errors_are_one_line(argv: list[str], message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_cohort_without_playthroughs_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with open_bank() as bank:
        bank.join("Ana", "EMPTY")
    assert main(["themes", "EMPTY"]) == 2
    assert capsys.readouterr().err.startswith("cohort 'EMPTY' has no playthroughs yet")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("big_bank")
def test_a_progress_bar_is_drawn_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["themes", "--story", STORY, "--prompt", PROMPT]) == 0
    assert "finding themes" in terminal.getvalue()
    assert "finding themes" not in capsys.readouterr().out
