"""Twee 3 source → passages (twinejs's ``twee-3-specification``).

A passage starts at a line beginning with ``::``: ``:: Name [tag tag] {"position":"10,20"}``.
In the name, ``\\[``, ``\\]``, ``\\{``, ``\\}`` and ``\\\\`` stand for the characters themselves; an
unescaped ``[`` opens the tags and an unescaped ``{`` the metadata (JSON). A content line that
starts with ``\\::`` stands for one starting with ``::``. ``StoryTitle`` holds the title and
``StoryData`` a JSON object (``ifid``, ``format``, ``format-version``, ``start``, …).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from crossroads.engine.diagnostics import Diagnostic, StoryError


@dataclass
class Passage:
    """One passage: its header fields, its text and where both are in the file."""

    name: str
    tags: list[str]
    metadata: dict[str, Any]
    text: str
    line: int
    """1-based line of the ``::`` header."""
    text_line: int
    """1-based line where the text starts (the line after the header)."""


@dataclass
class TweeStory:
    """A parsed Twee file: passages in file order, the title and the StoryData fields."""

    file: str
    passages: list[Passage]
    title: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def story_format(self) -> str:
        """The story format named by StoryData (``""`` when none)."""
        return str(self.data.get("format", "") or "")

    def start_name(self) -> str | None:
        """The start passage's name: StoryData's ``start``, else the passage named ``Start``."""
        start = self.data.get("start")
        if isinstance(start, str) and start:
            return start
        return "Start" if any(p.name == "Start" for p in self.passages) else None


_HEADER_ESCAPE = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    return _HEADER_ESCAPE.sub(lambda m: m.group(1), text)


def escape_name(name: str) -> str:
    """Escape a passage name (or tag) for a Twee 3 header."""
    return re.sub(r"([\\\[\]{}])", r"\\\1", name)


def _split_header(header: str) -> tuple[str, str | None, str | None, int | None]:
    """Split the text after ``::`` into raw name, tags block, metadata block.

    Returns the raw (still escaped) name, the tags text, the metadata text, and the 0-based
    offset of the first unbalanced ``[`` or ``{`` when a block is not closed (else None).
    """
    i, n = 0, len(header)
    name_end = n
    while i < n:
        c = header[i]
        if c == "\\":
            i += 2
            continue
        if c in "[{":
            name_end = i
            break
        i += 1
    name = header[:name_end]
    rest = header[name_end:]
    tags: str | None = None
    meta: str | None = None
    offset = name_end
    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            return name, None, None, offset
        tags = rest[1:close]
        offset += close + 1
        rest = rest[close + 1:]
        stripped = rest.lstrip()
        offset += len(rest) - len(stripped)
        rest = stripped
    if rest.startswith("{"):
        meta = rest.rstrip()
        if not meta.endswith("}"):
            return name, tags, None, offset
    return name, tags, meta, None


def parse_twee(text: str, file: str = "<twee>") -> TweeStory:
    """Parse Twee 3 text into passages.

    Raises:
        StoryError: the text has no passage header at all (CR501).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    story = TweeStory(file, [])
    headers = [i for i, line in enumerate(lines) if line.startswith("::")]
    if not headers:
        raise StoryError(
            f"{file}: no passages",
            [Diagnostic("CR501", "error", "no passage header (a line starting with '::') found",
                        file, 1, 1)],
        )
    headers.append(len(lines))
    for k in range(len(headers) - 1):
        at = headers[k]
        header = lines[at][2:]
        lead = len(header) - len(header.lstrip())
        raw_name, tags_text, meta_text, bad = _split_header(header.lstrip())
        if bad is not None:
            story.diagnostics.append(Diagnostic(
                "CR502", "warning", "passage header has an unclosed '[' or '{'; read as the name",
                file, at + 1, 3 + lead + bad + 1))
        name = _unescape(raw_name.strip())
        tags = [_unescape(t) for t in tags_text.split()] if tags_text else []
        metadata: dict[str, Any] = {}
        if meta_text:
            try:
                loaded = json.loads(meta_text)
                metadata = loaded if isinstance(loaded, dict) else {}
            except json.JSONDecodeError:
                col = 3 + lead + header.lstrip().find("{") + 1
                story.diagnostics.append(Diagnostic(
                    "CR502", "warning", "passage metadata is not a JSON object; ignored",
                    file, at + 1, col))
        body = lines[at + 1:headers[k + 1]]
        while body and not body[-1].strip():
            body.pop()
        content = "\n".join(line[1:] if line.startswith("\\::") else line for line in body)
        story.passages.append(Passage(name, tags, metadata, content, at + 1, at + 2))
    _story_fields(story)
    return story


def _story_fields(story: TweeStory) -> None:
    for p in story.passages:
        if p.name == "StoryTitle":
            story.title = p.text.strip()
        elif p.name == "StoryData":
            try:
                data = json.loads(p.text or "{}")
            except json.JSONDecodeError as err:
                story.diagnostics.append(Diagnostic(
                    "CR502", "warning", f"StoryData is not valid JSON ({err.msg}); ignored",
                    story.file, p.text_line + err.lineno - 1, err.colno))
                continue
            if isinstance(data, dict):
                story.data = data
