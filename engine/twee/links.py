"""What a passage's text is made of, once read: text, links, state changes, conditions.

Each story format has its own scanner (:mod:`.sugarcube`, :mod:`.harlowe`, :mod:`.snowman`) that
turns a passage into these segments; :mod:`.to_story` maps them onto scenes. Offsets are 0-based
positions in the passage's text. Link markup follows Twine 2's own rules: the rightmost ``->``,
else the leftmost ``<-``, else the last ``|``; SugarCube's setter ``[[text|target][$x to 1]]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Text:
    """Literal text (already converted to Markdown where the format's markup allows)."""

    text: str
    offset: int


@dataclass
class Link:
    """A way to another passage: a ``[[link]]``, or a macro whose target is a literal string."""

    text: str
    target: str
    offset: int
    setters: list[tuple[str, int]] = field(default_factory=list)
    """Assignments run when the link is taken (source text, offset)."""
    inline: bool = True
    """False for a redirect (``(goto:)``/``<<goto>>``): no text of its own in the passage."""


@dataclass
class Print:
    """A variable printed in the text (``$x``, ``(print: $x)``, ``<%= s.x %>``)."""

    var: str
    offset: int


@dataclass
class Assign:
    """An assignment in the passage's text (``<<set $x to 1>>``, ``(set: $x to 1)``)."""

    source: str
    offset: int


@dataclass
class Branch:
    """One arm of a conditional: ``cond`` is the source condition, None for an else."""

    cond: str | None
    offset: int
    body: list[Segment]
    negate: bool = False
    """``(unless:)``: the arm runs when the condition is false."""


@dataclass
class Cond:
    """An if / else-if / else chain."""

    branches: list[Branch]
    offset: int


@dataclass
class Unmapped:
    """Something that cannot be brought over statically, reported with a code."""

    code: str
    message: str
    offset: int


Segment = Text | Link | Print | Assign | Cond | Unmapped

_LINK = re.compile(r"\[\[(.*?)\]\]")
_EXTERNAL = re.compile(r"^\w+:\/\/\/?\w", re.IGNORECASE)


def split_link(inner: str) -> tuple[str, str, list[str]] | None:
    """Split the inside of ``[[…]]`` into (text, target, setters), by Twine 2's rules.

    Returns None for an empty or external (``https://…``) link.
    """
    parts = inner.split("][")
    body, setters = parts[0], parts[1:]
    if "->" in body:
        cut = body.rfind("->")
        text, target = body[:cut], body[cut + 2:]
    elif "<-" in body:
        cut = body.find("<-")
        target, text = body[:cut], body[cut + 2:]
    elif "|" in body:
        cut = body.rfind("|")
        text, target = body[:cut], body[cut + 1:]
    else:
        text = target = body
    if not target or _EXTERNAL.match(target):
        return None
    return text, target, setters


def link_at(text: str, pos: int) -> tuple[Link | None, int] | None:
    """Read a ``[[link]]`` starting at ``pos``; return (link or None if external, end offset)."""
    m = _LINK.match(text, pos)
    if m is None:
        return None
    parts = split_link(m.group(1))
    if parts is None:
        return None, m.end()
    label, target, setters = parts
    setter_at = m.start(1) + len(m.group(1).split("][")[0]) + 2
    found: list[tuple[str, int]] = []
    for s in setters:
        found.append((s, setter_at))
        setter_at += len(s) + 2
    return Link(label, target, pos, found), m.end()


def string_literal(source: str) -> str | None:
    """The value of a single quoted or double-quoted string literal, else None."""
    s = source.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'`":
        inner = s[1:-1]
        if s[0] not in inner.replace("\\" + s[0], ""):
            return re.sub(r"\\(.)", r"\1", inner)
    return None


def split_args(source: str) -> list[str]:
    """Split macro arguments: on top-level commas (Harlowe), else on spaces (SugarCube)."""
    pieces: list[tuple[int, int]] = []
    commas = False
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i += 1
            continue
        if c == ",":
            commas = True
            pieces.append((-1, -1))
            i += 1
            continue
        if c in "\"'`":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            j = min(j + 1, n)
        elif c in "([{":
            j = matching(source, i, c, {"(": ")", "[": "]", "{": "}"}[c])
            j = n if j < 0 else j
        else:
            j = i
            while j < n and not source[j].isspace() and source[j] not in ",([{\"'`":
                j += 1
        pieces.append((i, j))
        i = j
    if not commas:
        return [source[a:b] for a, b in pieces]
    args: list[str] = []
    cur: list[tuple[int, int]] = []
    for a, b in pieces + [(-1, -1)]:
        if a < 0:
            if cur:
                args.append(source[cur[0][0]:cur[-1][1]])
            cur = []
        else:
            cur.append((a, b))
    return args


def matching(text: str, pos: int, open_: str, close: str, quotes: str = "\"'") -> int:
    """Offset just after the bracket that closes the one at ``pos`` (-1 when unbalanced)."""
    depth, quote = 0, ""
    i = pos
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in quotes:
            quote = c
        elif c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1
