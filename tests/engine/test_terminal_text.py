"""Text about to be printed on a terminal: nothing in it a terminal would obey."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.engine.terminal_text import json_safe, one_line, terminal_safe

HOSTILE = "Ann\x1b]0;pwned\x07\x1b[2J\nFake: line\u202eexe.txt"
"""A retitle (OSC), a screen clear (CSI), a line break and a right-to-left override."""

_OBEYED = {chr(c) for c in range(0x20) if c not in (9, 10)} | {chr(c) for c in range(0x7F, 0xA0)}
_OBEYED |= {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)}


def test_whole_sequences_go_newlines_and_tabs_stay() -> None:
    text = "a\x1b[2J\x1b[31mb\x1b]0;title\x07c\x1b]8;;http://x\x1b\\d\x00\x9b2Je\n\tf\x1bcg"
    assert terminal_safe(text) == "abcde\n\tfg"
    assert terminal_safe("Ünïcødé — “quotes” ✓ 日本") == "Ünïcødé — “quotes” ✓ 日本"


def test_carriage_returns_and_separators_cannot_overwrite_a_line() -> None:
    assert terminal_safe("real\rfake") == "real\nfake"
    assert terminal_safe("a\u2028b\u2029c\x0bd\x0ce\x85f") == "a\nb\nc\nd\ne\nf"


def test_bidi_overrides_and_isolates_go() -> None:
    assert terminal_safe("gnp.\u202eexe\u202c \u2066x\u2069 \u202ay\u202b") == "gnp.exe x y"


def test_an_unterminated_title_sequence_does_not_swallow_the_next_line() -> None:
    assert terminal_safe("a\x1b]0;title\nnext") == "a\nnext"


def test_one_line_shows_line_breaks() -> None:
    assert one_line(HOSTILE) == "Ann ⏎ Fake: lineexe.txt"
    assert one_line("a\tb") == "a b"
    assert one_line("x\ny", " ") == "x y"
    assert one_line("  padded  ") == "  padded  "


def test_json_safe_is_the_same_json_with_nothing_obeyed() -> None:
    data = {"text": HOSTILE + "\x9b2J\u2028", "n": 1}
    text = json_safe(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert not _OBEYED & set(text)


@given(st.text())
def test_nothing_a_terminal_obeys_survives(text: str) -> None:
    assert not (_OBEYED - {"\n"}) & set(terminal_safe(text))
    assert not _OBEYED & set(one_line(text))
    assert "\x1b" not in one_line(text)


@pytest.mark.parametrize("text", ["plain words", "", "tab\tand\nnewline"])
def test_clean_text_is_unchanged(text: str) -> None:
    assert terminal_safe(text) == text
