"""Harlowe 3 passages → segments: ``[[links]]``, ``(set:)``, ``(put:)``, ``(if:)``/``(unless:)``/
``(else-if:)``/``(else:)`` hooks, ``(link-goto:)``, ``(goto:)``, ``(link:)[… (goto:) …]``,
``(print:)`` and ``$variables``. Macro names ignore case, ``-`` and ``_``, as Harlowe does."""

from __future__ import annotations

import re

from crossroads.engine.twee.links import (
    Assign,
    Branch,
    Cond,
    Link,
    Print,
    Segment,
    Text,
    Unmapped,
    link_at,
    matching,
    split_args,
    string_literal,
)

_MACRO = re.compile(r"\((?P<name>[A-Za-z][\w-]*):")
_SPECIAL = re.compile(r"<!--.*?-->|<script\b.*?</script>|\[\[|\((?=[A-Za-z][\w-]*:)|"
                      r"\$[A-Za-z_]\w*|_[A-Za-z]\w*", re.DOTALL | re.IGNORECASE)
_STYLE = ("text", "font", "align", "colour", "color", "background", "bg", "css", "transition",
          "t8n", "box", "floatbox", "border", "charstyle", "linestyle", "linkstyle",
          "hoverstyle", "opacity", "nobr", "verbatim", "collapse")
_LINKS = {"link", "linkreveal", "linkrepeat", "linkrerun", "linkrevealgoto"}
_COMPUTED = {"undo", "linkundo", "clickgoto", "mouseovergoto", "mouseoutgoto", "restart",
             "reload", "linkreload"}


def norm(name: str) -> str:
    """Harlowe's macro-name rule: case, ``-`` and ``_`` do not count."""
    return name.lower().replace("-", "").replace("_", "")


def scan(text: str, start: int = 0, end: int | None = None) -> list[Segment]:
    """Read a Harlowe passage (or a hook's inside) into segments."""
    end = len(text) if end is None else end
    out: list[Segment] = []
    pos = start
    while pos < end:
        m = _SPECIAL.search(text, pos, end)
        if m is None:
            break
        if m.start() > pos:
            out.append(Text(text[pos:m.start()], pos))
        tok = m.group(0)
        at = m.start()
        if tok.startswith("<!--"):
            pos = m.end()
        elif tok.lower().startswith("<script"):
            out.append(Unmapped("CR511", "a <script> element runs JavaScript", at))
            pos = m.end()
        elif tok == "[[":
            found = link_at(text, at)
            if found is None or found[1] > end:
                out.append(Text("[[", at))
                pos = at + 2
            else:
                link, pos = found
                out.append(link if link is not None else Text(text[at:pos], at))
        elif tok.startswith("$"):
            out.append(Print(tok[1:], at))
            pos = m.end()
        elif tok.startswith("_"):
            out.append(Text(tok, at))
            pos = m.end()
        else:
            pos = _macro(text, at, end, out)
    if pos < end:
        out.append(Text(text[pos:end], pos))
    return out


def _hook_after(text: str, pos: int, end: int) -> tuple[int, int] | None:
    """(inner start, end after ``]``) of a hook right after ``pos`` (spaces allowed)."""
    j = pos
    while j < end and text[j] in " \t":
        j += 1
    if (j < end and text[j] == "[" and not text.startswith("[[", j)) or \
            text.startswith("[[[", j):
        close = matching(text, j, "[", "]", quotes="")
        if 0 < close <= end:
            return j + 1, close
    return None


