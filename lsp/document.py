"""One story open in the editor, checked again scene by scene as the author types.

``crossroads check`` loads and validates a whole file; on a 10,000-scene story that takes seconds.
Here the text is cut at the scene keys under ``scenes:`` into blocks; each block is parsed and
validated once and remembered by its text, so an edit re-reads only the scenes it touched. The
checks of one scene that depend on the rest of the story (declared meters, flags, cast, which
scenes exist) are redone when those change; the checks on the whole story (the scene graph,
unused meters and flags, duplicate ids) run on every edit, over the remembered scenes.

The result is the very list ``check`` reports (same codes, messages and positions): whatever this
module cannot cut safely (a story whose ``scenes:`` is not its last top-level key, a syntax error,
a duplicate scene id…) is checked whole by the engine instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from crossroads.engine.diagnostics import Diagnostic, StoryError, sort_key
from crossroads.engine.gc_pause import quiet_gc
from crossroads.engine.loader import _pydantic_diagnostics, load_text, load_world, parse_yaml
from crossroads.engine.model import FORMAT, Scene, SceneId, Story
from crossroads.engine.scene_graph import scene_graph
from crossroads.engine.sourcemap import SourceMap
from crossroads.engine.validate import _Checker, validate
from crossroads.engine.worlds import find_world, merge_world
from crossroads.lsp.index import Occurrence, classify, header_occurrences, scene_occurrences

_SCENES_LINE = re.compile(r"^scenes:[ \t]*(#.*)?$", re.M)
_FIRST_CONTENT = re.compile(r"^( +)[^ \n\r#]", re.M)
_SCENE_ID: TypeAdapter[str] = TypeAdapter(SceneId)
_SHIFT = 20
_HALF = 42
_HALF_MASK = (1 << _HALF) - 1


def _shift_packed(entry: int, lines: int) -> int:
    key, value = entry >> _HALF, entry & _HALF_MASK
    delta = lines << _SHIFT
    return ((key + delta if key else 0) << _HALF) | (value + delta if value else 0)


class _Positions:
    """A read-only view of a story's positions, made of the header's and each scene block's."""

    def __init__(self, header: dict[Any, Any], blocks: dict[str, tuple[dict[Any, Any], int]],
                 shift: bool) -> None:
        self.header = header
        self.blocks = blocks
        self.shift = shift

    def get(self, path: tuple[Any, ...], default: Any = 0) -> Any:
        if len(path) >= 2 and path[0] == "scenes":
            block = self.blocks.get(path[1])
            if block is not None:
                table, lines = block
                found = table.get(path[1:], 0)
                if not found:
                    return default
                return _shift_packed(found, lines) if self.shift else found
        return self.header.get(path, default)


class _CompositeMap(SourceMap):
    """A source map over the whole text that reads positions from the header and the blocks."""

    def __init__(self, file: str, text: str, header: SourceMap,
                 blocks: dict[str, tuple[SourceMap, int]]) -> None:
        super().__init__(file, text)
        self.pos = _Positions(header.pos, {s: (m.pos, n) for s, (m, n) in blocks.items()},
                              True)  # type: ignore[assignment]
        self.styles = _Positions(header.styles, {s: (m.styles, n) for s, (m, n) in
                                                 blocks.items()}, False)  # type: ignore[assignment]


@dataclass
class Block:
    """One scene's text under ``scenes:``, parsed and validated once."""

    sid: str
    data: Any
    smap: SourceMap
    scene: Scene | None
    occurrences: list[Occurrence] = field(default_factory=list)
    refs: frozenset[str] = frozenset()
    """Scene ids this scene names (``to``, ``next``, ``visited()``)."""
    checked: _SceneCheck | None = None
    """The last result of the checks that depend on the rest of the story."""


@dataclass
class _SceneCheck:
    """What checking one scene against the rest of the story found (lines relative)."""

    diagnostics: list[Diagnostic]
    env: tuple[Any, ...]
    scenes_version: int
    missing: bool
    used_meters: set[str]
    changed_meters: set[str]
    read_flags: set[str]
    set_flags: set[str]


class _NeverSeen(dict[str, Any]):
    """An id table that reports no duplicate (duplicates are found over the whole story)."""

    def __contains__(self, key: object) -> bool:
        return False


class _Unsplittable(Exception):
    """The text cannot be cut into scene blocks safely; check it whole."""


