"""Textual ``Content`` from a translated template with ``{named}`` fields.

A translation may put its fields in any order, so styled parts (a bold name, a dim aside) are
filled into the translated sentence rather than glued together from fragments. Every field is
literal text (never markup), whoever wrote it.
"""

from __future__ import annotations

import re

from textual.content import Content

_FIELD = re.compile(r"\{(\w+)\}")


def fill(template: str, text_style: str = "", **fields: str | tuple[str, str]) -> Content:
    """``template`` with each ``{name}`` replaced by ``fields[name]``: a string, or a
    ``(text, style)`` pair; the rest of the template is plain text too (in ``text_style``).

    Raises:
        KeyError: the template names a field that was not given.
    """
    parts: list[str | tuple[str, str]] = []
    for i, piece in enumerate(_FIELD.split(template)):
        if i % 2 == 0:
            if piece:
                parts.append((piece, text_style) if text_style else piece)
        else:
            parts.append(fields[piece])
    return Content.assemble(*parts)
