"""Source positions of every key and value of a loaded story.

Paths are tuples of mapping keys and sequence indices, e.g. ``("scenes", "inbox", "choices", 0,
"to")``. Each path has one entry holding both the key's and the value's position, packed into a
single int (two ``(line + 1) << 20 | col`` halves, 0 meaning "none"), which keeps a 60,000-scene
story's map to a few hundred megabytes. The public methods return 1-based ``(line, col)``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

Path = tuple[str | int, ...]
_SHIFT = 20
_MASK = (1 << _SHIFT) - 1
_HALF = 42
_HALF_MASK = (1 << _HALF) - 1


def pack(line: int, col: int) -> int:
    """Pack a 0-based line and column into one non-zero int."""
    return ((line + 1) << _SHIFT) | min(col, _MASK)


def _unpack(packed: int) -> tuple[int, int]:
    """1-based (line, col) of a packed position."""
    return packed >> _SHIFT, (packed & _MASK) + 1


class SourceMap:
    """Where each key and value of a story sits in its file."""

    __slots__ = ("_line_starts", "_text", "_text_loader", "file", "pos", "styles")

    def __init__(
        self, file: str, text: str = "", text_loader: Callable[[], str] | None = None
    ) -> None:
        self.file = file
        self._text = text
        self._text_loader = text_loader
        self.pos: dict[Path, int] = {}
        """path → ``key_packed << 42 | value_packed``."""
        self.styles: dict[Path, str] = {}
        self._line_starts: list[int] | None = None

    @property
    def text(self) -> str:
        """The source text (re-read from the file for large stories, which don't keep it)."""
        if not self._text and self._text_loader is not None:
            self._text = self._text_loader()  # kept from now on: diagnostics need it
        return self._text

    def drop_text(self, loader: Callable[[], str]) -> None:
        """Forget the kept source text; :attr:`text` re-reads it with ``loader`` when needed."""
        self._text = ""
        self._text_loader = loader
        self._line_starts = None

    def _nearest(self, path: Sequence[str | int], want_key: bool) -> tuple[int, int]:
        p = tuple(path)
        while p:
            entry = self.pos.get(p)
            if entry:
                key, value = entry >> _HALF, entry & _HALF_MASK
                if want_key and key:
                    return _unpack(key)
                return _unpack(value or key)
            p = p[:-1]
        root = self.pos.get((), 0) & _HALF_MASK
        return _unpack(root) if root else (1, 1)

    def key(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based position of the key at ``path`` (or of its nearest ancestor that has one)."""
        return self._nearest(path, True)

    def value(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based position of the value at ``path`` (or of its nearest ancestor)."""
        return self._nearest(path, False)

    def at_offset(self, path: Sequence[str | int], value: str, offset: int) -> tuple[int, int]:
        """1-based position of character ``offset`` inside the string value at ``path``.

        Works for plain, quoted, literal (``|``) and folded (``>``) scalars by walking the
        source from the value's start and matching the value's characters in order.
        """
        p = tuple(path)
        packed = self.pos.get(p, 0) & _HALF_MASK
        text = self.text
        if not packed or not text:
            return self.value(path)
        line, col = (packed >> _SHIFT) - 1, packed & _MASK
        style = self.styles.get(p, "")
        if self._line_starts is None:
            starts = [0]
            find = text.find
            nl = find("\n")
            while nl >= 0:
                starts.append(nl + 1)
                nl = find("\n", nl + 1)
            self._line_starts = starts
        starts = self._line_starts
        pos = starts[min(line, len(starts) - 1)] + col
        if style in ("|", ">"):
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl + 1
        elif style in ("'", '"'):
            pos += 1
        for ch in value[:offset]:
            found = text.find(ch, pos)
            if found < 0:
                break
            pos = found + 1
        # skip indentation or quoting that precedes the target character itself
        if offset < len(value):
            found = text.find(value[offset], pos)
            if found >= 0 and text.count("\n", pos, found) <= 1:
                pos = found
        line = bisect_right(starts, pos) - 1
        return line + 1, pos - starts[line] + 1
