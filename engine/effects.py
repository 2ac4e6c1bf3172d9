"""Effects on meters as authors write them: ``+5``, ``-10``, ``=50`` or a plain number."""

from __future__ import annotations

import re

EFFECT_PATTERN = re.compile(r"^([+=-]?)\s*(\d+)$")


def parse_effect(value: int | str) -> tuple[str, int]:
    """Split an effect into ``("+", n)`` (a change, n may be negative) or ``("=", n)``."""
    if isinstance(value, int):
        return "+", value
    match = EFFECT_PATTERN.match(value.strip())
    assert match is not None  # validated on load
    sign, digits = match.groups()
    if sign == "=":
        return "=", int(digits)
    return "+", -int(digits) if sign == "-" else int(digits)
