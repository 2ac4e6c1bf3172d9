"""The condition language: parsed into an AST of our own and evaluated by our own code.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum     := atom (("+" | "-") atom)*
    atom    := INT | "true" | "false" | NAME | "-" atom
             | "visited" "(" STRING ")" | "visits" "(" STRING ")" | "(" expr ")"

Names are meters (numbers) or flags (booleans). ``visited("scene")`` is a boolean,
``visits("scene")`` a number. Nothing here calls ``eval``/``exec``/``compile``: evaluation walks
the tree (or closures built from it) with plain Python operators.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

Type = Literal["int", "bool"]


class ExpressionSyntaxError(Exception):
    """An expression failed to parse; ``offset`` is the 0-based column inside the expression."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class ExprProblem:
    """A semantic problem inside a parsed expression (unknown name, wrong type)."""

    code: str
    message: str
    offset: int
    hint: str = ""


class State(Protocol):
    """What an expression reads: meter values, set flags and scene visit counts."""

    @property
    def meters(self) -> Mapping[str, int]: ...  # pragma: no cover - protocol

    @property
    def flags(self) -> Set[str]: ...  # pragma: no cover - protocol

    @property
    def visits(self) -> Mapping[str, int]: ...  # pragma: no cover - protocol


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Num:
    """An integer literal."""

    value: int
    pos: int


@dataclass(frozen=True, slots=True)
class Bool:
    """``true`` or ``false``."""

    value: bool
    pos: int


@dataclass(frozen=True, slots=True)
class Name:
    """A meter or flag name."""

    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class SceneCall:
    """``visited("scene")`` (boolean) or ``visits("scene")`` (count)."""

    func: Literal["visited", "visits"]
    scene: str
    pos: int
    arg_pos: int


@dataclass(frozen=True, slots=True)
class Not:
    """Logical negation."""

    operand: Expr
    pos: int


@dataclass(frozen=True, slots=True)
class BoolOp:
    """``and`` / ``or`` over two or more operands."""

    op: Literal["and", "or"]
    operands: tuple[Expr, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison of two numbers (or two booleans with ``==``/``!=``)."""

    op: str
    left: Expr
    right: Expr
    pos: int


@dataclass(frozen=True, slots=True)
class Arith:
    """Addition or subtraction of numbers."""

    op: Literal["+", "-"]
    left: Expr
    right: Expr
    pos: int


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Expr
    pos: int


Expr = Num | Bool | Name | SceneCall | Not | BoolOp | Compare | Arith | Neg

# --------------------------------------------------------------------------- lexer

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<int>\d+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"[^"\n]*"|'[^'\n]*')
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\+|-)
  | (?P<bad>&&|\|\||!|=|.)
    """,
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "true", "false"}
_MISTAKES = {
    "&&": "use 'and' instead of '&&'",
    "||": "use 'or' instead of '||'",
    "!": "use 'not' instead of '!'",
    "=": "use '==' to compare",
}

Token = tuple[str, str, int]  # kind, text, offset


def _tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "bad"
        text = match.group()
        if kind == "ws":
            continue
        if kind == "bad":
            hint = _MISTAKES.get(text)
            msg = f"unexpected {text!r}" + (f": {hint}" if hint else "")
            raise ExpressionSyntaxError(msg, match.start())
        if kind == "name" and text in _KEYWORDS:
            kind = text
        tokens.append((kind, text, match.start()))
    tokens.append(("end", "", len(source)))
    return tokens


# --------------------------------------------------------------------------- parser

