"""Checks on a loaded story: names and expressions, the scene graph (networkx), and style.

Each check yields :class:`~crossroads.engine.diagnostics.Diagnostic` objects positioned through the
story's source map. Nothing here evaluates author text; expressions are parsed by
:mod:`crossroads.engine.expressions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.diagnostics import Diagnostic, Severity
from crossroads.engine.gc_pause import quiet_gc
from crossroads.engine.model import CheckinItem, Choice, Reflect, Scene, Story
from crossroads.engine.scene_graph import scene_graph
from crossroads.engine.sourcemap import Path

if TYPE_CHECKING:
    import networkx as nx

#: Passages longer than this many words get a style warning.
LONG_PASSAGE_WORDS = 450
CAST_FIELDS = ("name", "role", "about")

_OPINION = re.compile(
    r"\b(should|ought|do you (think|agree|believe)|what would you|your opinion|would you|"
    r"is it (right|fair|wrong)|who was right|better approach)\b",
    re.IGNORECASE,
)
_EXPERIENCE = re.compile(
    r"\b(a time|when did|when have|when was|what happened|think of|remember|recall|"
    r"tell (us|me|about)|describe|an experience|a moment|someone who|have you ever)\b",
    re.IGNORECASE,
)


def is_opinion_prompt(prompt: str) -> bool:
    """True when a reflection prompt asks for a view rather than an experience."""
    return bool(_OPINION.search(prompt)) and not _EXPERIENCE.search(prompt)


class _Checker:
    def __init__(self, story: Story) -> None:
        self.story = story
        self.src = story.source
        self.out: list[Diagnostic] = []
        self.meters = set(story.meters)
        self.flags = set(story.flags)
        self.scenes = set(story.scenes)
        self.used_meters: set[str] = set()
        self.changed_meters: set[str] = set()
        self.read_flags: set[str] = set()
        self.set_flags: set[str] = set()

    # ------------------------------------------------------------------ helpers
    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        pos: tuple[int, int],
        hint: str = "",
        **data: object,
    ) -> None:
        self.out.append(
            Diagnostic(code, severity, message, self.src.file, pos[0], pos[1], hint, dict(data))
        )

    def expr(self, path: Path, source: str, offset: int = 0, want: ex.Type = "bool") -> None:
        """Parse and check an expression found at ``path`` (``offset`` into that string value)."""
        value = self._string_at(path)
        try:
            node = ex.parse(source)
        except ex.ExpressionSyntaxError as err:
            shown = source if len(source) <= 60 else source[:57] + "…"
            self.add(
                err.code,
                "error",
                f"cannot read the condition {shown!r}: {err.message}",
                self.src.at_offset(path, value, offset + err.offset),
            )
            return
        self.note_names(node)
        for problem in ex.check(node, self.meters, self.flags, self.scenes, want):
            self.add(
                problem.code,
                "error",
                problem.message,
                self.src.at_offset(path, value, offset + problem.offset),
                problem.hint,
            )

    def note_names(self, node: ex.Expr) -> None:
        for name in ex.names(node):
            if name in self.meters:
                self.used_meters.add(name)
            else:
                self.read_flags.add(name)

    def _string_at(self, path: Path) -> str:
        # Walk the model along the path (cheaper than dumping the whole story).
        obj: object = self.story
        for part in path:
            if isinstance(obj, dict):
                obj = obj[part]
            elif isinstance(obj, list):
                obj = obj[int(part)]
            else:
                obj = getattr(obj, "if_" if part == "if" else str(part))
        return obj if isinstance(obj, str) else ""

    def template(self, path: Path, text: str) -> None:
        if "{" not in text and "}" not in text:
            return
        try:
            tpl = tp.parse_template(text)
        except tp.TemplateSyntaxError as err:
            self.add(
                err.code,
                "error",
                f"in the text: {err.message}",
                self.src.at_offset(path, text, err.offset),
                err.hint,
            )
            return
        for node, offset, want in tp.iter_exprs(tpl):
            self.note_names(node)
            for problem in ex.check(
                node, self.meters, self.flags, self.scenes, "int" if want == "int" else "bool"
            ):
                self.add(
                    problem.code,
                    "error",
                    problem.message,
                    self.src.at_offset(path, text, offset + problem.offset),
                    problem.hint,
                )
        for ref in tp.iter_refs(tpl):
            if ref.path[0] == "learner":
                continue
            if ref.path[0] == "fact":
                if ref.path[1] not in self.story.facts:
                    self.add(
                        "CR424",
                        "error",
                        f"{{fact.{ref.path[1]}}} names a fact neither the story nor its world "
                        "defines",
                        self.src.at_offset(path, text, ref.offset),
                        _did_you_mean(ref.path[1], set(self.story.facts))
                        or "add it under 'facts:' (in the story or its world file)",
                    )
                continue
            _, who, field = ref.path
            if who not in self.story.cast:
                self.add(
                    "CR126",
                    "error",
                    f"{{cast.{who}.{field}}} names {who!r}, who is not in the cast",
                    self.src.at_offset(path, text, ref.offset),
                    "add them under 'cast:' or fix the id",
                )
            elif field not in CAST_FIELDS:
                self.add(
                    "CR126",
                    "error",
                    f"cast members have no field {field!r}",
                    self.src.at_offset(path, text, ref.offset),
                    f"use one of: {', '.join(CAST_FIELDS)}",
                )

    def pov(self, path: Path, who: str | None) -> None:
        if who is not None and who not in self.story.cast:
            self.add(
                "CR126",
                "error",
                f"point of view {who!r} is not in the cast",
                self.src.value(path),
                "add them under 'cast:' or use one of: " + ", ".join(self.story.cast) or "-",
            )

    # ------------------------------------------------------------------ references
    def references(self) -> None:
        """Names and expressions: declarations, scene links, texts, reflections, choices."""
        story = self.story
        self.pov(("pov",), story.pov)
        self.declarations()
        choice_ids: dict[str, Path] = {}
        reflect_ids: dict[str, Path] = {}
        for sid, scene in story.scenes.items():
            base: Path = ("scenes", sid)
            self.scene_references(base, scene)
            if scene.reflect is not None:
                self.reflection(base, scene.reflect, reflect_ids)
            if scene.checkin:
                self.checkin_ids(base, scene.checkin)
            for i, choice in enumerate(scene.choices):
                self.choice(base + ("choices", i), choice, choice_ids)
                if choice.reflect is not None:
                    self.reflection(base + ("choices", i), choice.reflect, reflect_ids)
        self.teaching(reflect_ids)

    def teaching(self, reflect_ids: dict[str, Path]) -> None:
        """Stances on choices, the best endings, and the facilitator's debrief prompts."""
        story = self.story
        for sid, scene in story.scenes.items():
            for i, choice in enumerate(scene.choices):
                if choice.stance is not None and choice.stance not in story.stances:
                    self.add(
                        "CR410",
                        "error",
                        f"stance {choice.stance!r} is not declared under 'stances:'",
                        self.src.value(("scenes", sid, "choices", i, "stance")),
                        _did_you_mean(choice.stance, set(story.stances))
                        or "declare it under 'stances:' (id: what it means)",
                    )
        if story.balance is not None:
            for k, best in enumerate(story.balance.best):
                target = story.scenes.get(best)
                if target is None or target.ending is None:
                    what = "is not a scene" if target is None else "is not an ending"
                    self.add(
                        "CR411",
                        "error",
                        f"balance: best ending {best!r} {what}",
                        self.src.value(("balance", "best", k)),
                        _did_you_mean(best, {s for s, sc in story.scenes.items() if sc.ending})
                        or "name ending scenes",
                    )
        if story.facilitator is not None:
            for prompt in story.facilitator.debrief:
                if prompt not in reflect_ids:
                    self.add(
                        "CR416",
                        "error",
                        f"facilitator debrief names prompt {prompt!r}, which no 'reflect:' has",
                        self.src.key(("facilitator", "debrief", prompt)),
                        _did_you_mean(prompt, set(reflect_ids)) or "use a reflection prompt's id",
                    )

    def declarations(self) -> None:
        """Meter bounds, flags declared twice or also meters, and the start scene."""
        story = self.story
        for mid, meter in story.meters.items():
            if meter.min > meter.max:
                self.add(
                    "CR112", "error", f"meter {mid!r} has min > max", self.src.key(("meters", mid))
                )
            elif not meter.min <= meter.initial <= meter.max:
                self.add(
                    "CR112",
                    "error",
                    f"meter {mid!r} starts at {meter.initial}, outside {meter.min}..{meter.max}",
                    self.src.value(("meters", mid, "start")),
                )
        seen_flags: set[str] = set()
        for i, flag in enumerate(story.flags):
            if flag in seen_flags:
                self.add(
                    "CR207",
                    "error",
                    f"flag {flag!r} is declared twice",
                    self.src.value(("flags", i)),
                )
            if flag in self.meters:
                self.add(
                    "CR207",
                    "error",
                    f"{flag!r} is both a meter and a flag",
                    self.src.value(("flags", i)),
                )
            seen_flags.add(flag)
        if story.start not in self.scenes:
            self.add(
                "CR202",
                "error",
                f"start scene {story.start!r} does not exist",
                self.src.value(("start",)),
                _did_you_mean(story.start, self.scenes),
            )

    def scene_references(self, base: Path, scene: Scene) -> None:
        """A scene's point of view, text, ``next:`` link, ending title and ``assumes:``."""
        self.pov(base + ("pov",), scene.pov)
        self.template(base + ("text",), scene.text)
        if scene.next is not None and scene.next not in self.scenes:
            self.add(
                "CR201",
                "error",
                f"next: scene {scene.next!r} does not exist",
                self.src.value(base + ("next",)),
                _did_you_mean(scene.next, self.scenes),
            )
        if scene.ending is not None:
            self.template(base + ("ending", "title"), scene.ending.title)
        if scene.assumes is not None:
            self.expr(base + ("assumes",), scene.assumes)

    def reflection(self, base: Path, reflect: Reflect, reflect_ids: dict[str, Path]) -> None:
        """A reflection prompt: unique id, its text, and whether it asks for an opinion."""
        rid = reflect.id
        if rid in reflect_ids:
            self.add(
                "CR207",
                "error",
                f"reflection id {rid!r} is used twice "
                f"(also at line {self.src.value(reflect_ids[rid])[0]})",
                self.src.value(base + ("reflect", "id")),
                "give every prompt its own id",
            )
        reflect_ids[rid] = base + ("reflect", "id")
        self.template(base + ("reflect", "prompt"), reflect.prompt)
        if is_opinion_prompt(reflect.prompt):
            self.add(
                "CR305",
                "warning",
                "this prompt asks for an opinion rather than an experience",
                self.src.value(base + ("reflect", "prompt")),
                "ask for a story: 'Think of a time… What happened?'",
            )

    def checkin_ids(self, base: Path, items: Sequence[CheckinItem]) -> None:
        """Check-in items appearing twice in one scene."""
        ids: set[str] = set()
        for k, item in enumerate(items):
            if item.id in ids:
                self.add(
                    "CR207",
                    "error",
                    f"check-in item {item.id!r} appears twice in this scene",
                    self.src.value(base + ("checkin", k, "id")),
                )
            ids.add(item.id)

    def choice(self, cbase: Path, choice: Choice, choice_ids: dict[str, Path]) -> None:
        """A choice: its target, condition, text, effects, flags and id."""
        if choice.to not in self.scenes:
            self.add(
                "CR201",
                "error",
                f"choice leads to scene {choice.to!r}, which does not exist",
                self.src.value(cbase + ("to",)),
                _did_you_mean(choice.to, self.scenes),
            )
        if choice.if_ is not None:
            self.expr(cbase + ("if",), choice.if_)
        self.template(cbase + ("say",), choice.say)
        for mname in choice.effects:
            if mname not in self.meters:
                self.add(
                    "CR125",
                    "error",
                    f"effects name {mname!r}, which is not a declared meter",
                    self.src.key(cbase + ("effects", mname)),
                    _did_you_mean(mname, self.meters) or "declare it under 'meters:'",
                )
            else:
                self.used_meters.add(mname)
                self.changed_meters.add(mname)
        for field in ("set", "clear"):
            for j, flag in enumerate(getattr(choice, field)):
                if flag not in self.flags:
                    self.add(
                        "CR125",
                        "error",
                        f"{field}: {flag!r} is not a declared flag",
                        self.src.value(cbase + (field, j)),
                        _did_you_mean(flag, self.flags) or "declare it under 'flags:'",
                    )
                elif field == "set":
                    self.set_flags.add(flag)
        if choice.id is not None:
            if choice.id in choice_ids:
                self.add(
                    "CR207",
                    "error",
                    f"choice id {choice.id!r} is used twice "
                    f"(also at line {self.src.value(choice_ids[choice.id])[0]})",
                    self.src.value(cbase + ("id",)),
                    "choice ids must be unique in a story",
                )
            choice_ids[choice.id] = cbase + ("id",)

    # ------------------------------------------------------------------ graph
    def graph(self, g: nx.DiGraph | None = None) -> None:
        """The scene graph's checks; ``g`` is the story's scene graph when the caller has it."""
        story = self.story
        if g is None:
            g = scene_graph(story)
        endings = {sid for sid, s in story.scenes.items() if s.ending is not None}
        for sid, scene in story.scenes.items():
            base: Path = ("scenes", sid)
            if scene.ending is not None:
                if scene.choices or scene.next:
                    self.add(
                        "CR206",
                        "error",
                        f"ending scene {sid!r} also offers a way on",
                        self.src.key(base + ("ending",)),
                        "remove 'choices'/'next', or remove 'ending'",
                    )
            elif not scene.choices and scene.next is None:
                self.add(
                    "CR204",
                    "error",
                    f"scene {sid!r} is a dead end: no choices, no next, and not an ending",
                    self.src.key(base),
                    "add choices, a 'next:' scene, or an 'ending:'",
                )
            elif len(scene.choices) == 1 and scene.next is None:
                self.add(
                    "CR301",
                    "warning",
                    f"scene {sid!r} offers a single choice",
                    self.src.key(base + ("choices",)),
                    "add an alternative, or use 'next:' to continue without a choice",
                )
        if not endings:
            self.add(
                "CR208",
                "error",
                "the story has no ending",
                self.src.key(("scenes",)),
                "mark at least one scene with 'ending: {kind: good, title: …}'",
            )
        if story.start not in g:
            return
        import networkx as nx

        reachable = nx.descendants(g, story.start) | {story.start}
        for sid in story.scenes:
            if sid not in reachable:
                self.add(
                    "CR203",
                    "error",
                    f"scene {sid!r} cannot be reached from the start scene {story.start!r}",
                    self.src.key(("scenes", sid)),
                    "link to it from another scene, or remove it",
                )
        if not endings:
            return
        # one reverse search from all endings at once (not one per ending)
        can_end: set[str] = set(endings)
        stack = list(endings)
        while stack:
            for pred in g.predecessors(stack.pop()):
                if pred not in can_end:
                    can_end.add(pred)
                    stack.append(pred)
        trapped = [
            sid
            for sid, scene in story.scenes.items()
            if sid in reachable and sid not in can_end and (scene.choices or scene.next)
        ]
        in_loop: set[str] = set()
        if trapped:
            for component in nx.strongly_connected_components(g.subgraph(trapped)):
                if len(component) > 1 or any(g.has_edge(s, s) for s in component):
                    in_loop |= component
        for sid in trapped:
            looped = sid in in_loop
            self.add(
                "CR205",
                "error",
                f"no ending can be reached from scene {sid!r} ("
                + ("a loop with no way out" if looped else "every way on leads nowhere")
                + ")",
                self.src.key(("scenes", sid)),
                "give one of the scenes in this loop a choice that leads towards an ending"
                if looped
                else "fix the missing or dead-end scenes it leads to, or add a way to an ending",
            )

    # ------------------------------------------------------------------ style
    def style(self) -> None:
        story = self.story
        for sid, scene in story.scenes.items():
            words = len(scene.text.split())
            if words > LONG_PASSAGE_WORDS:
                self.add(
                    "CR304",
                    "warning",
                    f"scene {sid!r} is {words} words long",
                    self.src.key(("scenes", sid, "text")),
                    f"split passages over {LONG_PASSAGE_WORDS} words: learners skim long screens",
                )
        for mid, meter in story.meters.items():
            if mid not in self.used_meters:
                self.add(
                    "CR302",
                    "warning",
                    f"meter {mid!r} is never changed or tested",
                    self.src.key(("meters", mid)),
                    "use it in an effect or condition, or remove it",
                )
            elif mid not in self.changed_meters:
                self.add(
                    "CR302",
                    "warning",
                    f"meter {mid!r} is never changed by any effect, so it stays at "
                    f"{meter.initial}",
                    self.src.key(("meters", mid)),
                    "change it in a choice's 'effects:', or replace it with a constant",
                )
        for i, flag in enumerate(story.flags):
            if flag not in self.set_flags:
                self.add(
                    "CR303",
                    "warning",
                    f"flag {flag!r} is never set, so it is always false",
                    self.src.value(("flags", i)),
                    "set it with 'set: [...]' on a choice, or remove it",
                )
            elif flag not in self.read_flags:
                self.add(
                    "CR303",
                    "warning",
                    f"flag {flag!r} is set but never tested",
                    self.src.value(("flags", i)),
                    "test it in an 'if:' or a {if …} block, or remove it",
                )


def _did_you_mean(name: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(options), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def validate(story: Story) -> list[Diagnostic]:
    """Run every structural check on a loaded story.

    Returns:
        The diagnostics found, errors and warnings, in no particular order.
    """
    with quiet_gc():
        checker = _Checker(story)
        checker.references()
        checker.graph()
        checker.style()
    return checker.out
