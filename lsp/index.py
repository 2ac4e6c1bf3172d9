"""Where every scene id, meter, flag and cast member of a story is declared and used.

An :class:`Occurrence` is one name at one place (0-based line and column, as the Language Server
Protocol counts). The index is built from validated models and their source map, so names inside
conditions (``if:``) and ``{…}`` text are found through the engine's own parsers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.model import Scene, Story
from crossroads.engine.sourcemap import SourceMap

Kind = Literal["scene", "meter", "flag", "cast", "fact"]
Path = tuple[str | int, ...]


class Occurrence(NamedTuple):
    """One name at one place: a declaration (``is_def``) or a use."""

    kind: Kind
    name: str
    line: int
    col: int
    is_def: bool = False
    role: str = ""
    """What the use is: ``to``, ``next``, ``start``, ``if``, ``text``, ``effects``, ``set``…"""
    file: str = ""
    """The file the name is in when it is not the story's own (its world file)."""

    @property
    def end(self) -> int:
        """The column just after the name."""
        return self.col + len(self.name)

    def shifted(self, lines: int) -> Occurrence:
        """The same occurrence ``lines`` further down."""
        return self._replace(line=self.line + lines)


def _at(smap: SourceMap, path: Path, value: str, offset: int = 0) -> tuple[int, int]:
    line, col = smap.at_offset(path, value, offset)
    return line - 1, col - 1


def _key(smap: SourceMap, path: Path) -> tuple[int, int]:
    line, col = smap.key(path)
    return line - 1, col - 1


class _Collector:
    def __init__(self, smap: SourceMap, meters: set[str] | None) -> None:
        self.smap = smap
        self.meters = meters
        self.out: list[Occurrence] = []

    def value(self, kind: Kind, path: Path, name: str, role: str) -> None:
        line, col = _at(self.smap, path, name)
        self.out.append(Occurrence(kind, name, line, col, False, role))

    def key(self, kind: Kind, path: Path, name: str, is_def: bool, role: str = "") -> None:
        line, col = _key(self.smap, path)
        self.out.append(Occurrence(kind, name, line, col, is_def, role))

    def expr(self, path: Path, text: str, node: ex.Expr, base: int, role: str) -> None:
        for n in ex.walk(node):
            if isinstance(n, ex.Name):
                kind: Kind = "meter" if self.meters is None or n.name in self.meters else "flag"
                line, col = _at(self.smap, path, text, base + n.pos)
                self.out.append(Occurrence(kind, n.name, line, col, False, role))
            elif isinstance(n, ex.SceneCall):
                line, col = _at(self.smap, path, text, base + n.arg_pos + 1)
                self.out.append(Occurrence("scene", n.scene, line, col, False, role))

    def condition(self, path: Path, text: str) -> None:
        try:
            node = ex.parse(text)
        except ex.ExpressionSyntaxError:
            return
        self.expr(path, text, node, 0, "if")

    def template(self, path: Path, text: str) -> None:
        if "{" not in text:
            return
        try:
            tpl = tp.parse_template(text)
        except tp.TemplateSyntaxError:
            return
        for node, offset, _want in tp.iter_exprs(tpl):
            self.expr(path, text, node, offset, "text")
        for ref in tp.iter_refs(tpl):
            if ref.path[0] not in ("cast", "fact") or len(ref.path) < 2:
                continue
            kind: Kind = "cast" if ref.path[0] == "cast" else "fact"
            at = text.find(ref.path[1], ref.offset + len(ref.path[0]) + 1)
            if at >= 0:
                line, col = _at(self.smap, path, text, at)
                self.out.append(Occurrence(kind, ref.path[1], line, col, False, "text"))


def scene_occurrences(
    sid: str, scene: Scene, smap: SourceMap, prefix: Path, meters: set[str] | None = None
) -> list[Occurrence]:
    """Every name declared or used in one scene.

    Args:
        sid: the scene's id.
        scene: the validated scene.
        smap: a source map whose paths start with ``prefix`` for this scene.
        prefix: ``("scenes", sid)`` for a whole story's map, ``(sid,)`` for one scene's block.
        meters: the declared meters, to tell meters from flags in expressions; ``None`` marks
            every bare name as a meter until :func:`classify` corrects it.
    """
    c = _Collector(smap, meters)
    c.key("scene", prefix, sid, True)
    if scene.pov is not None:
        c.value("cast", prefix + ("pov",), scene.pov, "pov")
    c.template(prefix + ("text",), scene.text)
    if scene.next is not None:
        c.value("scene", prefix + ("next",), scene.next, "next")
    if scene.ending is not None:
        c.template(prefix + ("ending", "title"), scene.ending.title)
    if scene.reflect is not None:
        c.template(prefix + ("reflect", "prompt"), scene.reflect.prompt)
    if scene.assumes is not None:
        c.condition(prefix + ("assumes",), scene.assumes)
    for i, choice in enumerate(scene.choices):
        cp = prefix + ("choices", i)
        c.value("scene", cp + ("to",), choice.to, "to")
        if choice.if_ is not None:
            c.condition(cp + ("if",), choice.if_)
        c.template(cp + ("say",), choice.say)
        if choice.reflect is not None:
            c.template(cp + ("reflect", "prompt"), choice.reflect.prompt)
        for name in choice.effects:
            c.key("meter", cp + ("effects", name), name, False, "effects")
        for field in ("set", "clear"):
            for j, flag in enumerate(getattr(choice, field)):
                c.value("flag", cp + (field, j), flag, field)
    return c.out


def header_occurrences(
    story: Story, smap: SourceMap, world: tuple[str, SourceMap] | None = None
) -> list[Occurrence]:
    """Declarations of meters, flags, cast members and facts, and the ``start:``/``pov:`` uses.

    Args:
        world: the story's world file and its source map: cast members and facts the story
            does not define itself are declared there.
    """
    c = _Collector(smap, set(story.meters))
    for mid in story.meters:
        c.key("meter", ("meters", mid), mid, True)
    for i, flag in enumerate(story.flags):
        c.value("flag", ("flags", i), flag, "declare")
        c.out[-1] = c.out[-1]._replace(is_def=True)
    for kind, part, names in (("cast", "cast", story.cast), ("fact", "facts", story.facts)):
        for name in names:
            path = (part, name)
            if smap.pos.get(path, 0) or world is None:
                c.key(kind, path, name, True)  # type: ignore[arg-type]
            elif world[1].pos.get(path, 0):
                line, col = _key(world[1], path)
                c.out.append(Occurrence(kind, name, line, col, True, "", world[0]))  # type: ignore[arg-type]
    if story.pov is not None:
        c.value("cast", ("pov",), story.pov, "pov")
    c.value("scene", ("start",), story.start, "start")
    return c.out


def classify(occurrences: Sequence[Occurrence], meters: set[str]) -> list[Occurrence]:
    """Mark the bare names of expressions as meters or flags now that the meters are known."""
    out = []
    for occ in occurrences:
        if occ.kind == "meter" and occ.role in ("if", "text") and occ.name not in meters:
            occ = occ._replace(kind="flag")
        out.append(occ)
    return out
