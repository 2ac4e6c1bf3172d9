"""Text that changes with the story's state: ``{meter}``, ``{learner}``, ``{cast.X.name}``,
``{if cond}…{elif cond}…{else}…{end}`` blocks (which may span lines and nest), and ``{{``/``}}``
for literal braces.

A template is parsed once into segments; offsets are 0-based positions in the source text so the
loader can turn them into file positions. ``{if}`` blocks nest at most :data:`MAX_BLOCK_DEPTH`
levels deep (deeper is a positioned CR130 error), and every walk over a parsed template is
iterative or bounded by that depth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from functools import lru_cache

from crossroads.engine import expressions as ex

#: Deepest nesting of ``{if}`` blocks in one text.
MAX_BLOCK_DEPTH = 100


class TemplateSyntaxError(Exception):
    """A template failed to parse; ``offset`` is the 0-based position in the text.

    ``code`` is the diagnostic code: CR123 (template syntax, including a bad expression inside
    it), or CR130/CR131 when an expression inside it passes a limit.
    """

    def __init__(self, message: str, offset: int, hint: str = "", code: str = "CR123") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text."""

    text: str


@dataclass(frozen=True, slots=True)
class Value:
    """``{expr}``: a number printed from the state."""

    expr: ex.Expr
    source: str
    offset: int  # where ``source`` starts in the template


