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

Limits (hostile input ends in a positioned error, never in ``RecursionError``): an expression
nests at most :data:`MAX_DEPTH` levels deep (parentheses, ``not``, unary ``-`` and the tree they
build), holds at most :data:`MAX_TERMS` terms, and its numbers lie within ±:data:`MAX_NUMBER`.
A long sum is built as a balanced tree, so every walk over a parsed expression stays shallow.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

Type = Literal["int", "bool"]

#: Deepest nesting an expression may have (levels of parentheses, ``not`` and unary ``-``, and
#: depth of the parsed tree).
MAX_DEPTH = 100
#: Most terms (numbers, names, ``true``/``false``, ``visited``/``visits``) in one expression.
MAX_TERMS = 10_000
#: Every number in a story (meter bounds, effects, literals) lies within ±MAX_NUMBER.
MAX_NUMBER = 1_000_000
#: Sums longer than this many terms are built as balanced trees.
_BALANCE_FROM = 16


class ExpressionSyntaxError(Exception):
    """An expression failed to parse; ``offset`` is the 0-based column inside the expression.

    ``code`` is the diagnostic code to report it under: CR120 (syntax), CR130 (too deep or too
    long) or CR131 (a number out of range).
    """

    def __init__(self, message: str, offset: int, code: str = "CR120") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.code = code


def number_out_of_range(text: str) -> str:
    """The message for a number outside ±MAX_NUMBER (``text`` is shortened when long)."""
    shown = text if len(text) <= 20 else f"{text[:8]}…({len(text)} digits)"
    return f"the number {shown} is out of range: numbers in a story lie within ±{MAX_NUMBER:,}"


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
    terms = 0
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
        if kind in ("int", "name", "true", "false"):
            terms += 1
            if terms > MAX_TERMS:
                raise ExpressionSyntaxError(
                    f"the expression is longer than {MAX_TERMS:,} terms", match.start(), "CR130"
                )
        if kind == "int" and (len(text) > 7 or int(text) > MAX_NUMBER):
            raise ExpressionSyntaxError(number_out_of_range(text), match.start(), "CR131")
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
        self.depth = 0

    def enter(self, pos: int) -> None:
        """Go one level deeper (a parenthesis, ``not`` or unary ``-`` at ``pos``)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _too_deep(pos)

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
        deepest = _deepest(node)
        if deepest is not None:
            raise _too_deep(deepest.pos)
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
            self.enter(tok[2])
            node = Not(self.parse_not(), tok[2])
            self.depth -= 1
            return node
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
        first = self.parse_atom()
        rest: list[tuple[Literal["+", "-"], Expr, int]] = []
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            tok = self.take()
            rest.append(("+" if tok[1] == "+" else "-", self.parse_atom(), tok[2]))
        if len(rest) < _BALANCE_FROM:
            node = first
            for op, right, pos in rest:
                node = Arith(op, node, right, pos)
            return node
        return _balanced(first, rest)

    def parse_atom(self) -> Expr:
        kind, text, pos = self.take()
        if kind == "int":
            return Num(int(text), pos)
        if kind in ("true", "false"):
            return Bool(kind == "true", pos)
        if kind == "op" and text == "-":
            self.enter(pos)
            neg = Neg(self.parse_atom(), pos)
            self.depth -= 1
            return neg
        if kind == "op" and text == "(":
            self.enter(pos)
            inner = self.parse_or()
            self.expect(")")
            self.depth -= 1
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


def _too_deep(pos: int) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(
        f"the expression nests deeper than {MAX_DEPTH} levels", pos, "CR130"
    )


def _balanced(first: Expr, rest: list[tuple[Literal["+", "-"], Expr, int]]) -> Expr:
    """``first op₁ t₁ op₂ t₂ …`` as a balanced tree (same value, depth log₂ of the length).

    ``L - (t₁ ± t₂ …)`` flips the signs inside the right half, so they are flipped on the way.
    """
    signed: list[tuple[bool, Expr, int]] = [(True, first, first.pos)]
    signed += [(op == "+", t, pos) for op, t, pos in rest]

    def build(lo: int, hi: int, flip: bool) -> Expr:
        # terms lo..hi-1; the first one's own sign is handled by the caller
        if hi - lo == 1:
            return signed[lo][1]
        mid = (lo + hi) // 2
        plus, _, pos = signed[mid]
        plus = plus != flip
        right = build(mid, hi, flip != (not plus))
        return Arith("+" if plus else "-", build(lo, mid, flip), right, pos)

    return build(0, len(signed), False)


def _deepest(node: Expr) -> Expr | None:
    """The first node found deeper than :data:`MAX_DEPTH` levels (None: the tree is shallow)."""
    stack: list[tuple[Expr, int]] = [(node, 1)]
    while stack:
        n, depth = stack.pop()
        if depth > MAX_DEPTH:
            return n
        stack.extend((child, depth + 1) for child in children(n))
    return None


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


def linear(node: Expr, var: str) -> tuple[int, int] | None:
    """A number expression in the one meter ``var`` as ``(k, c)``, meaning ``k·var + c``
    (None: it reads something else, or is not a number)."""
    if isinstance(node, Num):
        return 0, node.value
    if isinstance(node, Name):
        return (1, 0) if node.name == var else None
    if isinstance(node, Neg):
        inner = linear(node.operand, var)
        return None if inner is None else (-inner[0], -inner[1])
    if isinstance(node, Arith):
        left, right = linear(node.left, var), linear(node.right, var)
        if left is None or right is None:
            return None
        sign = 1 if node.op == "+" else -1
        return left[0] + sign * right[0], left[1] + sign * right[1]
    return None


def linear_cuts(node: Compare, var: str) -> tuple[int, ...] | None:
    """Where a comparison of two number expressions in ``var`` alone can change value.

    Both sides reduce to ``k·var + c``, so the comparison is ``k·var op c``; its truth is the
    same for every value of ``var`` from one cut up to just below the next, and the cuts are
    ``⌊c/k⌋`` and ``⌊c/k⌋ + 1`` (none when ``k`` is 0). None: not such a comparison.
    """
    left, right = linear(node.left, var), linear(node.right, var)
    if left is None or right is None:
        return None
    k, c = left[0] - right[0], right[1] - left[1]
    return (c // k, c // k + 1) if k else ()


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
        inner = to_source(node.operand)
        return f"-({inner})" if isinstance(node.operand, (Arith, Compare)) else f"-{inner}"
    if isinstance(node, BoolOp):
        return "(" + f" {node.op} ".join(to_source(o) for o in node.operands) + ")"
    if isinstance(node, Arith):
        right = to_source(node.right)
        if isinstance(node.right, Arith):
            right = f"({right})"
        return f"{to_source(node.left)} {node.op} {right}"
    left, right = to_source(node.left), to_source(node.right)
    if isinstance(node.left, Compare):
        left = f"({left})"
    if isinstance(node.right, Compare):
        right = f"({right})"
    return f"{left} {node.op} {right}"
