"""Source positions of every key and value of a loaded story.

Paths are tuples of mapping keys and sequence indices, e.g. ``("scenes", "inbox", "choices", 0,
"to")``. Positions are stored packed (``line << 20 | col``, both 0-based) to keep a 60,000-scene
story's map small; the public methods return 1-based ``(line, col)``.
"""

from __future__ import annotations

from collections.abc import Sequence

Path = tuple[str | int, ...]
_SHIFT = 20
_MASK = (1 << _SHIFT) - 1


def pack(line: int, col: int) -> int:
    """Pack a 0-based line and column into one int."""
    return (line << _SHIFT) | min(col, _MASK)


class SourceMap:
    """Where each key and value of a story sits in its file."""

    __slots__ = ("file", "text", "keys", "values", "styles")

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.text = text
        self.keys: dict[Path, int] = {}
        self.values: dict[Path, int] = {}
        self.styles: dict[Path, str] = {}

    def _nearest(self, table: dict[Path, int], path: Sequence[str | int]) -> tuple[int, int]:
        p = tuple(path)
        while p:
            packed = table.get(p)
            if packed is None and table is self.keys:
                packed = self.values.get(p)
            if packed is not None:
                return (packed >> _SHIFT) + 1, (packed & _MASK) + 1
            p = p[:-1]
        root = self.values.get((), 0)
        return (root >> _SHIFT) + 1, (root & _MASK) + 1

    def key(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based position of the key at ``path`` (or of its nearest ancestor that has one)."""
        return self._nearest(self.keys, path)

    def value(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based position of the value at ``path`` (or of its nearest ancestor)."""
        return self._nearest(self.values, path)

    def at_offset(self, path: Sequence[str | int], value: str, offset: int) -> tuple[int, int]:
        """1-based position of character ``offset`` inside the string value at ``path``.

        Works for plain, quoted, literal (``|``) and folded (``>``) scalars by walking the
        source from the value's start and matching the value's characters in order.
        """
        p = tuple(path)
        packed = self.values.get(p)
        if packed is None or not self.text:
            return self.value(path)
        line, col = packed >> _SHIFT, packed & _MASK
        lines = self.text.split("\n")
        style = self.styles.get(p, "")
        # absolute index of the value's start in the text
        pos = sum(len(row) + 1 for row in lines[:line]) + col
        text = self.text
        if style in ("|", ">"):
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl + 1
        elif style in ("'", '"'):
            pos += 1
        for ch in value[:offset]:
            found = text.find(ch, pos) if ch not in "\n" else _next_line_break(text, pos)
            if found < 0:
                break
            pos = found + 1
        # skip indentation/quote characters that precede the target character
        if offset < len(value):
            target = value[offset]
            found = text.find(target, pos)
            if found >= 0 and text.count("\n", pos, found) <= 1:
                pos = found
        line = text.count("\n", 0, pos)
        col = pos - (text.rfind("\n", 0, pos) + 1)
        return line + 1, col + 1


def _next_line_break(text: str, pos: int) -> int:
    """Index of the next newline, or of the next space when a folded line break became one."""
    return text.find("\n", pos)
