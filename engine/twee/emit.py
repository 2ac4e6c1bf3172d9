"""Write a story mapping as YAML a person can read: block scalars for passages, flow mappings for
effects, a comment with the Twee line above each scene (no dependency on a YAML dumper)."""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9 _.,'!?()/<>=+*{}$%&;-]*$")
_RESERVED = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
    r"null|Null|NULL|~)$"
)
_NUMBERISH = re.compile(r"^[-+]?(?:\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|"
                        r"0o[0-7]+|\.inf|\.nan)$", re.IGNORECASE)


def scalar(value: Any) -> str:
    """A one-line YAML scalar: plain when that reads back as the same string, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (_PLAIN.match(text) and not text.endswith(" ") and not _RESERVED.match(text)
            and ": " not in text and " #" not in text):
        return text
    if re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", text) and not _RESERVED.match(text) \
            and not _NUMBERISH.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: str) -> str:
    """A literal block scalar (``|``) for multi-line text, or a quoted scalar when it cannot be.

    Trailing whitespace on each line is dropped; the text ends with one newline.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return '""'
    if any(ord(c) < 32 and c != "\t" for c in text.replace("\n", "")) or "\ufeff" in text:
        return json.dumps("\n".join(lines) + "\n", ensure_ascii=False)
    indicator = "|2" if lines[0][:1] in (" ", "\t") else "|"
    body = "\n".join(indent + line if line else "" for line in lines)
    return f"{indicator}\n{body}"


def flow(mapping: dict[str, Any]) -> str:
    """A flow mapping such as ``{trust: +5, time: "=10"}``."""
    parts = []
    for k, v in mapping.items():
        if isinstance(v, str) and re.fullmatch(r"[+-]\d+", v):
            parts.append(f"{scalar(k)}: {v}")
        else:
            parts.append(f"{scalar(k)}: {scalar(v)}")
    return "{" + ", ".join(parts) + "}"


def flow_list(items: list[str]) -> str:
    """A flow sequence such as ``[asked_leads, met_dana]``."""
    return "[" + ", ".join(scalar(i) for i in items) + "]"
