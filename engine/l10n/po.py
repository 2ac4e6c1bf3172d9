"""A small reader of gettext PO files that keeps every entry's line (no Babel needed).

``crossroads play --lang`` reads a translation through this module (Babel costs start-up time),
and ``crossroads check`` uses the positions to report a broken translation at the PO file's
line and column. Only what Crossroads writes is needed: ``msgctxt``, ``msgid``, ``msgstr``,
flags (``#,``), obsolete entries (``#~``) and the previous ``msgid`` (``#|``); plural forms are
read but never used (a story has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}


class POSyntaxError(ValueError):
    """A line of a PO file could not be read; ``line`` is 1-based."""

    def __init__(self, message: str, line: int, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass
class Chunk:
    """One quoted piece of a ``msgstr`` (a PO string may span lines)."""

    line: int
    col: int
    """1-based column of the first character inside the quotes."""
    start: int
    """Offset of the piece's first character in the whole decoded string."""


@dataclass
class POEntry:
    """One message of a PO file."""

    line: int
    """1-based line of the entry's first keyword (``msgctxt`` or ``msgid``)."""
    msgid: str = ""
    msgstr: str = ""
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    msgstr_chunks: list[Chunk] = field(default_factory=list)

    @property
    def fuzzy(self) -> bool:
        """True when a translator (or ``l10n update``) marked the entry as needing review."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when the entry has a translation that is not fuzzy."""
        return bool(self.msgstr) and not self.fuzzy

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) in the PO file of character ``offset`` of the ``msgstr``."""
        best: Chunk | None = None
        for chunk in self.msgstr_chunks:
            if chunk.start <= offset:
                best = chunk
        if best is None:
            return self.line, 1
        return best.line, best.col + (offset - best.start)


def _unquote(text: str, line: int, col: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise POSyntaxError("expected a string in double quotes", line, col)
    out: list[str] = []
    i, body = 0, text[1:-1]
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        if c == '"':
            raise POSyntaxError('a double quote inside a string must be written \\"', line,
                                col + i + 1)
        out.append(c)
        i += 1
    return "".join(out)


def parse_po(text: str) -> tuple[dict[str, str], list[POEntry]]:
    """Read a PO file's text.

    Returns:
        The header's fields (``Language``, ``Content-Type``…) and every entry but the header,
        in file order (obsolete ones included, with ``obsolete`` set).

    Raises:
        POSyntaxError: a line that is no PO syntax, positioned.
    """
    entries: list[POEntry] = []
    cur: POEntry | None = None
    field_name: str | None = None
    flags: set[str] = set()
    seen_keyword = False

    def finish() -> None:
        nonlocal cur, field_name, flags, seen_keyword
        if cur is not None:
            entries.append(cur)
        cur, field_name, flags, seen_keyword = None, None, set(), False

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
            if line.startswith("|"):
                continue  # the previous msgid of an obsolete entry
        stripped = line.strip()
        if not stripped:
            if seen_keyword:
                finish()
            continue
        if stripped.startswith("#"):
            if seen_keyword:  # a comment after the strings starts the next entry
                finish()
            if stripped.startswith("#,"):
                flags |= {f.strip() for f in stripped[2:].split(",") if f.strip()}
            continue
        indent = len(line) - len(line.lstrip()) + (2 if obsolete else 0)
        if stripped.startswith('"'):
            if cur is None or field_name is None:
                raise POSyntaxError("a string with no msgid or msgstr before it", n, indent + 1)
            value = _unquote(stripped, n, indent + 1)
            if field_name == "msgstr":
                cur.msgstr_chunks.append(Chunk(n, indent + 2, len(cur.msgstr)))
            setattr(cur, field_name, (getattr(cur, field_name) or "") + value)
            continue
        keyword, _, rest = stripped.partition(" ")
        if keyword.startswith("msgstr["):
            keyword = "msgstr" if keyword == "msgstr[0]" else "msgstr_plural"
        if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr_plural"):
            raise POSyntaxError(f"unknown keyword {keyword!r}", n, indent + 1)
        if keyword in ("msgctxt", "msgid") and cur is not None and (
            cur.msgstr_chunks or field_name in ("msgstr", "msgstr_plural")
        ):
            finish()
        if cur is None:
            cur = POEntry(line=n, flags=flags, obsolete=obsolete)
        seen_keyword = True
        col = indent + len(keyword) + 2
        value = _unquote(rest, n, col)
        if keyword in ("msgid_plural", "msgstr_plural"):
            field_name = None
            continue
        field_name = keyword
        if keyword == "msgstr":
            cur.msgstr_chunks.append(Chunk(n, col + 1, 0))
        setattr(cur, keyword, value)
    finish()
    header: dict[str, str] = {}
    body: list[POEntry] = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            for item in entry.msgstr.splitlines():
                name, sep, value = item.partition(":")
                if sep:
                    header[name.strip()] = value.strip()
        else:
            body.append(entry)
    return header, body
