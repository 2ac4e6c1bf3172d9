"""The passage, rendered as Markdown — cheaply when it is plain paragraphs.

Textual's ``Markdown`` widget imports a syntax highlighter (pygments, and through it
``importlib.metadata``) and mounts a widget per block, asynchronously: a large part of the
player's start-up. Most passages are paragraphs of text with emphasis, so :class:`Passage` parses
the passage with the same parser (markdown-it, ``gfm-like``) and, when it finds nothing else,
shows each paragraph in a ``Static`` exactly as ``Markdown`` would (same spans, same spacing).
Anything more (lists, quotes, headings, code, links, tables…) goes to a real ``Markdown`` widget,
created on first need. The commonest passages — paragraphs of words with ``*emphasis*`` — are
recognised without markdown-it at all (:func:`_simple_paragraphs`), which keeps the parser and
its link detector out of the player's start-up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.content import Content, Span
from textual.widgets import Static

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from textual.widgets import Markdown

_STYLES = {"em_open": "italic", "strong_open": "bold", "s_open": "strike"}
_CLOSE = {"em_close", "strong_close", "s_close"}
_SPACE = re.compile(r"\s+")
_parser: MarkdownIt | None = None
# Anything that could make markdown-it see more than paragraphs, words and single-``*`` emphasis:
# other inline syntax, entities, HTML, tables, tabs and odd spaces, links the linkifier would
# find (``x.com``, ``a@b``, ``//``), two spaces before a line break (a hard break).
_NOT_SIMPLE = re.compile(r"[\\`_\[\]<>&~|#@\t\r\f\v]|[^\S \n]|\.\w|//|  \n|\*\*")
# A line that could start a block: a list, a heading, a quote, a rule, setext underline, code.
_BLOCK_START = re.compile(r"^(?: {4}| {0,3}(?:[-+=>0-9]|\* ))", re.MULTILINE)
_OPENER = re.compile(r"(?:^| )\*(?=[^\s*])")
_CLOSER = re.compile(r"(?<=[^\s*])\*(?=$| |[.,;:!?)](?<=\w\*[.,;:!?)]))")


def _simple_paragraphs(markdown: str) -> list[Content] | None:
    """The paragraphs of a passage of words and single-``*`` emphasis, as markdown-it would parse
    them; None for anything else (even what may only look special)."""
    if _NOT_SIMPLE.search(markdown) or _BLOCK_START.search(markdown):
        return None
    paragraphs: list[Content] = []
    for block in re.split(r"\n *\n", markdown.strip("\n")):
        text = _SPACE.sub(" ", " ".join(line.strip(" ") for line in block.split("\n")).strip())
        if not text:
            continue
        pieces = text.split("*")
        if len(pieces) % 2 == 0:
            return None
        openers = [m.start() + (text[m.start()] == " ") for m in _OPENER.finditer(text)]
        closers = [m.start() for m in _CLOSER.finditer(text)]
        stars = [i for i, c in enumerate(text) if c == "*"]
        if stars != sorted(openers + closers) or stars[::2] != openers or stars[1::2] != closers:
            return None
        spans: list[Span] = []
        position = 0
        for i, piece in enumerate(pieces):
            if i % 2:
                spans.append(Span(position, position + len(piece), "italic"))
            position += len(piece)
        paragraphs.append(Content("".join(pieces), spans=spans))
    return paragraphs


def plain_paragraphs(markdown: str) -> list[Content] | None:
    """The passage's paragraphs, as ``Markdown`` renders them, if it is only paragraphs of text,
    emphasis, strong, strike and line breaks; else None."""
    simple = _simple_paragraphs(markdown)
    if simple is not None:
        return simple
    global _parser
    if _parser is None:
        from markdown_it import MarkdownIt

        _parser = MarkdownIt("gfm-like")  # what textual's Markdown uses
    paragraphs: list[Content] = []
    for token in _parser.parse(markdown):
        if token.type in ("paragraph_open", "paragraph_close"):
            continue
        if token.type != "inline" or token.children is None:
            return None
        text: list[str] = []
        spans: list[Span] = []
        open_styles: list[tuple[str, int]] = []
        position = 0
        for child in token.children:
            kind = child.type
            if kind == "text":
                piece = _SPACE.sub(" ", child.content)
            elif kind == "softbreak":
                piece = " "
            elif kind == "hardbreak":
                piece = "\n"
            elif kind in _STYLES:
                open_styles.append((_STYLES[kind], position))
                continue
            elif kind in _CLOSE and open_styles:
                style, start = open_styles.pop()
                spans.append(Span(start, position, style))
                continue
            else:
                return None
            text.append(piece)
            position += len(piece)
        paragraphs.append(Content("".join(text), spans=spans))
    return paragraphs


class Passage(Vertical):
    """Shows a passage of Markdown (author text is never read as Textual markup)."""

    DEFAULT_CSS = """
    Passage { height: auto; }
    Passage > .passage--paragraph { width: 1fr; height: auto; margin: 1 0 0 0; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = ""
        """The Markdown shown."""
        self._markdown: Markdown | None = None

    def show(self, markdown: str) -> None:
        """Show ``markdown``."""
        self.source = markdown
        blocks = list(self.query_children(".passage--paragraph").results(Static))
        paragraphs = plain_paragraphs(markdown)
        if paragraphs is None:
            for block in blocks:
                block.remove()
            if self._markdown is None:
                from textual.widgets import Markdown

                self._markdown = Markdown(markdown, open_links=False)
                self.mount(self._markdown)
            else:
                self._markdown.update(markdown)
                self._markdown.display = True
            return
        if self._markdown is not None:
            self._markdown.display = False
        for block, content in zip(blocks, paragraphs, strict=False):
            block.update(content)
        for block in blocks[len(paragraphs):]:
            block.remove()
        new = [Static(content, markup=False, expand=True, classes="passage--paragraph")
               for content in paragraphs[len(blocks):]]
        if new:
            self.mount_all(new, before=self._markdown)
