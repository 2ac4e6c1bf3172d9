"""Compile a story for fast stepping: options per scene, and the projected state layout.

Conditions and effects come from the runtime's own compiled form
(:func:`crossroads.engine.runtime.compile_rules`), so exploration and playtests follow exactly the
rules a learner plays by. The compiled form itself (:class:`Compiled` and its parts, the
projected state layout) is described in :mod:`crossroads.engine.explore.form`.
"""

from __future__ import annotations

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.explore.abstraction import canonical, canonicalisers, plan
from crossroads.engine.explore.form import FIRST_NUMERIC, Block, Compiled, Opt, SceneInfo
from crossroads.engine.model import Story
from crossroads.engine.runtime import CONTINUE, compile_rules
from crossroads.engine.sourcemap import Path

__all__ = ["MAX_GROUP", "compile_story", "visit_caps"]


def compile_story(story: Story) -> Compiled:
    """Compile a (validated) story for exploration and playtests; cached on the story."""
    cached = story.derived.get("explore")
    if cached is None:
        cached = story.derived["explore"] = _build(story)
    return cached


def _texts(story: Story) -> list[tuple[Path, str]]:
    """Every rendered text with ``{`` in it, with its path."""
    out: list[tuple[Path, str]] = []
    for sid, scene in story.scenes.items():
        base: Path = ("scenes", sid)
        candidates: list[tuple[Path, str]] = [((*base, "text"), scene.text)]
        if scene.reflect is not None:
            candidates.append(((*base, "reflect", "prompt"), scene.reflect.prompt))
        if scene.ending is not None:
            candidates.append(((*base, "ending", "title"), scene.ending.title))
        for i, choice in enumerate(scene.choices):
            candidates.append(((*base, "choices", i, "say"), choice.say))
        out.extend((p, t) for p, t in candidates if "{" in t)
    return out


def visit_caps(conditions: list[ex.Expr]) -> dict[str, int | None]:
    """For each scene a condition names, how far its visit count must be tracked.

    ``None`` means exactly (the count is used in arithmetic or compared with a non-constant).
    """
    caps: dict[str, int | None] = {}

    def need(scene: str, cap: int | None) -> None:
        if scene in caps and caps[scene] is None:
            return
        if cap is None:
            caps[scene] = None
        else:
            old = caps.get(scene)
            caps[scene] = cap if old is None else max(old, cap)

    def visit(node: ex.Expr) -> None:
        if isinstance(node, ex.SceneCall):
            need(node.scene, 1 if node.func == "visited" else None)
            return
        if isinstance(node, ex.Compare):
            pair = _count_vs_const(node)
            if pair is not None:
                need(pair[0], max(pair[1] + 1, 1))
                return
        for child in ex.children(node):
            visit(child)

    for cond in conditions:
        visit(cond)
    return caps


def _count_vs_const(node: ex.Compare) -> tuple[str, int] | None:
    for a, b in ((node.left, node.right), (node.right, node.left)):
        if isinstance(a, ex.SceneCall) and a.func == "visits" and isinstance(b, ex.Num):
            return a.scene, b.value
    return None


