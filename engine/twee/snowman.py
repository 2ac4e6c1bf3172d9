"""Snowman 2 passages → segments: ``[[links]]``, ``<a data-passage="P">``, ``<% s.x = 1 %>``,
``<% if (…) { %>…<% } else { %>…<% } %>``, ``<%= s.x %>`` and ``story.show("P")``.

Snowman's text is Markdown already; anything else inside ``<% %>`` is JavaScript and reported.
"""

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
)

_TOKEN = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|(?P<link>\[\[)"
    r"|<%(?P<mode>[=-]?)(?P<code>.*?)%>"
    r"|(?P<anchor><a\b[^>]*\bdata-passage\s*=\s*(?P<q>[\"'])(?P<target>.*?)(?P=q)[^>]*>"
    r"(?P<label>.*?)</a>)"
    r"|(?P<script><script\b.*?</script>)",
    re.DOTALL | re.IGNORECASE,
)
_IF = re.compile(r"\s*if\s*\((?P<cond>.*)\)\s*\{\s*", re.DOTALL)
_ELSEIF = re.compile(r"\s*\}\s*else\s+if\s*\((?P<cond>.*)\)\s*\{\s*", re.DOTALL)
_ELSE = re.compile(r"\s*\}\s*else\s*\{\s*")
_END = re.compile(r"\s*\}\s*;?\s*")
_ASSIGN = re.compile(r"\s*(?:window\.story\.state|story\.state|s)\.(?P<var>[A-Za-z_]\w*)\s*"
                     r"(?P<op>\+=|-=|=(?!=))\s*(?P<value>.+?)\s*")
_SHOW = re.compile(r"\s*(?:window\.)?story\.show\(\s*(?P<q>[\"'])(?P<target>.*?)(?P=q)\s*\)\s*")
_PRINT = re.compile(r"\s*(?:window\.story\.state|story\.state|s)\.(?P<var>[A-Za-z_]\w*)\s*;?\s*")


def scan(text: str) -> list[Segment]:
    """Read a Snowman passage into segments."""
    root: list[Segment] = []
    stack: list[tuple[Cond, list[Segment]]] = []
    out = root
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() < pos:
            continue
        if m.start() > pos:
            out.append(Text(text[pos:m.start()], pos))
        pos = m.end()
        at = m.start()
        if m.group("comment"):
            continue
        if m.group("link"):
            found = link_at(text, at)
            if found is None:
                out.append(Text("[[", at))
                pos = at + 2
                continue
            link, pos = found
            out.append(link if link is not None else Text(text[at:pos], at))
        elif m.group("anchor"):
            out.append(Link(m.group("label"), m.group("target"), at))
        elif m.group("script"):
            out.append(Unmapped("CR511", "a <script> element runs JavaScript", at))
        elif m.group("mode") in ("=", "-"):
            pm = _PRINT.fullmatch(m.group("code"))
            out.append(Print(pm.group("var"), at) if pm else
                       Unmapped("CR511", "<%= … %> prints a value computed by JavaScript", at))
        else:
            code = m.group("code")
            code_at = m.start("code")
            if (im := _IF.fullmatch(code)) is not None:
                cond = Cond([Branch(im.group("cond"), code_at + im.start("cond"), [])], at)
                out.append(cond)
                stack.append((cond, out))
                out = cond.branches[-1].body
            elif stack and (em := _ELSEIF.fullmatch(code)) is not None:
                cond = stack[-1][0]
                cond.branches.append(Branch(em.group("cond"), code_at + em.start("cond"), []))
                out = cond.branches[-1].body
            elif stack and _ELSE.fullmatch(code):
                cond = stack[-1][0]
                cond.branches.append(Branch(None, at, []))
                out = cond.branches[-1].body
            elif stack and _END.fullmatch(code):
                out = stack.pop()[1]
            else:
                out.extend(_statements(code, code_at))
    if pos < len(text):
        out.append(Text(text[pos:], pos))
    if stack:
        root.append(Unmapped("CR511", "an <% if %> block is not closed", stack[-1][0].offset))
    return root


def _statements(code: str, at: int) -> list[Segment]:
    out: list[Segment] = []
    offset = 0
    for stmt in re.split(r"[;\n]", code):
        where = at + code.find(stmt, offset) if stmt else at
        offset += len(stmt) + 1
        if not stmt.strip():
            continue
        if (am := _ASSIGN.fullmatch(stmt)) is not None:
            op = {"=": "to", "+=": "+=", "-=": "-="}[am.group("op")]
            out.append(Assign(f"${am.group('var')} {op} {am.group('value')}", where))
        elif (sm := _SHOW.fullmatch(stmt)) is not None:
            out.append(Link("Continue", sm.group("target"), where, inline=False))
        else:
            out.append(Unmapped("CR511", f"JavaScript is not brought over: {stmt.strip()[:40]}",
                                where))
    return out
