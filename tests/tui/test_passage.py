"""The passage: plain paragraphs shown exactly as Textual's Markdown shows them, the rest by it."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from textual.content import Content
from textual.widgets import Markdown, Static
from textual.widgets._markdown import MarkdownParagraph

from crossroads.engine.loader import load_path, load_text
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.widgets.passage import Passage, plain_paragraphs
from tests.conftest import STORIES

SAMPLES = [
    "One line.",
    "Hello *there* **you**\nnext   line  \nhard ~~gone~~\n\nSecond _para_.",
    "***both*** and *nested **strong** inside*",
    "Brackets [bold]x[/] [@click=app.quit]x[/] and a lone [/] stay text.",
    "",
]
PASSAGES = [scene.text for path in sorted(STORIES.glob("*.yaml"))
            for scene in load_path(path).scenes.values()]
STYLE = {".em": "italic", ".strong": "bold", ".s": "strike"}


def textual_paragraphs(markdown: str) -> list[Content]:
    """What textual's Markdown widget builds for ``markdown`` (as plain Content)."""
    blocks = list(Markdown()._parse_markdown(MarkdownIt("gfm-like").parse(markdown)))
    assert all(isinstance(b, MarkdownParagraph) for b in blocks)
    return [b._content for b in blocks]


@pytest.mark.parametrize("markdown", SAMPLES + PASSAGES)
def test_plain_paragraphs_are_what_markdown_shows(markdown: str) -> None:
    ours = plain_paragraphs(markdown)
    if ours is None:  # not plain: the Markdown widget shows it
        assert markdown in PASSAGES
        return
    theirs = textual_paragraphs(markdown)
    assert [c.plain for c in ours] == [c.plain for c in theirs]
    assert [c.spans for c in ours] == [
        [type(s)(s.start, s.end, STYLE[str(s.style)]) for s in c.spans] for c in theirs
    ]


def test_most_shipped_passages_are_plain() -> None:
    assert sum(plain_paragraphs(p) is not None for p in PASSAGES) > len(PASSAGES) // 2


@pytest.mark.parametrize(
    "markdown",
    ["- one\n- two", "1. one", "> quoted", "# Heading", "`code`", "```\nfence\n```",
     "[a link](https://example.org)", "see https://example.org", "a | b\n--|--\n1 | 2",
     "---", "![img](x.png)", "<b>html</b>"],
)
def test_anything_else_goes_to_markdown(markdown: str) -> None:
    assert plain_paragraphs(markdown) is None


STORY = """\
format: crossroads/1
id: mixed
title: Mixed
start: a
scenes:
  a:
    text: "Plain *text*.\\n\\nSecond paragraph."
    choices: [{say: on, to: b}]
  b:
    text: "A list:\\n\\n- one\\n- two"
    choices: [{say: on, to: c}]
  c:
    text: "Plain again."
    choices: [{say: on, to: d}]
  d:
    ending: {kind: good, title: Done}
"""


async def test_passages_switch_between_plain_and_markdown() -> None:
    app = CrossroadsApp(story=load_text(STORY), learner="ann", store=FileSessionStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        passage = app.screen.query_one(Passage)
        shown = [str(s.render()) for s in passage.query(Static) if s.display]
        assert shown == ["Plain text.", "Second paragraph."]
        assert not passage.query(Markdown)
        await pilot.press("1")
        await pilot.pause()
        markdown = passage.query_one(Markdown)
        assert markdown.display and markdown.source == "A list:\n\n- one\n- two"
        assert not passage.query(".passage--paragraph")
        await pilot.press("1")
        await pilot.pause()
        assert not markdown.display
        assert [str(s.render()) for s in passage.query(".passage--paragraph")] == ["Plain again."]
        assert passage.source == "Plain again."