_COMPARE_OPS = {"==", "!=", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if tok[1] != text or tok[0] == "str":
            found = "the end of the expression" if tok[0] == "end" else repr(tok[1])
            raise ExpressionSyntaxError(f"expected {text!r}, found {found}", tok[2])
        return self.take()

    def parse(self) -> Expr:
        if self.peek()[0] == "end":
            raise ExpressionSyntaxError("empty expression", 0)
        node = self.parse_or()
        tok = self.peek()
        if tok[0] != "end":
            raise ExpressionSyntaxError(
                f"unexpected {tok[1]!r} after a complete expression", tok[2]
            )
        return node

    def parse_or(self) -> Expr:
        first = self.parse_and()
        if self.peek()[0] != "or":
            return first
        operands = [first]
        while self.peek()[0] == "or":
            self.take()
            operands.append(self.parse_and())
        return BoolOp("or", tuple(operands), _pos(first))

    def parse_and(self) -> Expr:
        first = self.parse_not()
        if self.peek()[0] != "and":
            return first
        operands = [first]
        while self.peek()[0] == "and":
            self.take()
            operands.append(self.parse_not())
        return BoolOp("and", tuple(operands), _pos(first))

    def parse_not(self) -> Expr:
        tok = self.peek()
        if tok[0] == "not":
            self.take()
            return Not(self.parse_not(), tok[2])
        return self.parse_compare()

    def parse_compare(self) -> Expr:
        left = self.parse_sum()
        tok = self.peek()
        if tok[0] == "op" and tok[1] in _COMPARE_OPS:
            self.take()
            right = self.parse_sum()
            nxt = self.peek()
            if nxt[0] == "op" and nxt[1] in _COMPARE_OPS:
                raise ExpressionSyntaxError(
                    "comparisons cannot be chained: join them with 'and'", nxt[2]
                )
            return Compare(tok[1], left, right, tok[2])
        return left

    def parse_sum(self) -> Expr:
        node = self.parse_atom()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            tok = self.take()
            right = self.parse_atom()
            node = Arith("+" if tok[1] == "+" else "-", node, right, tok[2])
        return node

    def parse_atom(self) -> Expr:
        kind, text, pos = self.take()
        if kind == "int":
            return Num(int(text), pos)
        if kind in ("true", "false"):
            return Bool(kind == "true", pos)
        if kind == "op" and text == "-":
            return Neg(self.parse_atom(), pos)
        if kind == "op" and text == "(":
            inner = self.parse_or()
            self.expect(")")
            return inner
        if kind == "name":
            if text in ("visited", "visits") and self.peek()[1] == "(":
                self.take()
                arg = self.take()
                if arg[0] != "str":
                    raise ExpressionSyntaxError(
                        f'{text}() takes a scene id in quotes, e.g. {text}("inbox")', arg[2]
                    )
                self.expect(")")
                func: Literal["visited", "visits"] = "visited" if text == "visited" else "visits"
                return SceneCall(func, arg[1][1:-1], pos, arg[2])
            return Name(text, pos)
        if kind == "end":
            raise ExpressionSyntaxError("the expression ends too early", pos)
        if kind == "str":
            raise ExpressionSyntaxError(
                "text in quotes is only allowed inside visited(...) or visits(...)", pos
            )
        raise ExpressionSyntaxError(f"unexpected {text!r}", pos)


def _pos(node: Expr) -> int:
    return node.pos


@lru_cache(maxsize=65536)
def parse(source: str) -> Expr:
    """Parse an expression into an AST.

    Args:
        source: the expression text, e.g. ``trust >= 40 and not asked_leads``.

    Returns:
        The root node of the expression.

    Raises:
        ExpressionSyntaxError: with the 0-based offset where parsing failed.
    """
    return _Parser(source).parse()


# --------------------------------------------------------------------------- checking


def check(
    node: Expr,
    meters: Set[str],
    flags: Set[str],
    scenes: Set[str],
    want: Type | None = "bool",
) -> list[ExprProblem]:
    """Check names and types; return the problems found (empty when the expression is sound).

    Args:
        node: a parsed expression.
        meters: declared meter names.
        flags: declared flag names.
        scenes: scene ids (for ``visited``/``visits``).
        want: the type the context needs (``bool`` for conditions, ``int`` for printed values).
    """
    problems: list[ExprProblem] = []

    def typeof(n: Expr) -> Type | None:
        if isinstance(n, Num):
            return "int"
        if isinstance(n, Bool):
            return "bool"
        if isinstance(n, Name):
            if n.name in meters:
                return "int"
            if n.name in flags:
                return "bool"
            problems.append(
                ExprProblem(
                    "CR121",
                    f"{n.name!r} is not a declared meter or flag",
                    n.pos,
                    "declare it under 'meters:' or 'flags:', or fix the spelling",
                )
            )
            return None
        if isinstance(n, SceneCall):
            if n.scene not in scenes:
                problems.append(
                    ExprProblem(
                        "CR124",
                        f"{n.func}() names scene {n.scene!r}, which does not exist",
                        n.arg_pos,
                        "use the id of a scene under 'scenes:'",
                    )
                )
            return "bool" if n.func == "visited" else "int"
        if isinstance(n, Not):
            expect(n.operand, "bool", "'not' needs a condition")
            return "bool"
        if isinstance(n, BoolOp):
            for operand in n.operands:
                expect(operand, "bool", f"'{n.op}' joins conditions")
            return "bool"
        if isinstance(n, Arith):
            expect(n.left, "int", f"'{n.op}' works on numbers")
            expect(n.right, "int", f"'{n.op}' works on numbers")
            return "int"
        if isinstance(n, Neg):
            expect(n.operand, "int", "'-' works on numbers")
            return "int"
        # Compare
        lt, rt = typeof(n.left), typeof(n.right)
        if lt and rt:
            if n.op in ("==", "!="):
                if lt != rt:
                    problems.append(
                        ExprProblem(
                            "CR122",
                            f"cannot compare a {_noun(lt)} with a {_noun(rt)}",
                            n.pos,
                        )
                    )
            elif lt != "int" or rt != "int":
                problems.append(
                    ExprProblem("CR122", f"'{n.op}' compares numbers, not flags", n.pos)
                )
        return "bool"

    def expect(n: Expr, typ: Type, why: str) -> None:
        got = typeof(n)
        if got is not None and got != typ:
            problems.append(
                ExprProblem(
                    "CR122",
                    f"{why}, but this is a {_noun(got)}",
                    n.pos,
                    _type_hint(n, typ),
                )
            )

    if want is None:
        typeof(node)
    else:
        expect(node, want, "this must be a " + _noun(want))
    return problems


def _noun(t: Type) -> str:
    return "number" if t == "int" else "condition"


def _type_hint(n: Expr, want: Type) -> str:
    if want == "bool" and isinstance(n, Name):
        return f"compare it, e.g. '{n.name} >= 50'"
    return ""


def names(node: Expr) -> set[str]:
    """Return every meter/flag name the expression reads."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Name):
            out.add(n.name)
    return out


def scene_refs(node: Expr) -> set[str]:
    """Return every scene named by ``visited``/``visits`` in the expression."""
    return {n.scene for n in walk(node) if isinstance(n, SceneCall)}


def children(node: Expr) -> tuple[Expr, ...]:
    """The node's direct sub-expressions, left to right (none for a leaf)."""
    if isinstance(node, (Not, Neg)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    return ()


def walk(node: Expr) -> list[Expr]:
    """Return the node and all of its descendants, depth first."""
    out: list[Expr] = []
    stack: list[Expr] = [node]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(children(n))
    return out


# --------------------------------------------------------------------------- evaluation

Evaluator = Callable[[State], "int | bool"]

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compile_expr(node: Expr, flags: Set[str] = frozenset()) -> Evaluator:
    """Build a fast evaluator (nested closures, no ``eval``) for a checked expression.

    Args:
        node: a parsed, checked expression.
        flags: declared flag names, to tell flags from meters.
    """
    if isinstance(node, Num):
        value = node.value
        return lambda s: value
    if isinstance(node, Bool):
        bvalue = node.value
        return lambda s: bvalue
    if isinstance(node, Name):
        name = node.name
        if name in flags:
            return lambda s: name in s.flags
        return lambda s: s.meters.get(name, 0)
    if isinstance(node, SceneCall):
        scene = node.scene
        if node.func == "visited":
            return lambda s: s.visits.get(scene, 0) > 0
        return lambda s: s.visits.get(scene, 0)
    if isinstance(node, Not):
        inner = compile_expr(node.operand, flags)
        return lambda s: not inner(s)
    if isinstance(node, Neg):
        neg = compile_expr(node.operand, flags)
        return lambda s: -int(neg(s))
    if isinstance(node, BoolOp):
        parts = tuple(compile_expr(o, flags) for o in node.operands)
        if node.op == "and":
            return lambda s: all(p(s) for p in parts)
        return lambda s: any(p(s) for p in parts)
    if isinstance(node, Arith):
        left, right = compile_expr(node.left, flags), compile_expr(node.right, flags)
        if node.op == "+":
            return lambda s: int(left(s)) + int(right(s))
        return lambda s: int(left(s)) - int(right(s))
    cmp = _CMP[node.op]
    cl, cr = compile_expr(node.left, flags), compile_expr(node.right, flags)
    return lambda s: cmp(cl(s), cr(s))


def evaluate(node: Expr, state: State, flags: Set[str] = frozenset()) -> int | bool:
    """Evaluate an expression against a state (convenience over :func:`compile_expr`)."""
    return compile_expr(node, flags)(state)


def to_source(node: Expr) -> str:
    """Render an AST back to canonical source text (used in messages and exports)."""
    if isinstance(node, Num):
        return str(node.value)
    if isinstance(node, Bool):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, SceneCall):
        return f'{node.func}("{node.scene}")'
    if isinstance(node, Not):
        return f"not {to_source(node.operand)}"
    if isinstance(node, Neg):
        return f"-{to_source(node.operand)}"
    if isinstance(node, BoolOp):
        return "(" + f" {node.op} ".join(to_source(o) for o in node.operands) + ")"
    if isinstance(node, Arith):
        return f"{to_source(node.left)} {node.op} {to_source(node.right)}"
    return f"{to_source(node.left)} {node.op} {to_source(node.right)}"