@dataclass(frozen=True, slots=True)
class Ref:
    """``{learner}``, ``{cast.ID.FIELD}`` or ``{fact.ID}``."""

    path: tuple[str, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Branch:
    """One arm of an ``{if}`` block; ``cond`` is None for ``{else}``."""

    cond: ex.Expr | None
    source: str
    offset: int
    body: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class IfBlock:
    """``{if …}…{elif …}…{else}…{end}``."""

    branches: tuple[Branch, ...]
    offset: int


Segment = Lit | Value | Ref | IfBlock


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed piece of text."""

    segments: tuple[Segment, ...]

    @property
    def is_plain(self) -> bool:
        """True when the text has no interpolation at all."""
        return all(isinstance(s, Lit) for s in self.segments)


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


@lru_cache(maxsize=16384)
def parse_template(text: str) -> Template:
    """Parse text with ``{…}`` interpolations into a :class:`Template`.

    Raises:
        TemplateSyntaxError: unbalanced braces or blocks, or a bad expression inside a block
            (the offset then points inside the expression).
    """
    if "{" not in text and "}" not in text:
        return Template((Lit(text),))
    # stack of (block offset, finished branches, current branch head, current body)
    stack: list[tuple[int, list[Branch], tuple[ex.Expr | None, str, int], list[Segment]]] = []
    body: list[Segment] = []
    buf: list[str] = []
    i, n = 0, len(text)

    def flush() -> None:
        if buf:
            body.append(Lit("".join(buf)))
            buf.clear()

    while i < n:
        c = text[i]
        if c == "}":
            if i + 1 < n and text[i + 1] == "}":
                buf.append("}")
                i += 2
                continue
            raise TemplateSyntaxError(
                "a lone '}' in the text", i, "write '}}' for a literal brace"
            )
        if c != "{":
            j = i
            while j < n and text[j] not in "{}":
                j += 1
            buf.append(text[i:j])
            i = j
            continue
        if i + 1 < n and text[i + 1] == "{":
            buf.append("{")
            i += 2
            continue
        close = text.find("}", i + 1)
        newline = text.find("\n", i + 1)
        if close < 0 or (0 <= newline < close):
            raise TemplateSyntaxError(
                "'{' is never closed on its line", i, "close it with '}' or write '{{' for a brace"
            )
        inner_start = _skip_ws(text, i + 1)
        inner = text[inner_start:close].rstrip()
        word = inner.split(None, 1)[0] if inner else ""
        flush()
        if word in ("if", "elif"):
            cond_src = inner[len(word) :].lstrip()
            cond_off = _skip_ws(text, inner_start + len(word))
            if not cond_src:
                raise TemplateSyntaxError(
                    f"'{{{word}}}' needs a condition", i, f"e.g. {{{word} trust >= 60}}"
                )
            cond = _parse_expr(cond_src, cond_off)
            if word == "if":
                if len(stack) >= MAX_BLOCK_DEPTH:
                    raise TemplateSyntaxError(
                        f"'{{if}}' blocks nest deeper than {MAX_BLOCK_DEPTH} levels",
                        i,
                        "split the text, or join the conditions with 'and'",
                        "CR130",
                    )
                stack.append((i, [], (cond, cond_src, cond_off), body))
                body = []
            else:
                if not stack:
                    raise TemplateSyntaxError("'{elif}' without an '{if}'", i)
                start, done, head, outer = stack.pop()
                if head[0] is None:
                    raise TemplateSyntaxError("'{elif}' after '{else}'", i)
                done.append(Branch(head[0], head[1], head[2], tuple(body)))
                stack.append((start, done, (cond, cond_src, cond_off), outer))
                body = []
        elif inner == "else":
            if not stack:
                raise TemplateSyntaxError("'{else}' without an '{if}'", i)
            start, done, head, outer = stack.pop()
            if head[0] is None:
                raise TemplateSyntaxError("a second '{else}' in one block", i)
            done.append(Branch(head[0], head[1], head[2], tuple(body)))
            stack.append((start, done, (None, "", i), outer))
            body = []
        elif inner == "end":
            if not stack:
                raise TemplateSyntaxError("'{end}' without an '{if}'", i)
            start, done, head, outer = stack.pop()
            done.append(Branch(head[0], head[1], head[2], tuple(body)))
            outer.append(IfBlock(tuple(done), start))
            body = outer
        elif not inner:
            raise TemplateSyntaxError("empty '{}'", i, "write '{{}}' for literal braces")
        elif inner.startswith("fact."):
            path = tuple(inner.split("."))
            if len(path) != 2 or not path[1]:
                raise TemplateSyntaxError(
                    f"'{{{inner}}}' should be '{{fact.ID}}'", inner_start, "e.g. {fact.reorg_date}"
                )
            body.append(Ref(path, inner_start))
        elif inner == "learner" or inner.startswith("cast."):
            path = tuple(inner.split("."))
            if inner != "learner" and (len(path) != 3 or not all(path)):
                raise TemplateSyntaxError(
                    f"'{{{inner}}}' should be '{{cast.ID.FIELD}}'",
                    inner_start,
                    "e.g. {cast.dana.name}",
                )
            body.append(Ref(path, inner_start))
        else:
            body.append(Value(_parse_expr(inner, inner_start), inner, inner_start))
        i = close + 1
    flush()
    if stack:
        raise TemplateSyntaxError("'{if}' is never closed", stack[-1][0], "add '{end}'")
    return Template(tuple(body))


def _parse_expr(source: str, offset: int) -> ex.Expr:
    try:
        return ex.parse(source)
    except ex.ExpressionSyntaxError as err:
        code = "CR123" if err.code == "CR120" else err.code  # keep limits' own codes
        raise TemplateSyntaxError(err.message, offset + err.offset, code=code) from None


def _walk(template: Template) -> list[Segment | Branch]:
    """Every segment and branch of the template in document order (iteratively)."""
    out: list[Segment | Branch] = []
    stack: list[Segment | Branch] = list(reversed(template.segments))
    while stack:
        item = stack.pop()
        out.append(item)
        if isinstance(item, IfBlock):
            stack.extend(reversed(item.branches))
        elif isinstance(item, Branch):
            stack.extend(reversed(item.body))
    return out


def iter_exprs(template: Template) -> list[tuple[ex.Expr, int, str]]:
    """Return every expression in the template with its offset and the type it must have."""
    out: list[tuple[ex.Expr, int, str]] = []
    for item in _walk(template):
        if isinstance(item, Value):
            out.append((item.expr, item.offset, "int"))
        elif isinstance(item, Branch) and item.cond is not None:
            out.append((item.cond, item.offset, "bool"))
    return out


def iter_refs(template: Template) -> list[Ref]:
    """Return every ``{learner}`` / ``{cast.…}`` reference in the template."""
    return [item for item in _walk(template) if isinstance(item, Ref)]


def iter_blocks(template: Template) -> list[IfBlock]:
    """Return every ``{if}`` block, outer ones first."""
    return [item for item in _walk(template) if isinstance(item, IfBlock)]


Resolver = Callable[[tuple[str, ...]], str]


def render(
    template: Template,
    state: ex.State,
    flags: Set[str],
    resolve: Resolver | Mapping[tuple[str, ...], str],
) -> str:
    """Render a template for a state.

    Args:
        template: the parsed text.
        state: meters, flags and visits to read.
        flags: declared flag names (to tell flags from meters).
        resolve: turns a ``Ref`` path (``("learner",)``, ``("cast", "dana", "name")``) into text.
    """
    lookup: Resolver = resolve if callable(resolve) else (lambda p: resolve.get(p, ""))
    out: list[str] = []
    stack: list[Segment] = list(reversed(template.segments))
    while stack:
        seg = stack.pop()
        if isinstance(seg, Lit):
            out.append(seg.text)
        elif isinstance(seg, Value):
            out.append(str(ex.evaluate(seg.expr, state, flags)))
        elif isinstance(seg, Ref):
            out.append(lookup(seg.path))
        else:
            for br in seg.branches:
                if br.cond is None or ex.evaluate(br.cond, state, flags):
                    stack.extend(reversed(br.body))
                    break
    return "".join(out)
