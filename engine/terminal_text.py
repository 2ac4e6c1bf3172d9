"""Author and learner text made safe to print on a terminal: the one place that does it.

A story, a learner's name or another learner's reflection may hold bytes a terminal obeys:
``ESC ] 0 ; title BEL`` retitles the window, ``ESC [ 2 J`` clears it, a carriage return
overwrites the line, a right-to-left override (U+202E) makes ``txt.exe`` read as ``exe.txt``.
Everything printed from such text goes through :func:`terminal_safe` (text that may span lines:
newlines and tabs kept) or :func:`one_line` (a record that must stay on its own line: a line
break becomes a visible ``⏎``).

Removed: whole escape sequences (CSI ``ESC [ … final``, OSC/DCS/SOS/PM/APC strings up to their
terminator, two-character ``ESC x`` sequences, and their 8-bit C1 forms), every other C0 and C1
control character and DEL, and the bidirectional embeddings, overrides and isolates
(U+202A–U+202E, U+2066–U+2069).
"""

from __future__ import annotations

import re

__all__ = ["one_line", "terminal_safe"]

_STRING_BODY = r"[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
"""The body of an OSC/DCS/SOS/PM/APC string up to its terminator (BEL or ST), never past a
line break, so a record after an unterminated string still prints."""

_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: colours, cursor moves, clearing
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # CSI, 8-bit form
    r"|\x1b[\]PX^_]" + _STRING_BODY  # OSC (window title, links), DCS, SOS, PM, APC
    + r"|[\x90\x98\x9d\x9e\x9f]" + _STRING_BODY  # the same, 8-bit forms
    + r"|\x1b[ -/]*[0-~]?"  # any other escape sequence (ESC c resets the terminal)
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Any control character left (C0 but newline and tab, DEL, C1) and the bidi controls."""
_BREAK = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
"""Every way text may break a line on a terminal or in a viewer."""


def terminal_safe(text: str) -> str:
    """``text`` without anything a terminal would obey; newlines and tabs stay.

    Carriage returns, vertical tabs, form feeds and the Unicode line and paragraph separators
    become newlines first, so no line overwrites another.
    """
    text = _BREAK.sub("\n", text)
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


def one_line(text: str, newline: str = " ⏎ ") -> str:
    """``text`` safe for a terminal and on one line: each line break shows as ``newline``
    (default ``" ⏎ "``), a tab as a space, so a record can never print a fake record."""
    lines = terminal_safe(text).replace("\t", " ").split("\n")
    return newline.join(line.strip() if len(lines) > 1 else line for line in lines)


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_safe(json_text: str) -> str:
    """JSON (written with ``ensure_ascii=False``) with the characters a terminal obeys that
    JSON leaves raw (DEL, C1 controls, bidi controls, line and paragraph separators) written as
    ``\\uXXXX`` escapes; still the same JSON. (JSON itself escapes C0 controls.)"""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
