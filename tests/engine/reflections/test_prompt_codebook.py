"""A prompt's own codebook (``reflect: {themes: …}``): validated, coded against, and named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from crossroads.engine.bank import Batch, open_bank
from crossroads.engine.model import MAX_THEMES, Reflect
from crossroads.engine.playable import playable
from crossroads.engine.reflections.codebook import prompt_ids, story_codebooks
from crossroads.tui.cli import main
from crossroads.tui.commands._common import load_valid

STORY = "the-launch-date"
PROMPT = "sat-on-it"

#: Answers to "a weekend when you knew something was wrong and had not yet told anyone".
ANSWERS = [
    "I lay awake most of Saturday going over the numbers again and again, and told no one at "
    "home what was wrong.",
    "On Sunday night I rehearsed what I would say in the car, then checked the spreadsheet "
    "one more time before bed.",
    "I messaged my boss on Saturday morning and asked for help early; she called me back "
    "within the hour.",
    "I rang a colleague on the Friday night and told her before it came out, so we had the "
    "weekend to plan.",
    "I kept hoping it would go away. By Monday the problem had grown and the client found it "
    "first.",
    "I waited too long. Someone else found the error before I said anything, and that was "
    "worse than the error.",
    "First thing on Monday I admitted the mistake at stand-up. The others were kinder than I "
    "had feared when they heard.",
    "I said it first when I got back, before anyone asked, and my lead thanked me for owning "
    "the mistake.",
]


def _batches() -> list[Batch]:
    out = []
    for i, text in enumerate(ANSWERS):
        event: dict[str, Any] = {
            "type": "reflection", "scene": "weekend", "prompt": PROMPT, "text": text,
            "visibility": "bank", "anonymous": False, "at": "2024-03-01T10:00:00.000+00:00"}
        out.append(Batch(f"p{i}", f"Learner {i}", None, STORY, "h",
                         "2024-03-01T08:00:00.000+00:00", 0, [event]))
    return out


@pytest.fixture
def answers() -> None:
    with open_bank() as bank:
        bank.write_many(_batches())


def test_reflect_themes_are_validated() -> None:
    ok = Reflect(id="p", prompt="Recall a time…", themes={"voice": "Speaking up - or not"})
    assert ok.themes == {"voice": "Speaking up - or not"}
    assert Reflect(id="p", prompt="Recall a time…").themes is None
    too_many = {f"t{i}": "a theme" for i in range(MAX_THEMES + 1)}
    for bad in ({"voice": "   "}, {"two words": "x"}, {}, too_many):
        with pytest.raises(ValidationError):
            Reflect(id="p", prompt="Recall a time…", themes=bad)


def test_a_bad_theme_id_in_a_story_is_a_located_error(tmp_path: Path) -> None:
    from crossroads.engine.check import check_story_file
    from crossroads.engine.paths import stories_dir

    source = (stories_dir() / f"{STORY}.yaml").read_text(encoding="utf-8")
    assert "        owned-it: >-" in source
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace("        owned-it: >-", "        owned it: >-"), "utf-8")
    report = check_story_file(bad)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    assert [d.code for d in errors] == ["CR112"]
    assert "theme id 'owned it'" in errors[0].message


def test_shipped_stories_declare_themes_and_the_player_carries_them() -> None:
    for story_id in ("the-launch-date", "the-conversation", "the-week-it-happened",
                     "fifteen-to-eighty"):
        story = load_valid(story_id)
        books = story_codebooks(story)
        assert len(books) >= 2, story_id
        assert set(books) <= set(prompt_ids(story))
        assert story_codebooks(playable(story)) == books
        for book in books.values():
            assert 3 <= len(book) <= MAX_THEMES
    assert story_codebooks(load_valid(STORY))[PROMPT]["carried-alone"].startswith(
        "Carrying it alone")


@pytest.mark.usefixtures("answers")
def test_themes_codes_against_the_prompts_own_codebook(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["codebook"] == f"the themes story {STORY!r} declares at prompt {PROMPT!r}"
    coded = {t["id"] for t in data["themes"] if t["coded"]}
    assert coded and coded <= {"carried-alone", "told-someone", "waited-too-long", "owned-it"}
    assert data["represented"] == data["total"] == len(ANSWERS)
    assert main(["themes", "--story", STORY, "--prompt", PROMPT]) == 0
    out = " ".join(capsys.readouterr().out.split())  # wrapped to the terminal
    assert f"Coded against the themes story {STORY!r} declares at prompt {PROMPT!r}" in out


@pytest.mark.usefixtures("answers")
def test_a_facilitators_codebook_overrides_the_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.yaml"
    book.write_text("alone: Keeping it to yourself - awake at night, telling no one\n"
                    "early: Telling someone early - a call, a message, asking for help\n",
                    encoding="utf-8")
    assert main(["themes", "--story", STORY, "--prompt", PROMPT, "--codebook", str(book),
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["codebook"] == f"the codebook {book}"
    coded = {t["id"] for t in data["themes"] if t["coded"]}
    assert coded and coded <= {"alone", "early"}


@pytest.mark.usefixtures("answers")
def test_no_codebook_when_the_prompt_declares_none_or_prompts_are_mixed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["themes", "--story", STORY, "--json"]) == 0  # every prompt of the story
    data = json.loads(capsys.readouterr().out)
    assert data["codebook"] is None
    assert not any(t["coded"] for t in data["themes"])
    assert main(["themes", "--story", STORY, "--prompt", "above-you"]) == 0
    assert "No codebook: every theme is found in the reflections themselves" in " ".join(
        capsys.readouterr().out.split())
