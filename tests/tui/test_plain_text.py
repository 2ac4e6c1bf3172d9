"""Passages as clean text for ``play --plain``: Markdown parsed, symbols and controls gone."""

from __future__ import annotations

import pytest

from crossroads.tui.plain_text import markdown_to_text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Plain *em* **strong** ~~gone~~ `code`", "Plain em strong gone code"),
        ("A [link](https://example.org) and ![a chart](c.png)", "A link and a chart"),
        ("# Title\n\nText", "Title\n\nText"),
        ("> quoted\n> on two lines", "quoted on two lines"),
        ("line one  \nline two", "line one\nline two"),
        ("- a\n- b\n  - nested\n\nAfter", "a\nb\nnested\n\nAfter"),
        ("3. three\n4. four", "3. three\n4. four"),
        ("- a\n\n  more of a\n- b", "a\nmore of a\nb"),
        ("```python\nx = 1  # one\n```", "x = 1  # one"),
        ("| h1 | h2 |\n|----|----|\n| *a* | b |", "h1, h2\na, b"),
        ("Escaped \\*stars\\* and <b>html</b>", "Escaped *stars* and <b>html</b>"),
        ("---\n\nAfter a rule", "After a rule"),
    ],
)
def test_markdown_to_text(source: str, expected: str) -> None:
    assert markdown_to_text(source) == expected
