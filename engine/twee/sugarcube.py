"""SugarCube 2 passages → segments: ``[[links]]``, ``<<set>>``, ``<<if>>``, ``<<link>>``,
``<<button>>``, ``<<goto>>``, ``<<actions>>``, ``<<print>>`` and naked ``$variables``."""

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
    split_args,
    split_link,
    string_literal,
)

_TOKEN = re.compile(
    r"(?P<comment>/\*.*?\*/|<!--.*?-->|/%.*?%/)"
    r"|(?P<link>\[\[)"
    r"|<<(?P<close>/|end)?(?P<name>[A-Za-z][\w-]*|=|-)"
    r"(?P<args>(?:[^>\"']|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|>(?!>))*)>>"
    r"|(?P<var>\$[A-Za-z_]\w*)",
    re.DOTALL,
)

_TRANSPARENT = {"nobr", "silently"}
_JS = {"run", "script"}
_COMPUTED = {"back", "return"}
_INLINE_OTHER = {"include", "display"}


class _Tok:
    __slots__ = ("args", "kind", "link", "name", "offset", "text")

    def __init__(self, kind: str, offset: int, name: str = "", args: str = "",
                 text: str = "", link: Link | None = None) -> None:
        self.kind, self.offset, self.name, self.args = kind, offset, name, args
        self.text, self.link = text, link


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() < pos:
            continue
        if m.start() > pos:
            out.append(_Tok("text", pos, text=text[pos:m.start()]))
        if m.group("comment"):
            pos = m.end()
            continue
        if m.group("link"):
            found = link_at(text, m.start())
            if found is None:
                out.append(_Tok("text", m.start(), text="[["))
                pos = m.start() + 2
                continue
            link, end = found
            if link is None:
                out.append(_Tok("text", m.start(), text=text[m.start():end]))
            else:
                out.append(_Tok("link", m.start(), link=link))
            pos = end
            continue
        if m.group("var"):
            out.append(_Tok("var", m.start(), name=m.group("var")[1:]))
        else:
            kind = "close" if m.group("close") else "macro"
            name = m.group("name")
            if kind == "macro" and name in ("endif", "endlink", "endbutton", "endnobr"):
                kind, name = "close", name[3:]
            out.append(_Tok(kind, m.start(), name=name, args=m.group("args").strip()))
        pos = m.end()
    if pos < len(text):
        out.append(_Tok("text", pos, text=text[pos:]))
    return out


def _target(arg: str) -> tuple[str | None, str | None]:
    """(text, target) of a macro argument: a string literal or ``[[link]]`` markup."""
    value = string_literal(arg)
    if value is not None:
        return value, value
    if arg.startswith("[[") and arg.endswith("]]"):
        parts = split_link(arg[2:-2])
        if parts:
            return parts[0], parts[1]
    return None, None


def scan(text: str) -> list[Segment]:
    """Read a SugarCube passage into segments."""
    toks = _tokens(text)
    closes = {t.name for t in toks if t.kind == "close"}
    segs, _ = _block(toks, 0, closes, None)
    return segs


def _block(toks: list[_Tok], i: int, closes: set[str], until: str | None
           ) -> tuple[list[Segment], int]:
    """Read segments until ``<</until>>`` (or an ``elseif``/``else`` when until is ``if``)."""
    out: list[Segment] = []
    while i < len(toks):
        t = toks[i]
        if t.kind == "text":
            out.append(Text(t.text, t.offset))
        elif t.kind == "link":
            assert t.link is not None
            out.append(t.link)
        elif t.kind == "var":
            out.append(Print(t.name, t.offset))
        elif t.kind == "close":
            if t.name == until:
                return out, i
            out.append(Unmapped("CR512", f"stray <</{t.name}>>", t.offset))
        elif until == "if" and (t.name == "elseif" or t.name == "else"):
            return out, i
        else:
            seg, i = _macro(toks, i, closes)
            if seg is not None:
                out.append(seg)
        i += 1
    return out, i