def _build(story: Story) -> Compiled:
    runtime = compile_rules(story)
    declared_flags = set(story.flags)
    blocks_by_path: dict[Path, tuple[Block, ...]] = {}
    for path, text in _texts(story):
        blocks = _blocks(path, text, tp.parse_template(text).segments, declared_flags)
        if blocks:
            blocks_by_path[path] = tuple(_mark_flow(b, set(story.meters)) for b in blocks)
    reads_at: dict[str, list[ex.Expr]] = {sid: [] for sid in story.scenes}
    for path, blocks in blocks_by_path.items():
        for block in blocks:
            if not block.flow:
                reads_at[str(path[1])].extend(_tree_conds(block))
    for sid, scene in story.scenes.items():
        for choice in scene.choices:
            if choice.if_ is not None:
                reads_at[sid].append(ex.parse(choice.if_))
        if scene.assumes is not None:  # kept in the state, so proving it is exact
            reads_at[sid].append(ex.parse(scene.assumes))
    conditions = [cond for conds in reads_at.values() for cond in conds]
    read: set[str] = set()
    for cond in conditions:
        read |= ex.names(cond)
    meters = tuple(m for m in story.meters if m in read)
    flags = tuple(f for f in story.flags if f in read)
    caps = visit_caps(conditions)
    visit_scenes = tuple(s for s in story.scenes if s in caps)
    index = {sid: k for k, sid in enumerate(story.scenes)}
    meter_slot = {m: FIRST_NUMERIC + k for k, m in enumerate(meters)}
    flag_bit = {f: 1 << k for k, f in enumerate(flags)}
    visit_slot = [-1] * len(index)
    visit_cap: list[int | None] = [None] * len(index)
    for k, sid in enumerate(visit_scenes):
        visit_slot[index[sid]] = FIRST_NUMERIC + len(meters) + k
        visit_cap[index[sid]] = caps[sid]

    once = 0
    scenes: list[SceneInfo] = []
    for sid, scene in story.scenes.items():
        base: Path = ("scenes", sid)
        opts: list[Opt] = []
        for i, choice in enumerate(scene.choices):
            full = tuple(
                (m, op, amount, story.meters[m].min, story.meters[m].max)
                for m, op, amount in runtime.effects[(sid, i)]
            )
            tracked = tuple(
                (meter_slot[m], op, amount, lo, hi) for m, op, amount, lo, hi in full
                if m in meter_slot
            )
            once_bit = 0
            if choice.once:
                once_bit = 1 << once
                once += 1
            opts.append(
                Opt(
                    index=i,
                    cond=runtime.conditions[(sid, i)],
                    to=index[choice.to],
                    to_id=choice.to,
                    effects=full,
                    tracked=tracked,
                    set_names=frozenset(choice.set),
                    clear_names=frozenset(choice.clear),
                    set_mask=sum(flag_bit.get(f, 0) for f in set(choice.set)),
                    clear_mask=sum(flag_bit.get(f, 0) for f in set(choice.clear)),
                    once_bit=once_bit,
                    choice=choice,
                )
            )
        cont = (
            Opt(index=CONTINUE, cond=None, to=index[scene.next], to_id=scene.next)
            if scene.next is not None
            else None
        )
        scene_blocks: list[Block] = []
        for part in (("text",), ("reflect", "prompt"), ("ending", "title")):
            scene_blocks.extend(blocks_by_path.get(base + part, ()))
        say: dict[int, tuple[Block, ...]] = {}
        for i in range(len(scene.choices)):
            got = blocks_by_path.get((*base, "choices", i, "say"))
            if got:
                say[i] = got
        scenes.append(
            SceneInfo(
                id=sid,
                index=index[sid],
                ending=scene.ending is not None,
                reflect=scene.reflect is not None,
                choices=tuple(opts),
                cont=cont,
                blocks=tuple(b for b in scene_blocks if not b.flow),
                say_blocks=_split(say, flow=False),
                flow_blocks=tuple(b for b in scene_blocks if b.flow),
                flow_say=_split(say, flow=True),
                reads=tuple(reads_at[sid]),
                assumes=ex.compile_expr(ex.parse(scene.assumes), declared_flags)
                if scene.assumes is not None
                else None,
            )
        )

    start = index[story.start]
    initial = [start, 0, 0]
    initial += [story.meters[m].initial for m in meters]
    initial += [0] * len(visit_scenes)
    if visit_slot[start] >= 0:
        initial[visit_slot[start]] = 1
    compiled = Compiled(
        story=story,
        scenes=scenes,
        index=index,
        meters=meters,
        visit_scenes=visit_scenes,
        visit_caps=tuple(caps[s] for s in visit_scenes),
        flags=flags,
        flag_bit=flag_bit,
        once_count=once,
        visit_slot=visit_slot,
        visit_cap=visit_cap,
        initial=tuple(initial),
    )
    compiled.canon = canonicalisers(compiled)
    for info in scenes:
        for opt in (*info.choices, *((info.cont,) if info.cont is not None else ())):
            opt.vslot = visit_slot[opt.to]
            opt.vcap = visit_cap[opt.to]
            opt.canon = compiled.canon[opt.to]
            opt.plan = plan(compiled, opt, compiled.canon[opt.to])
    canonical(initial, compiled.canon[start])
    compiled.initial = tuple(initial)
    return compiled


def _blocks(
    path: Path, text: str, segments: tuple[tp.Segment, ...], flags: set[str]
) -> tuple[Block, ...]:
    out: list[Block] = []
    for seg in segments:
        if isinstance(seg, tp.IfBlock):
            out.append(
                Block(
                    key=(path, seg.offset),
                    branches=seg.branches,
                    conds=tuple(
                        ex.compile_expr(br.cond, flags) if br.cond is not None else None
                        for br in seg.branches
                    ),
                    bodies=tuple(_blocks(path, text, br.body, flags) for br in seg.branches),
                    text=text,
                )
            )
    return tuple(out)


def _tree_conds(block: Block) -> list[ex.Expr]:
    """Every branch condition in a block and the blocks nested in it."""
    out = [br.cond for br in block.branches if br.cond is not None]
    for body in block.bodies:
        for inner in body:
            out.extend(_tree_conds(inner))
    return out


MAX_GROUP = 3
"""The most flags one flow block may read together."""


def _mark_flow(block: Block, meters: set[str]) -> Block:
    """Mark a top-level block tree as flow when it reads no visit counts, and either one
    variable or up to :data:`MAX_GROUP` flags (tracked jointly). A meter read together with
    other variables stays in the explored state."""
    conds = _tree_conds(block)
    names: set[str] = set()
    refs: set[str] = set()
    for cond in conds:
        names |= ex.names(cond)
        refs |= ex.scene_refs(cond)
    if refs or (len(names) > 1 and (names & meters or len(names) > MAX_GROUP)):
        return block  # kept in the state
    var = next(iter(names)) if len(names) == 1 else None
    ordered = tuple(sorted(names))

    def mark(b: Block) -> None:
        b.flow, b.var, b.names = True, var, ordered
        for body in b.bodies:
            for inner in body:
                mark(inner)

    mark(block)
    return block


def _split(say: dict[int, tuple[Block, ...]], flow: bool) -> dict[int, tuple[Block, ...]]:
    out: dict[int, tuple[Block, ...]] = {}
    for i, blocks in say.items():
        kept = tuple(b for b in blocks if b.flow == flow)
        if kept:
            out[i] = kept
    return out
