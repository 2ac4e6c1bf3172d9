"""Turn an :class:`~crossroads.engine.explore.result.ExploreResult` into positioned diagnostics.

=====  ========  ==========================================================================
code   severity  finding
=====  ========  ==========================================================================
CR401  error     a choice whose condition never holds in any state where its scene is reached,
                 with the reason (a meter's range there, a flag never set, a scene never seen)
CR402  error     an ending no sequence of choices reaches under the story's rules
CR403  warning   a scene reachable in the graph but never under the rules
CR404  warning   an ``{if}`` branch that never shows, or a block that always shows the same one
CR405  warning   fewer reflection prompts than ``min_reflections`` on some path to an ending
                 (a scene's prompt, and a choice's own on the paths that take it)
CR406  warning   a dominant choice (see below)
CR407  warning   the state space was too large: results come from sampling, not proof
CR408  error     a state with no way on, or from which no ending can be reached
CR409  info      an ending is reachable: the shortest witness path, in ``data["witness"]``
CR412  warning   always taking one stance reaches only the best endings (witness path)
CR413  warning   always raising the meters most reaches only the best endings (witness path)
CR414  error     a scene's ``assumes:`` is false on some path that reaches it (counterexample)
CR415  warning   an ``assumes:`` could not be proved, because the state space was sampled
=====  ========  ==========================================================================

**Policies (CR412, CR413)** are described in :mod:`crossroads.engine.explore.policy`.

When exploration had to sample (CR407), "never" findings (CR401–CR404) are downgraded to
warnings: sampling proves what it finds, not what it misses.

**Dominance (CR406).** Higher meter values are taken to be better (that is how meters read to a
learner: trust, time, voices heard). Two choices of a scene are *comparable* only when they differ
in nothing but their meter effects — the same target scene, the same flags set and cleared, the
same ``once`` — because a choice that leads elsewhere or changes what the story remembers is a
different story, not a better deal. A choice is reported as dominant when, against every
comparable sibling offered alongside it, it leaves every meter at least as high in every explored
state where both are offered, and some meter strictly higher at least once. Ties are not
reported. Meters no condition reads are compared through their effects (``+n`` against ``+m``, or
``=n`` against ``=m``); a set against a change makes no claim.
"""

from __future__ import annotations

from crossroads.engine import expressions as ex
from crossroads.engine.diagnostics import Diagnostic, Severity
from crossroads.engine.explore.result import ExploreResult, Witness
from crossroads.engine.model import Story
from crossroads.engine.scene_graph import scene_graph
from crossroads.engine.sourcemap import Path

_NEVER = {">=": "never reaches", ">": "never goes above", "<=": "never falls to",
          "<": "never falls below"}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
_NEGATE = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


