"""Story and learner text as clean lines for ``crossroads play --plain`` (screen readers, logs).

Passages are Markdown (titles, choices and prompts are plain text, in the full UI too); a
screen reader reads ``*``, ``_``, ``#``, ``>`` and backticks aloud as
symbols, so :func:`markdown_to_text` keeps only the words. It parses with markdown-it (the
``gfm-like`` preset the full-screen player renders with, raw HTML off) and prints:

* paragraphs, headings, quotes and code blocks as plain paragraphs, a blank line between them;
  a paragraph is one line (the author's line wrapping becomes a space, as the full UI shows it);
* list items one to a line: bulleted items with no marker (a screen reader announces each line
  anyway, and reads "-" or "•" as "dash" or "bullet"), numbered items with their number
  (``1. ``), since the order means something;
* emphasis, strong, strikethrough and inline code as their text, links as their text, images as
  their description, table rows as their cells separated by commas.

Its input and output go through :func:`crossroads.engine.terminal_text.terminal_safe`, so neither
a story nor another learner's shared reflection can move the cursor, change colours or retitle
the terminal.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from crossroads.engine.terminal_text import terminal_safe

_SPACE = re.compile(r"[ \t]+")
_parser: MarkdownIt | None = None


def _md() -> MarkdownIt:
    global _parser
    if _parser is None:
        _parser = MarkdownIt("gfm-like", {"html": False})
    return _parser


def _inline(children: list[Token] | None) -> str:
    out: list[str] = []
    for child in children or []:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "image":
            out.append(_inline(child.children) or child.content)
        # *_open / *_close (emphasis, strong, links, strikethrough): the words alone
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def markdown_to_text(text: str) -> str:
    """A Markdown passage as plain paragraphs and lines (see the module docstring)."""
    blocks: list[tuple[str, bool]] = []  # (text, follows the previous line with no blank line)
    numbers: list[int | None] = []  # per open list: the next number, or None when bulleted
    marker = ""
    cells: list[str] | None = None
    fresh = True  # the next line starts a paragraph, a list or a table (a blank line before it)
    for token in _md().parse(terminal_safe(text)):  # and again at the end: entities such as &#27;
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            fresh = fresh or not numbers
            numbers.append(None if kind == "bullet_list_open" else int(token.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            numbers.pop()
        elif kind == "list_item_open" and numbers:
            n = numbers[-1]
            marker = "" if n is None else f"{n}. "
            if n is not None:
                numbers[-1] = n + 1
        elif kind == "table_open":
            fresh = True
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close" and cells is not None:
            blocks.append((", ".join(c for c in cells if c), not fresh))
            cells, fresh = None, False
        elif kind == "inline":
            words = _inline(token.children)
            if cells is not None:
                cells.append(words)
            elif words:
                blocks.append((marker + words, bool(numbers) and not fresh))
                marker, fresh = "", False
        elif kind in ("fence", "code_block"):
            code = token.content.rstrip("\n")
            if code.strip():
                blocks.append((code, False))
                fresh = False
        elif kind == "paragraph_open" and not numbers:
            fresh = True
    out: list[str] = []
    for words, follows in blocks:
        if out:
            out.append("\n" if follows else "\n\n")
        out.append(words)
    return terminal_safe("".join(out))