def _macro(text: str, at: int, end: int, out: list[Segment]) -> int:
    m = _MACRO.match(text, at)
    assert m is not None
    close = matching(text, at, "(", ")")
    if close < 0 or close > end:
        out.append(Text(text[at:m.end()], at))
        return m.end()
    name = norm(m.group("name"))
    args = text[m.end():close - 1].strip()
    args_at = m.end() + (len(text[m.end():close - 1]) - len(text[m.end():close - 1].lstrip()))
    hook = _hook_after(text, close, end)
    after = hook[1] if hook else close
    if name == "set":
        for part in _assignments(args, args_at):
            out.append(part)
        return close
    if name == "put":
        for part in _assignments(args, args_at, put=True):
            out.append(part)
        return close
    if name in ("if", "unless"):
        return _cond(text, at, end, out, name, args, args_at, hook)
    if name in ("elseif", "else"):
        out.append(Unmapped("CR512", f"({m.group('name')}:) without an (if:) before it", at))
        return after
    if name == "linkgoto":
        parts = split_args(args)
        label = string_literal(parts[0]) if parts else None
        target = string_literal(parts[-1]) if parts else None
        if label is None or target is None:
            out.append(Unmapped("CR510", f"(link-goto: {args}): the target is computed at run "
                                "time", at))
        else:
            out.append(Link(label, target, at))
        return close
    if name == "goto":
        target = string_literal(args)
        if target is None:
            out.append(Unmapped("CR510", f"(go-to: {args}): the target is computed at run time",
                                at))
        else:
            out.append(Link("Continue", target, at, inline=False))
        return close
    if name in _LINKS:
        out.append(_link(text, at, name, args, hook))
        return after
    if name == "print":
        if re.fullmatch(r"\$[A-Za-z_]\w*", args):
            out.append(Print(args[1:], at))
        else:
            out.append(Unmapped("CR512", f"(print: {args}) prints a computed value", at))
        return close
    if name in _COMPUTED:
        out.append(Unmapped("CR510", f"({m.group('name')}:): the target is computed at run time",
                            at))
        return after
    if hook and name.startswith(_STYLE):
        out.extend(scan(text, hook[0], hook[1] - 1))
        return after
    what = "(display:) includes another passage's text" if name == "display" else \
        f"({m.group('name')}:) is not brought over"
    out.append(Unmapped("CR512", what, at))
    return after


def _assignments(args: str, at: int, put: bool = False) -> list[Segment]:
    out: list[Segment] = []
    offset = 0
    for part in split_args(args) if "," in args else [args]:
        offset = args.find(part, offset)
        source = part
        if put:
            pm = re.fullmatch(r"(.*?)\s+into\s+(\$\w+)", part.strip(), re.DOTALL)
            source = f"{pm.group(2)} to {pm.group(1)}" if pm else part
        out.append(Assign(source, at + max(offset, 0)))
    return out


def _cond(text: str, at: int, end: int, out: list[Segment], name: str, args: str,
          args_at: int, hook: tuple[int, int] | None) -> int:
    if hook is None:
        out.append(Unmapped("CR512", f"({name}:) with no hook after it", at))
        return matching(text, at, "(", ")")
    branches = [Branch(args, args_at, scan(text, hook[0], hook[1] - 1), negate=name == "unless")]
    pos = hook[1]
    while True:
        j = pos
        while j < end and text[j] in " \t\n":
            j += 1
        m = _MACRO.match(text, j)
        if m is None or norm(m.group("name")) not in ("elseif", "else"):
            return _emit(out, Cond(branches, at), pos)
        close = matching(text, j, "(", ")")
        nxt = _hook_after(text, close, end) if close > 0 else None
        if nxt is None:
            return _emit(out, Cond(branches, at), pos)
        cond_src = text[m.end():close - 1].strip()
        cond_at = m.end() + len(text[m.end():close - 1]) - len(text[m.end():close - 1].lstrip())
        body = scan(text, nxt[0], nxt[1] - 1)
        if norm(m.group("name")) == "else":
            branches.append(Branch(None, j, body))
            return _emit(out, Cond(branches, at), nxt[1])
        branches.append(Branch(cond_src, cond_at, body))
        pos = nxt[1]


def _emit(out: list[Segment], seg: Segment, pos: int) -> int:
    out.append(seg)
    return pos


def _link(text: str, at: int, name: str, args: str, hook: tuple[int, int] | None) -> Segment:
    parts = split_args(args)
    label = string_literal(parts[0]) if parts else None
    target = string_literal(parts[1]) if name == "linkrevealgoto" and len(parts) > 1 else None
    if label is None:
        return Unmapped("CR512", f"({name}: {args}): its text is computed", at)
    setters: list[tuple[str, int]] = []
    for seg in scan(text, hook[0], hook[1] - 1) if hook else []:
        if isinstance(seg, Assign):
            setters.append((seg.source, seg.offset))
        elif isinstance(seg, Link) and not seg.inline and target is None:
            target = seg.target
        elif isinstance(seg, Text) and not seg.text.strip():
            continue
        elif isinstance(seg, Unmapped):
            return seg
        else:
            return Unmapped("CR512", f"a ({name}:) hook that shows text rather than going to a "
                            "passage is not brought over", at)
    if target is None:
        return Unmapped("CR512", f"({name}:) that goes to no literal passage is not brought over",
                        at)
    return Link(label, target, at, setters)