def _skip_to_close(toks: list[_Tok], i: int, name: str) -> int:
    depth = 0
    for j in range(i + 1, len(toks)):
        t = toks[j]
        if t.name == name and t.kind == "macro":
            depth += 1
        elif t.name == name and t.kind == "close":
            if depth == 0:
                return j
            depth -= 1
    return len(toks)


def _macro(toks: list[_Tok], i: int, closes: set[str]) -> tuple[Segment | None, int]:
    t = toks[i]
    name, args = t.name, t.args
    if name == "set":
        return Assign(args, t.offset + 2 + len(name) + 1), i
    if name == "if":
        return _if(toks, i, closes)
    if name in ("link", "button"):
        return _link_macro(toks, i, closes)
    if name == "goto":
        _, target = _target(args)
        if target is None:
            return Unmapped("CR510", f"<<goto {args}>>: the target is computed at run time",
                            t.offset), i
        return Link("Continue", target, t.offset, inline=False), i
    if name in ("actions", "choice"):
        links: list[Segment] = []
        for a in split_args(args):
            label, target = _target(a)
            if target is None:
                links.append(Unmapped("CR510", f"<<{name}>> argument {a} is computed at run "
                                      "time", t.offset))
            else:
                links.append(Link(label or target, target, t.offset))
        return Cond([Branch(None, t.offset, links)], t.offset), i
    if name in ("print", "=", "-"):
        if re.fullmatch(r"\$[A-Za-z_]\w*", args):
            return Print(args[1:], t.offset), i
        return Unmapped("CR512", f"<<{name} {args}>> prints a computed value", t.offset), i
    if name in _TRANSPARENT:
        body, j = _block(toks, i + 1, closes, name)
        return Cond([Branch(None, t.offset, body)], t.offset), j
    end = _skip_to_close(toks, i, name) if name in closes else i
    if name in _JS:
        return Unmapped("CR511", f"<<{name}>> runs JavaScript", t.offset), end
    if name in _COMPUTED:
        return Unmapped("CR510", f"<<{name}>>: the target is computed at run time", t.offset), end
    if name in _INLINE_OTHER:
        return Unmapped("CR512", f"<<{name} {args}>> includes another passage's text",
                        t.offset), end
    return Unmapped("CR512", f"<<{name}>> (a macro or widget) is not brought over",
                    t.offset), end


def _if(toks: list[_Tok], i: int, closes: set[str]) -> tuple[Segment, int]:
    start = toks[i]
    branches: list[Branch] = []
    cond: str | None = start.args
    at = start.offset + 5
    while True:
        body, j = _block(toks, i + 1, closes, "if")
        branches.append(Branch(cond, at, body))
        if j >= len(toks) or toks[j].kind == "close":
            return Cond(branches, start.offset), j
        t = toks[j]
        if t.name == "elseif":
            cond, at = t.args, t.offset + 9
        elif t.args.startswith("if "):  # <<else if …>>
            cond, at = t.args[3:], t.offset + 10
        else:
            cond, at = None, t.offset
        i = j


def _link_macro(toks: list[_Tok], i: int, closes: set[str]) -> tuple[Segment, int]:
    t = toks[i]
    args = split_args(t.args)
    label, target = _target(args[0]) if args else (None, None)
    if len(args) > 1:
        _, target = _target(args[1])
        if target is None:
            target = ""
    body: list[Segment] = []
    j = i
    if t.name in closes:
        body, j = _block(toks, i + 1, closes, t.name)
    setters: list[tuple[str, int]] = []
    for seg in body:
        if isinstance(seg, Assign):
            setters.append((seg.source, seg.offset))
        elif isinstance(seg, Link) and not seg.inline and not target:
            target = seg.target
        elif isinstance(seg, Text) and not seg.text.strip():
            continue
        elif isinstance(seg, Unmapped):
            return seg, j
        else:
            return Unmapped("CR512", f"<<{t.name}>> with content other than <<set>> and <<goto>>"
                            " is not brought over", t.offset), j
    if label is None:
        return Unmapped("CR512", f"<<{t.name} {t.args}>>: its text is computed", t.offset), j
    if not target:
        return Unmapped("CR510", f"<<{t.name} {t.args}>> leads to no literal passage",
                        t.offset), j
    return Link(label, target, t.offset, setters), j
