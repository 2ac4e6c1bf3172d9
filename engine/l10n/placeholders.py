"""Do a translation's ``{…}`` match its source's? Compared on the engine's own parse of both
(names, expressions and ``{if}`` conditions, in any order; blocks balanced), never evaluated."""

from __future__ import annotations

from collections import Counter

from crossroads.engine.templates import (
    Branch,
    Ref,
    Template,
    TemplateSyntaxError,
    Value,
    _walk,
    parse_template,
)


def _parts(template: Template) -> list[tuple[str, int]]:
    """Each ``{…}`` of a template in a comparable form, with its offset."""
    out: list[tuple[str, int]] = []
    for item in _walk(template):
        if isinstance(item, Ref):
            out.append(("{" + ".".join(item.path) + "}", item.offset))
        elif isinstance(item, Value):
            out.append(("{" + " ".join(item.source.split()) + "}", item.offset))
        elif isinstance(item, Branch):
            head = "{else}" if item.cond is None else "{if/elif " + " ".join(
                item.source.split()) + "}"
            out.append((head, item.offset))
    return out


def compare(source: str, translation: str) -> tuple[str, int] | None:
    """Why ``translation`` cannot stand for ``source`` (and the offset in the translation), or
    None when its ``{…}`` match."""
    try:
        theirs = parse_template(translation)
    except TemplateSyntaxError as err:
        return f"the translation's {{…}} do not parse: {err.message}", err.offset
    try:
        mine = _parts(parse_template(source))
    except TemplateSyntaxError:
        return None  # the story's own check reports it
    have = _parts(theirs)
    want = Counter(p for p, _ in mine)
    got = Counter(p for p, _ in have)
    for part, offset in have:
        if got[part] > want[part]:
            if not want[part]:
                return f"the translation uses {part}, which the source does not", offset
            return (f"the translation uses {part} {got[part]} times, the source "
                    f"{want[part]}", offset)
    for part, _ in mine:
        if want[part] > got[part]:
            return f"the translation leaves out {part}, which the source uses", 0
    return None
