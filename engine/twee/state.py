"""Twine state → Crossroads meters, flags, effects and conditions.

Only what maps statically is brought over: an assignment of a literal (``to 1``, ``to true``),
``+=``/``-=`` a literal, ``$x to $x + 1`` (Harlowe's ``it + 1``), and ``Math.clamp($x + n, lo,
hi)`` (what the exporter writes); conditions built from variables, numbers, ``true``/``false``,
comparisons (``is``, ``gte``, ``>=``, ``===``, …), ``and``/``or``/``not`` (``&&``, ``||``, ``!``)
and visits (SugarCube's ``visited("P")``/``hasVisited("P")``, Harlowe's ``(history:) contains
"P"`` and ``visits``). Anything else is a problem the importer reports, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from crossroads.engine import expressions as ex

VAR = r"(?:\$|(?:window\.story\.state|story\.state|s)\.)(?P<var>[A-Za-z_]\w*)"


@dataclass(frozen=True)
class Change:
    """One mapped assignment: set (``=``) or change (``+``) a variable by a literal."""

    var: str
    op: str
    """``=`` sets, ``+`` adds (value may be negative)."""
    value: int | bool
    bounds: tuple[int, int] | None = None
    """The ``Math.clamp`` bounds the source gave, if any."""


class Unmappable(Exception):
    """A piece of state or a condition that has no static equivalent; the message says why."""


_ASSIGN = re.compile(VAR + r"\s*(?P<op>\bto\b|=(?!=)|\+=|-=)\s*(?P<value>.+?)\s*;?", re.DOTALL)
_INT = re.compile(r"-?\d+")
_SELF_ADD = r"(?:\$(?P<self>[A-Za-z_]\w*)|\bit\b)\s*(?P<sign>[+-])\s*(?P<n>\d+)"
_STEP = re.compile(_SELF_ADD)
_CLAMP = re.compile(r"Math\.clamp\(\s*" + _SELF_ADD + r"\s*,\s*(?P<lo>-?\d+)\s*,\s*(?P<hi>-?\d+)"
                    r"\s*\)")


def split_assignments(source: str) -> list[str]:
    """Split ``$a to 1, $b to 2`` (or ``;``-separated) into single assignments."""
    parts: list[str] = []
    depth, quote, cur = 0, "", ""
    for c in source:
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c in ",;" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += c
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def parse_change(source: str) -> Change:
    """Map one assignment onto a :class:`Change`.

    Raises:
        Unmappable: the value is not a literal or a step of the variable itself.
    """
    m = _ASSIGN.fullmatch(source.strip())
    if m is None:
        raise Unmappable(f"'{source.strip()}' is not an assignment to a variable")
    var, op, value = m.group("var"), m.group("op"), m.group("value").strip()
    if op in ("+=", "-="):
        if not _INT.fullmatch(value):
            raise Unmappable(f"'{source.strip()}' changes ${var} by a computed amount")
        n = int(value)
        return Change(var, "+", n if op == "+=" else -n)
    if _INT.fullmatch(value):
        return Change(var, "=", int(value))
    if value in ("true", "false"):
        return Change(var, "=", value == "true")
    for pattern in (_CLAMP, _STEP):
        sm = pattern.fullmatch(value)
        if sm is not None and sm.group("self") in (None, var):
            n = int(sm.group("n")) * (-1 if sm.group("sign") == "-" else 1)
            bounds = (int(sm.group("lo")), int(sm.group("hi"))) if pattern is _CLAMP else None
            return Change(var, "+", n, bounds)
    if value[:1] in "\"'`":
        raise Unmappable(f"${var} holds text; only numbers and true/false are brought over")
    raise Unmappable(f"${var} is set to a computed value ({value})")


# --------------------------------------------------------------------------- conditions

_TOKEN = re.compile(
    r"\s+|(?P<history>\(history:\)\s+contains\s+(?P<hq>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'))"
    r"|(?P<inhist>(?P<iq>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')\s+is\s+in\s+\(history:\))"
    r"|(?P<call>(?P<fn>visited|hasVisited)\(\s*(?P<cq>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')\s*\))"
    r"|" + VAR +
    r"|(?P<num>\d+(?![.\w]))"
    r"|(?P<op>===|!==|==|!=|>=|<=|&&|\|\||[<>!()+\-])"
    r"|(?P<word>[A-Za-z_][\w.]*)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_WORDS = {"is": "==", "eq": "==", "isnot": "!=", "neq": "!=", "gt": ">", "gte": ">=",
          "lt": "<", "lte": "<=", "and": "and", "or": "or", "not": "not", "true": "true",
          "false": "false"}
_OPS = {"===": "==", "!==": "!=", "&&": "and", "||": "or", "!": "not"}
_NUMERIC_OPS = {"==", "!=", ">", ">=", "<", "<=", "+", "-"}


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s[1:-1])


def condition_vars(source: str) -> list[tuple[str, bool]]:
    """The variables a condition reads, each with whether it is compared as a number."""
    toks = [m for m in _TOKEN.finditer(source) if m.group(0).strip()]
    found: list[tuple[str, bool]] = []
    for k, m in enumerate(toks):
        if m.group("var"):
            near = [toks[j] for j in (k - 1, k + 1) if 0 <= j < len(toks)]
            numeric = any((t.group("op") and _OPS.get(t.group(0), t.group(0)) in _NUMERIC_OPS
                           and t.group(0) not in ("==", "!=", "===", "!=="))
                          or (t.group("word") in ("gt", "gte", "lt", "lte"))
                          for t in near) or any(
                t.group("num") for t in toks[max(0, k - 2):k + 3])
            found.append((m.group("var"), numeric))
    return found


def translate_condition(
    source: str,
    meters: Mapping[str, object],
    flags: Mapping[str, object] | set[str],
    scene_of: Callable[[str], str | None],
    here: str,
) -> str:
    """Translate a Twine condition into the Crossroads condition language.

    Args:
        source: the condition as written in the passage.
        meters: variable names that became meters.
        flags: variable names that became flags.
        scene_of: maps a passage name to its scene id (None when there is no such passage).
        here: the scene id of the passage the condition is in (Harlowe's ``visits``).

    Raises:
        Unmappable: a part of the condition has no static equivalent.
    """
    out: list[str] = []
    toks = [m for m in _TOKEN.finditer(source) if m.group(0).strip()]
    k = 0
    while k < len(toks):
        m = toks[k]
        text = m.group(0)
        if m.group("history") or m.group("inhist") or m.group("call"):
            name = _unquote(m.group("hq") or m.group("iq") or m.group("cq"))
            sid = scene_of(name)
            if sid is None:
                raise Unmappable(f"the condition names passage {name!r}, which does not exist")
            fn = "visits" if m.group("fn") == "visited" else "visited"
            out.append(f'{fn}("{sid}")')
        elif m.group("var"):
            var = m.group("var")
            if var not in meters and var not in flags:
                raise Unmappable(f"${var} is not a number or true/false variable")
            out.append(var)
        elif m.group("num"):
            out.append(text)
        elif m.group("op"):
            out.append(_OPS.get(text, text))
        elif m.group("word"):
            word = text
            if word == "is" and k + 1 < len(toks) and toks[k + 1].group(0) == "not":
                out.append("!=")
                k += 2
                continue
            if word in ("visits", "visit"):
                out.append(f'visits("{here}")')
            elif word in _WORDS:
                out.append(_WORDS[word])
            else:
                raise Unmappable(f"'{word}' in the condition has no equivalent")
        else:
            raise Unmappable(f"'{text}' in the condition has no equivalent")
        k += 1
    # a meter on its own is JavaScript truthiness: not zero
    for i, tok in enumerate(out):
        if tok in meters:
            prev = out[i - 1] if i else ""
            nxt = out[i + 1] if i + 1 < len(out) else ""
            if prev not in _NUMERIC_OPS and nxt not in _NUMERIC_OPS:
                out[i] = f"{tok} != 0"
    expr = " ".join(out).replace("( ", "(").replace(" )", ")")
    try:
        node = ex.parse(expr)
    except ex.ExpressionSyntaxError as err:
        raise Unmappable(f"the condition has no equivalent ({err.message})") from None
    problems = ex.check(node, set(meters), set(flags), _AnyScene())
    if problems:
        raise Unmappable(f"the condition has no equivalent ({problems[0].message})")
    return expr


class _AnyScene(set[str]):
    """Scene ids were resolved already: every name counts as a scene here."""

    def __contains__(self, item: object) -> bool:
        return True