def witness_json(witness: Witness) -> list[dict[str, object]]:
    """A witness path as JSON-ready steps."""
    return [step.to_json() for step in witness]


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class _Reporter:
    def __init__(self, result: ExploreResult) -> None:
        self.r = result
        self.story: Story = result.story
        self.src = result.story.source
        self.out: list[Diagnostic] = []
        self.proof = result.exhaustive

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        pos: tuple[int, int],
        hint: str = "",
        **data: object,
    ) -> None:
        if not self.proof and severity == "error" and code in ("CR401", "CR402"):
            severity = "warning"
        self.out.append(
            Diagnostic(code, severity, message, self.src.file, pos[0], pos[1], hint, dict(data))
        )

    def at(self, path: Path, text: str, offset: int) -> tuple[int, int]:
        """Position of character ``offset`` of the string at ``path``."""
        if offset == 0 and not self.src.styles.get(path):
            return self.src.value(path)  # a plain scalar starts where its value does
        return self.src.at_offset(path, text, offset)

    @property
    def scope(self) -> str:
        r = self.r
        if r.exhaustive:
            return f"in any of the {r.states:,} reachable states"
        return f"in {r.states:,} explored states and {r.sampled_runs:,} sampled playthroughs"

    # ------------------------------------------------------------------ findings
    def sampled(self) -> None:
        r = self.r
        if r.exhaustive:
            return
        self.add(
            "CR407",
            "warning",
            f"the story has more than {r.max_states:,} distinct states; explored "
            f"{r.states:,} of them and sampled {r.sampled_runs:,} playthroughs, so what was not "
            "found below is likely, not proven, impossible",
            self.src.key(("scenes",)),
            "fewer or coarser meters shrink the state space",
            states=r.states,
            sampled_runs=r.sampled_runs,
        )

    def choices(self) -> None:
        for sid, scene in self.story.scenes.items():
            if sid not in self.r.reached:
                continue
            for i, choice in enumerate(scene.choices):
                if (sid, i) in self.r.enabled or choice.if_ is None:
                    continue
                path: Path = ("scenes", sid, "choices", i, "if")
                node = ex.parse(choice.if_)
                why = self.why_never(sid, node)
                if why is None:
                    reason = f"it is false {self.scope} at this scene"
                    offset = 0
                else:
                    reason, offset = why
                self.add(
                    "CR401",
                    "error",
                    f"the choice {_short(choice.say)!r} can never be taken: {reason}",
                    self.at(path, choice.if_, offset),
                    "relax the condition, or change the effects that lead here",
                    scene=sid,
                    choice=i,
                )

    def why_never(self, sid: str, node: ex.Expr) -> tuple[str, int] | None:
        """A reason the condition is false in every state at ``sid``, with its offset (only
        when exploration was exhaustive: sampled ranges prove nothing)."""
        if not self.proof:
            return None
        if isinstance(node, ex.BoolOp):
            if node.op == "and":
                for operand in node.operands:
                    found = self.why_never(sid, operand)
                    if found is not None:
                        return found
                return None
            reasons = [self.why_never(sid, o) for o in node.operands]
            if all(reasons):
                parts = [rr[0] for rr in reasons if rr is not None]
                return "none of its alternatives can hold (" + "; ".join(parts) + ")", _pos(node)
            return None
        return self._atom_never(sid, node, negated=False)

    def _atom_never(self, sid: str, node: ex.Expr, negated: bool) -> tuple[str, int] | None:
        if isinstance(node, ex.Not):
            return self._atom_never(sid, node.operand, not negated)
        if isinstance(node, ex.Bool):
            return ("the condition is always false", node.pos) if node.value == negated else None
        if isinstance(node, ex.Name) and node.name in self.story.flags:
            flag = node.name
            if not negated and flag not in self.r.flags_on.get(sid, frozenset()):
                return f"flag {flag!r} is never set by the time this scene is reached", node.pos
            if negated and flag not in self.r.flags_off.get(sid, frozenset()):
                return f"flag {flag!r} is always set by the time this scene is reached", node.pos
            return None
        if isinstance(node, ex.SceneCall) and node.func == "visited":
            lo, hi = self.r.ranges.get(sid, {}).get(f'visits("{node.scene}")', (0, 1))
            if not negated and hi == 0:
                return f"scene {node.scene!r} is never visited before this scene", node.pos
            if negated and lo >= 1:
                return f"scene {node.scene!r} is always visited before this scene", node.pos
            return None
        if isinstance(node, ex.Compare):
            return self._compare_never(sid, node, negated)
        return None

    def _compare_never(self, sid: str, node: ex.Compare, negated: bool) -> tuple[str, int] | None:
        op = _NEGATE[node.op] if negated else node.op
        left, right = node.left, node.right
        if isinstance(left, ex.Num) and not isinstance(right, ex.Num):
            left, right, op = right, left, _FLIP[op]
        if not isinstance(right, ex.Num):
            return None
        if isinstance(left, ex.Name) and left.name in self.story.meters:
            name, label = left.name, left.name
        elif isinstance(left, ex.SceneCall) and left.func == "visits":
            name, label = f'visits("{left.scene}")', f"the visits to {left.scene!r}"
        else:
            return None
        got = self.r.ranges.get(sid, {}).get(name)
        if got is None:
            return None
        lo, hi = got
        c = right.value
        possible = {
            ">=": hi >= c, ">": hi > c, "<=": lo <= c, "<": lo < c,
            "==": lo <= c <= hi, "!=": not lo == hi == c,
        }[op]
        if possible:
            return None
        pos = min(n.pos for n in ex.walk(node))
        if op in (">=", ">"):
            return f"{label} {_NEVER[op]} {c} here: the most it can be at this scene is {hi}", pos
        if op in ("<=", "<"):
            return f"{label} {_NEVER[op]} {c} here: the least it can be at this scene is {lo}", pos
        if op == "==":
            return f"{label} is never {c} here: it ranges from {lo} to {hi} at this scene", pos
        return f"{label} is always {c} at this scene", pos

    def scenes(self) -> None:
        g = scene_graph(self.story)
        for sid, scene in self.story.scenes.items():
            if sid in self.r.reached:
                continue
            closed = [
                f"{p} #{i}" for p in g.predecessors(sid) if p in self.r.reached
                for i, ch in enumerate(self.story.scenes[p].choices) if ch.to == sid
            ]
            why = (
                "the choices leading here never hold (" + ", ".join(closed) + ")"
                if closed else "every scene leading here is itself never reached"
            )
            if scene.ending is not None:
                self.add(
                    "CR402",
                    "error",
                    f"the ending {sid!r} ({scene.ending.kind}) can never be reached under the "
                    f"story's rules: {why}",
                    self.src.key(("scenes", sid)),
                    "check the conditions and effects on the way to it",
                    scene=sid,
                )
            else:
                self.add(
                    "CR403",
                    "warning",
                    f"scene {sid!r} is linked but never reached under the story's rules: {why}",
                    self.src.key(("scenes", sid)),
                    "check the conditions and effects on the way to it",
                    scene=sid,
                )

    def endings(self) -> None:
        for sid, witness in self.r.endings.items():
            scene = self.story.scenes[sid]
            assert scene.ending is not None
            self.add(
                "CR409",
                "info",
                f"ending {sid!r} ({scene.ending.kind}) is reachable in "
                f"{len(witness)} step{'s' if len(witness) != 1 else ''}",
                self.src.key(("scenes", sid)),
                scene=sid,
                witness=witness_json(witness),
            )

    def dead_ends(self) -> None:
        for sid, witness in self.r.stuck.items():
            steps = f"{len(witness)} step{'s' if len(witness) != 1 else ''}"
            self.add(
                "CR408",
                "error",
                f"a learner can be stuck at scene {sid!r}: no choice is available and it has no "
                f"next (after {steps}, see the witness)",
                self.src.key(("scenes", sid)),
                "add a choice without a condition, or a 'next:' scene",
                scene=sid,
                witness=witness_json(witness),
            )
        for sid, witness in self.r.trapped.items():
            self.add(
                "CR408",
                "error",
                f"from some states of scene {sid!r} no ending can be reached under the story's "
                "rules (a loop with no way out)",
                self.src.key(("scenes", sid)),
                "make sure a way out of the loop stays open",
                scene=sid,
                witness=witness_json(witness),
            )

    def blocks(self) -> None:
        for block in self.r.compiled.all_blocks():
            path = block.key[0]
            shown = self.r.blocks.get(block.key)
            if shown is None:
                continue
            sid = str(path[1])
            text = block.text
            branches = block.branches
            if len(shown) == 1 and next(iter(shown)) >= 0:
                k = next(iter(shown))
                br = branches[k]
                if br.cond is not None:
                    self.add(
                        "CR404",
                        "warning",
                        f"the text block {{if {_short(br.source, 40)}}} always shows "
                        "here: its condition holds whenever this text is shown",
                        self.at(path, text, br.offset),
                        "remove the condition, or make the other case possible",
                        scene=sid,
                    )
                    continue
            for k, br in enumerate(branches):
                if k in shown:
                    continue
                if br.cond is None:
                    label, offset, why = "{else}", br.offset, "an earlier condition always holds"
                else:
                    label, offset = "{if " + _short(br.source, 40) + "}", br.offset
                    found = self.why_never(sid, br.cond)
                    why = found[0] if found else (
                        "its condition is false whenever this text is shown"
                    )
                self.add(
                    "CR404",
                    "warning",
                    f"the text block {label} never shows here: {why}",
                    self.at(path, text, offset),
                    "fix the condition, or remove the text that can never show",
                    scene=sid,
                )

    def reflections(self) -> None:
        cov = self.r.reflections
        need = self.story.min_reflections
        if cov.min_prompts is None or cov.min_prompts >= need:
            return
        run = "unbounded (a loop without a prompt)" if cov.longest_run is None else str(
            cov.longest_run
        )
        path: Path = (
            ("min_reflections",) if "min_reflections" in self.story.model_fields_set else ("start",)
        )
        self.add(
            "CR405",
            "warning",
            f"a path to an ending passes only {cov.min_prompts} reflection prompt"
            f"{'s' if cov.min_prompts != 1 else ''} (min_reflections is {need}); the longest run "
            f"of steps without one is {run}",
            self.src.key(path),
            "add 'reflect:' prompts on the short paths, or lower min_reflections",
            min_prompts=cov.min_prompts,
            longest_run=cov.longest_run,
            basis=cov.basis,
            witness=witness_json(self.r.reflection_witness),
        )

    def dominance(self) -> None:
        by_choice: dict[tuple[str, int], list[tuple[int, bool]]] = {}
        for (sid, a, b), stats in self.r.pairs.items():
            if stats.together:
                by_choice.setdefault((sid, a), []).append((b, stats.ge and stats.gt))
        for (sid, a), against in sorted(by_choice.items()):
            if not all(ok for _b, ok in against):
                continue
            choices = self.story.scenes[sid].choices
            others = ", ".join(repr(_short(choices[b].say, 32)) for b, _ok in sorted(against))
            self.add(
                "CR406",
                "warning",
                f"the choice {_short(choices[a].say)!r} is a dominant strategy: it leaves every "
                f"meter at least as high as {others} wherever both are offered, and they lead "
                "to the same scene with the same flags",
                self.src.value(("scenes", sid, "choices", a)),
                "give each option a real cost, or make them lead to different consequences",
                scene=sid,
                choice=a,
                against=[b for b, _ok in sorted(against)],
            )

    def assumptions(self) -> None:
        for sid, scene in self.story.scenes.items():
            if scene.assumes is None or sid not in self.r.reached:
                continue
            witness = self.r.broken.get(sid)
            path: Path = ("scenes", sid, "assumes")
            if witness is not None:
                steps = f"{len(witness)} step{'s' if len(witness) != 1 else ''}"
                self.add(
                    "CR414",
                    "error",
                    f"scene {sid!r} assumes {_short(scene.assumes, 60)!r}, but a path of {steps} "
                    f"reaches it where that is false: {_route(witness)}",
                    self.src.value(path),
                    "make the text fit every path that reaches it, or gate the choices that "
                    "lead here",
                    scene=sid,
                    witness=witness_json(witness),
                )
            elif not self.r.exhaustive:
                self.add(
                    "CR415",
                    "warning",
                    f"scene {sid!r} assumes {_short(scene.assumes, 60)!r}: no sampled path broke "
                    "it, but the state space was too large to prove it",
                    self.src.value(path),
                    scene=sid,
                )

    def policies(self) -> None:
        from crossroads.engine.explore.policy import GREEDY

        for found in self.r.policies:
            endings = ", ".join(repr(e) for e in found.endings)
            if found.policy == GREEDY:
                code = "CR413"
                what = "always taking the option that raises the meters most"
                pos = self.src.key(("balance",) if self.story.balance else ("meters",))
            else:
                code = "CR412"
                what = f"always taking the {found.policy!r} stance where it is offered"
                pos = self.src.key(("stances", found.policy))
            self.add(
                code,
                "warning",
                f"{what} reaches only the best ending{'s' if len(found.endings) != 1 else ''} "
                f"({endings}), for example: {_route(found.witness)}",
                pos,
                policy=found.policy,
                endings=list(found.endings),
                witness=witness_json(found.witness),
            )

    def run(self) -> list[Diagnostic]:
        self.sampled()
        self.choices()
        self.scenes()
        self.endings()
        self.dead_ends()
        self.blocks()
        self.reflections()
        self.dominance()
        self.assumptions()
        self.policies()
        return self.out


def _route(witness: Witness, most: int = 8) -> str:
    """A witness path in one line: the choices taken, in order."""
    said = [_short(step.say, 28) for step in witness]
    if len(said) > most:
        said = [*said[: most - 2], "…", *said[-1:]]
    return " → ".join(said) if said else "(the start scene)"


def _pos(node: ex.Expr) -> int:
    return min(n.pos for n in ex.walk(node))


def diagnostics(result: ExploreResult) -> list[Diagnostic]:
    """Every finding of an exploration as positioned diagnostics (see the module docstring)."""
    return _Reporter(result).run()

