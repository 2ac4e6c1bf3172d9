"""``crossroads themes``: through the bank's access rules, every voice counted, anonymity kept."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossroads.engine.bank import Batch, open_bank
from crossroads.engine.reflections.source import visible_reflections
from crossroads.engine.reflections.themes import Quote, Theme, ThemeReport
from crossroads.tui.cli import main
from crossroads.tui.commands.themes import render
from devtools.synthetic_reflections import generate

STORY = "first-week"
PROMPT = "unheard"


def _event(text: str, visibility: str, anonymous: bool, prompt: str = PROMPT) -> dict[str, Any]:
    return {"type": "reflection", "scene": "calendar", "prompt": prompt, "text": text,
            "visibility": visibility, "anonymous": anonymous,
            "at": "2024-03-01T10:00:00.000+00:00"}


def _batch(pt: str, learner: str, cohort: str | None, event: dict[str, Any]) -> Batch:
    return Batch(pt, learner, cohort, STORY, "h", "2024-03-01T08:00:00.000+00:00", 0, [event])


@pytest.fixture
def bank_with_reflections() -> None:
    """40 generated bank-wide reflections (some anonymous) and a cohort of four."""
    batches = [
        _batch(f"g{i}", f"Public {i}", None, _event(r.text, "bank", r.author is None))
        for i, r in enumerate(generate(40, seed=4, words=60))
    ]
    cohort = [
        ("Ana", "cohort", False, "Ana: my lead cancelled our one-on-one three weeks running."),
        ("Secret Author", "cohort", True, "Hidden: I cried in the car park after the review."),
        ("Bo", "private", False, "PRIVATE-TEXT my diary of the week."),
        ("Cy", "bank", True, "Cy: nobody asked what I thought of the merger [bold]x[/]\x1b[31m."),
    ]
    for i, (who, visibility, anonymous, text) in enumerate(cohort):
        batches.append(_batch(f"c{i}", who, "ACME", _event(text, visibility, anonymous)))
    batches.append(_batch("other-prompt", "Dee", None, _event("Elsewhere.", "bank", False, "p2")))
    with open_bank() as bank:
        bank.write_many(batches)


@pytest.mark.usefixtures("bank_with_reflections")
def test_everyone_sees_only_bank_reflections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes", "--story", STORY, "--prompt", PROMPT]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("41 of 41 voices represented")
    assert "PRIVATE-TEXT" not in out and "Ana:" not in out and "Hidden:" not in out
    assert "Secret Author" not in out and "Elsewhere" not in out


@pytest.mark.usefixtures("bank_with_reflections")
def test_a_cohort_member_sees_the_cohort_but_not_private_or_anonymous_authors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--as", "Ana", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["voices"] == "43 of 43 voices represented"
    assert data["represented"] == data["total"] == 43
    dumped = json.dumps(data)
    assert "PRIVATE-TEXT" not in dumped and "Secret Author" not in dumped
    members = [m for t in data["themes"] for m in t["members"]]
    assert len(members) == len(set(members)) == 43
    for theme in data["themes"]:
        for quote in theme["quotes"]:
            assert quote["author"] is None or quote["author"].startswith(("Public", "Ana"))


@pytest.mark.usefixtures("bank_with_reflections")
def test_whole_story_and_terminal_safety(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes", "--story", STORY, "--as", "Cy"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("44 of 44 voices represented")  # both prompts
    assert "\x1b" not in out


def test_render_prints_learner_text_literally_and_safely() -> None:
    quote = Quote("r1", "nobody asked [bold]x[/]\x1b[31m", None)
    theme = Theme("theme-1", "merger", ("merger",), "A summary [red]!", (quote,), ("r1",))
    text = render(ThemeReport((theme,), 1, 0), STORY, PROMPT, None, width=80)
    assert "“nobody asked [bold]x[/]”\n     — anonymous" in text and "\x1b" not in text
    assert "A summary [red]!" in text
    assert "\x1b" not in text
    assert text.endswith("1 of 1 voices represented")


@pytest.mark.usefixtures("bank_with_reflections")
def test_unknown_reader_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes", "--story", STORY, "--as", "Nobody"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("no learner named 'Nobody'") and "Traceback" not in err


def test_empty_bank(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes", "--story", "none"]) == 0
    out = capsys.readouterr().out
    assert "No reflections to group." in out
    assert out.rstrip().endswith("0 of 0 voices represented")


@pytest.mark.usefixtures("bank_with_reflections")
def test_paging_reads_every_visible_reflection_once() -> None:
    with open_bank() as bank:
        small = list(visible_reflections(bank, STORY, PROMPT, "Ana", page=7))
        whole = list(visible_reflections(bank, STORY, PROMPT, "Ana"))
    assert [r.id for r in small] == [r.id for r in whole]
    assert len(whole) == 43
