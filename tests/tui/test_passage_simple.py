"""Passages of words and ``*emphasis*`` skip markdown-it, and come out exactly as it parses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from textual.content import Content

from crossroads.engine.loader import load_path
from crossroads.engine.runtime import Session
from crossroads.tui.widgets import passage
from tests.conftest import STORIES


def _shown(path: Path) -> list[str]:
    """A story's passages as the player shows them at the start (``{fact.…}``, ``{cast.…}`` and
    ``{if}`` already rendered): what reaches the passage widget."""
    story = load_path(path)
    session = Session.start(story)
    return [session.render(scene.text) for scene in story.scenes.values()]


PASSAGES = [text for path in sorted(STORIES.glob("*.yaml")) for text in _shown(path)]


def shape(paragraphs: list[Content] | None) -> object:
    """Paragraphs as comparable data (``Content`` equality ignores spans)."""
    return None if paragraphs is None else [(c.plain, list(c.spans)) for c in paragraphs]


def parsed(markdown: str) -> object:
    """What :func:`passage.plain_paragraphs` gives when it goes through markdown-it."""
    if passage._parser is None:
        passage._parser = MarkdownIt("gfm-like")
    real = passage._simple_paragraphs
    try:
        passage._simple_paragraphs = lambda _: None  # type: ignore[assignment]
        return shape(passage.plain_paragraphs(markdown))
    finally:
        passage._simple_paragraphs = real  # type: ignore[assignment]


@pytest.mark.parametrize("markdown", [
    "One line.", "", "\n\n", "A *short* walk.\n\nThen *home*, *late*.", " *You are Wen.*\n  Next.",
    "*a*b", "a*b*", "*a *b* c*", "* list", "1. list", "x\n---", "    code", "see x.com", "a  \nb",
    "**strong**", "*a*, *b*; *c*: (*d*)", "*a.*, b", "a * b * c", "a\n\n\n\nb",
])
def test_simple_paragraphs_agree_with_markdown_it(markdown: str) -> None:
    simple = passage._simple_paragraphs(markdown)
    assert simple is None or shape(simple) == parsed(markdown)


def test_shipped_passages_the_fast_path_takes_are_split_as_markdown_it_would() -> None:
    simple = [p for p in PASSAGES if passage._simple_paragraphs(p) is not None]
    assert all(shape(passage._simple_paragraphs(p)) == parsed(p) for p in simple)
    assert len(simple) >= len(PASSAGES) // 3  # the fast path is the common case
    first_week = load_path(STORIES / "first-week.yaml")  # its opening, as the player shows it
    opening = Session.start(first_week).render(first_week.scenes[first_week.start].text)
    assert "{" not in opening
    assert passage._simple_paragraphs(opening) is not None


WORD = st.sampled_from(["a", "bc", "Dé", "1", "’s", "—", "x-y", "(a)", "“q”", "*", "-", ">"])
PIECE = st.tuples(
    st.lists(WORD, min_size=1, max_size=3).map(" ".join),
    st.sampled_from(["", "*", "wrap", "wrap", "*_"]),  # no star, one star, or *wrapped*
    st.sampled_from(["", ".", ",", ";", "!", ")", "’", "—", "*"]),
    st.sampled_from([" ", " ", "\n", "  ", "\n\n", " \n", "\n ", "\u00a0", "\n    "]),
).map(lambda p: ("*" + p[0] + "*" if p[1] == "wrap" else
                 p[1].replace("_", p[0]) if p[1] else p[0]) + p[2] + p[3])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECE, max_size=8).map("".join))
def test_any_text_the_fast_path_accepts_parses_the_same(markdown: str) -> None:
    simple = passage._simple_paragraphs(markdown)
    if simple is not None:
        assert shape(simple) == parsed(markdown), repr(markdown)