@dataclass
class Analysis:
    """The latest result for a document: diagnostics, and the story when it loaded."""

    diagnostics: list[Diagnostic]
    story: Story | None
    incremental: bool


class StoryDocument:
    """A story's text and everything remembered about it between edits."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.text = ""
        self._blocks: dict[str, Block] = {}
        self._scenes: frozenset[str] = frozenset()
        self._scenes_version = 0
        self._layout: list[tuple[Block, int]] = []
        self._graph: Any = None
        self._graph_scenes: dict[str, Block] = {}
        self._header_occ: list[Occurrence] = []
        self._full_occ: list[Occurrence] | None = None
        self._index: list[Occurrence] | None = None
        self.story: Story | None = None
        self.world: tuple[str, SourceMap] | None = None
        """The world file of the last story that loaded, and its positions."""
        self.analysis = Analysis([], None, False)

    # ------------------------------------------------------------------ public
    def update(self, text: str) -> Analysis:
        """Check ``text`` (the document's whole new content) and remember it."""
        self.text = text
        self._index = None
        with quiet_gc():
            try:
                self.analysis = self._incremental(text)
            except _Unsplittable:
                self.analysis = self._whole(text)
        if self.analysis.story is not None:
            self.story = self.analysis.story
        return self.analysis

    def occurrences(self) -> list[Occurrence]:
        """Every name's occurrences in the last text that loaded (kept through broken edits)."""
        if self._index is None:
            if self._full_occ is not None:
                occ = list(self._full_occ)
            else:
                occ = list(self._header_occ)
                for block, line in self._layout:
                    occ.extend(o.shifted(line) for o in block.occurrences)
            meters = set(self.story.meters) if self.story is not None else set()
            self._index = classify(occ, meters)
        return self._index

    def scene_block_range(self, sid: str) -> tuple[int, int] | None:
        """0-based first line and line count of a scene's block (incremental layout only)."""
        for i, (block, line) in enumerate(self._layout):
            if block.sid == sid:
                end = self._layout[i + 1][1] if i + 1 < len(self._layout) else None
                count = (end if end is not None else self.text.count("\n") + 1) - line
                return line, count
        return None

    # ------------------------------------------------------------------ whole story
    def _whole(self, text: str) -> Analysis:
        """Check the text the way ``crossroads check`` does, in one piece."""
        self._blocks = {}
        self._graph = None
        try:
            story = load_text(text, self.file)
        except StoryError as err:  # the index of the last story that loaded stays
            return Analysis(sorted(err.diagnostics, key=sort_key), None, False)
        self._layout = []
        diags = validate(story)
        self.world = self._world_of(story.world, story.world_source)
        occ = header_occurrences(story, story.source, self.world)
        for sid, scene in story.scenes.items():
            occ.extend(scene_occurrences(sid, scene, story.source, ("scenes", sid)))
        self._full_occ = occ
        return Analysis(sorted(diags, key=sort_key), story, False)

    def _world_of(self, name: str | None, wmap: SourceMap | None) -> tuple[str, SourceMap] | None:
        found = find_world(name, self.file) if name and wmap is not None else None
        return None if found is None or wmap is None else (str(found), wmap)

    # ------------------------------------------------------------------ scene by scene
    def _split(self, text: str) -> tuple[str, list[tuple[str, int]]]:
        """Return the header text and each scene block with its 0-based first line."""
        found = list(_SCENES_LINE.finditer(text))
        if len(found) != 1:
            raise _Unsplittable
        head_end = found[0].end()
        header = text[: found[0].start()] + "scenes: {}\n"
        first = _FIRST_CONTENT.search(text, head_end)
        if first is None:
            raise _Unsplittable
        indent = len(first.group(1))
        if re.compile(rf"^ {{0,{indent - 1}}}[^ \n\r#]", re.M).search(text, head_end):
            raise _Unsplittable  # something after the scenes, or uneven indentation
        starts = [m.start() for m in re.compile(rf"^ {{{indent}}}[^ \n\r#]", re.M).finditer(
            text, head_end)]
        line = text.count("\n", 0, starts[0]) if starts else 0
        blocks: list[tuple[str, int]] = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            chunk = text[start:end]
            blocks.append((chunk, line))
            line += chunk.count("\n")
        return header, blocks

    def _block(self, chunk: str) -> Block:
        cached = self._blocks.get(chunk)
        if cached is not None:
            return cached
        try:
            data, smap = parse_yaml(chunk, self.file)
        except StoryError:
            raise _Unsplittable from None
        if not isinstance(data, dict) or len(data) != 1:
            raise _Unsplittable
        ((sid, body),) = data.items()
        if not isinstance(sid, str):
            raise _Unsplittable
        try:
            _SCENE_ID.validate_python(sid)  # the story validates its keys, not the scene
            scene: Scene | None = Scene.model_validate(body)
        except ValidationError:
            scene = None
        block = Block(sid, data, smap, scene)
        if scene is not None:
            block.occurrences = scene_occurrences(sid, scene, smap, (sid,))
            block.refs = frozenset(
                o.name for o in block.occurrences if o.kind == "scene" and not o.is_def
            )
        return block

    def _incremental(self, text: str) -> Analysis:
        header_text, chunks = self._split(text)
        try:
            header_data, header_map = parse_yaml(header_text, self.file)
        except StoryError:
            raise _Unsplittable from None
        if not isinstance(header_data, dict):
            raise _Unsplittable
        fmt = header_data.get("format")
        if fmt is not None and fmt != FORMAT:
            raise _Unsplittable
        wmap = None
        if "world" in header_data:  # the world's cast, places and facts join the header
            wmap, problems = merge_world(header_data, header_map, self.file, load_world)
            if problems:
                return Analysis(sorted(problems, key=sort_key), None, True)
        old_blocks = self._blocks
        blocks: dict[str, Block] = {}
        layout: list[tuple[Block, int]] = []
        seen: set[str] = set()
        for chunk, line in chunks:
            block = old_blocks.get(chunk) or self._block(chunk)
            if block.sid in seen:
                raise _Unsplittable  # a duplicate scene id: the loader reports it
            seen.add(block.sid)
            blocks[chunk] = block
            layout.append((block, line))
        self._blocks = blocks
        self._layout = layout
        self._full_occ = None
        composite = _CompositeMap(
            self.file, text, header_map, {b.sid: (b.smap, line) for b, line in layout}
        )
        try:
            head = Story.model_validate({**header_data, "scenes": {}})
        except ValidationError:
            head = None
        failing = [b for b, _ in layout if b.scene is None]
        if head is None or failing:
            data = {**header_data, "scenes": {b.sid: b.data[b.sid] for b in failing}}
            try:
                Story.model_validate(data)
            except ValidationError as err:
                diags = _pydantic_diagnostics(err, composite)
                return Analysis(sorted(diags, key=sort_key), None, True)
            raise _Unsplittable  # pragma: no cover - one part failed alone, not together
        story = head.model_copy(update={"scenes": {b.sid: b.scene for b, _ in layout}})
        story._source = composite
        story._world_source = wmap
        self.world = self._world_of(story.world, wmap)
        self._header_occ = header_occurrences(story, header_map, self.world)
        return Analysis(sorted(self._check(story, layout), key=sort_key), story, True)

    def _scene_graph(self, story: Story, layout: list[tuple[Block, int]]) -> Any:
        """The engine's scene graph, changed only where scenes changed since the last edit."""
        by_sid = {block.sid: block for block, _ in layout}
        old = self._graph_scenes
        g = self._graph
        if g is None or by_sid.keys() != old.keys():
            g = scene_graph(story)
        else:
            for sid, block in by_sid.items():
                if old[sid] is block:
                    continue
                g.remove_edges_from(list(g.out_edges(sid)))
                assert block.scene is not None
                g.add_edges_from((sid, t) for t in _targets(block.scene) if t in by_sid)
        self._graph, self._graph_scenes = g, by_sid
        return g

    def _check(self, story: Story, layout: list[tuple[Block, int]]) -> list[Diagnostic]:
        checker = _Checker(story)
        scenes = frozenset(story.scenes)
        if scenes != self._scenes:
            self._scenes = scenes
            self._scenes_version += 1
        env = (frozenset(story.meters), frozenset(story.flags), frozenset(story.cast),
               frozenset(story.stances), frozenset(story.facts))
        out: list[Diagnostic] = []
        for block, line in layout:
            done = block.checked
            if done is None or not _still_valid(done, env, block, scenes, self._scenes_version):
                done = block.checked = _check_scene(
                    checker, block, line, env, self._scenes_version
                )
            out.extend(_shift(done.diagnostics, line))
            checker.used_meters |= done.used_meters
            checker.changed_meters |= done.changed_meters
            checker.read_flags |= done.read_flags
            checker.set_flags |= done.set_flags
        checker.out = out
        checker.pov(("pov",), story.pov)
        checker.declarations()
        _duplicate_ids(checker, story)
        checker.teaching(_reflect_ids(story))
        checker.graph(self._scene_graph(story, layout))
        checker.style()
        return checker.out


def _targets(scene: Scene) -> list[str]:
    out = [choice.to for choice in scene.choices]
    if scene.next is not None:
        out.append(scene.next)
    return out


def _still_valid(done: _SceneCheck, env: tuple[Any, ...], block: Block, scenes: frozenset[str],
                 version: int) -> bool:
    if done.env != env:
        return False
    if done.scenes_version == version:
        return True
    return not done.missing and block.refs <= scenes


def _shift(diags: list[Diagnostic], lines: int) -> Iterator[Diagnostic]:
    for d in diags:
        yield dataclasses.replace(d, line=d.line + lines) if lines else d


def _check_scene(checker: _Checker, block: Block, line: int, env: tuple[Any, ...],
                 version: int) -> _SceneCheck:
    """Run the engine's checks of one scene; positions are kept relative to its block."""
    assert block.scene is not None
    checker.out = []
    saved = (checker.used_meters, checker.changed_meters, checker.read_flags, checker.set_flags)
    checker.used_meters, checker.changed_meters = set(), set()
    checker.read_flags, checker.set_flags = set(), set()
    base = ("scenes", block.sid)
    scene = block.scene
    checker.scene_references(base, scene)
    if scene.reflect is not None:
        checker.reflection(base, scene.reflect, _NeverSeen())
    if scene.checkin:
        checker.checkin_ids(base, scene.checkin)
    for i, choice in enumerate(scene.choices):
        checker.choice(base + ("choices", i), choice, _NeverSeen())
        if choice.reflect is not None:  # a prompt asked after the choice
            checker.reflection(base + ("choices", i), choice.reflect, _NeverSeen())
    result = _SceneCheck(
        list(_shift(checker.out, -line)),
        env,
        version,
        not block.refs <= checker.scenes,
        checker.used_meters,
        checker.changed_meters,
        checker.read_flags,
        checker.set_flags,
    )
    checker.used_meters, checker.changed_meters, checker.read_flags, checker.set_flags = saved
    return result


def _reflect_ids(story: Story) -> dict[str, Any]:
    """Every reflection prompt's id, on a scene or on a choice (for the teaching checks)."""
    ids: dict[str, Any] = {}
    for sid, scene in story.scenes.items():
        if scene.reflect is not None:
            ids.setdefault(scene.reflect.id, ("scenes", sid, "reflect", "id"))
        for i, choice in enumerate(scene.choices):
            if choice.reflect is not None:
                ids.setdefault(choice.reflect.id, ("scenes", sid, "choices", i, "reflect", "id"))
    return ids


def _duplicate_ids(checker: _Checker, story: Story) -> None:
    """Reflection and choice ids used twice, reported as the engine's validator does."""
    src = checker.src
    reflect_ids: dict[str, Any] = {}
    choice_ids: dict[str, Any] = {}
    for sid, scene in story.scenes.items():
        base = ("scenes", sid)
        if scene.reflect is not None:
            rid = scene.reflect.id
            if rid in reflect_ids:
                checker.add(
                    "CR207",
                    "error",
                    f"reflection id {rid!r} is used twice "
                    f"(also at line {src.value(reflect_ids[rid])[0]})",
                    src.value(base + ("reflect", "id")),
                    "give every prompt its own id",
                )
            reflect_ids[rid] = base + ("reflect", "id")
        for i, choice in enumerate(scene.choices):
            if choice.id is None:
                continue
            path = base + ("choices", i, "id")
            if choice.id in choice_ids:
                checker.add(
                    "CR207",
                    "error",
                    f"choice id {choice.id!r} is used twice "
                    f"(also at line {src.value(choice_ids[choice.id])[0]})",
                    src.value(path),
                    "choice ids must be unique in a story",
                )
            choice_ids[choice.id] = path
