"""A Crossroads story → Twee 3 for Twine's story map, with SugarCube 2 state.

SugarCube, not Harlowe: a SugarCube link carries its own state change (``[[text|P][$x to 1]]``),
which is exactly a Crossroads choice's effects, and ``StoryInit`` holds the start values; Harlowe
would need a ``(link:)`` hook with ``(set:)`` and ``(go-to:)`` for every choice. Meters stay within
their bounds with ``Math.clamp`` (SugarCube's own), so conditions see the same numbers.

One passage per scene, named by the scene id (so importing it back gives the same ids); a
condition wraps its link in ``<<if>>``; ``next:`` is a "Continue" link; an ending is tagged
``ending-KIND``. Reflections, check-ins, cast and points of view have no Twine equivalent and are
left out.
"""

from __future__ import annotations

import json
import re
import uuid

from crossroads.engine import expressions as ex
from crossroads.engine import templates as tp
from crossroads.engine.effects import parse_effect
from crossroads.engine.model import Story
from crossroads.engine.twee.parse import escape_name

#: The namespace of story IFIDs: uuid5(this, story id).
IFID_NAMESPACE = uuid.UUID("5b1f6c0e-6a39-4f0e-9d55-2f1a3c7e8b40")
FORMAT = "SugarCube"
FORMAT_VERSION = "2.36.1"


def story_ifid(story_id: str) -> str:
    """The story's Twine IFID: stable for a story id (uuid5, upper case)."""
    return str(uuid.uuid5(IFID_NAMESPACE, story_id)).upper()


_CMP = {"==": "is", "!=": "isnot"}


def condition(node: ex.Expr) -> str:
    """A condition in SugarCube's TwineScript."""
    if isinstance(node, ex.Num):
        return str(node.value)
    if isinstance(node, ex.Bool):
        return "true" if node.value else "false"
    if isinstance(node, ex.Name):
        return f"${node.name}"
    if isinstance(node, ex.SceneCall):
        fn = "hasVisited" if node.func == "visited" else "visited"
        return f'{fn}("{node.scene}")'
    if isinstance(node, ex.Not):
        return f"not {_atom(node.operand)}"
    if isinstance(node, ex.Neg):
        return f"-{_atom(node.operand)}"
    if isinstance(node, ex.BoolOp):
        return f" {node.op} ".join(_atom(o) for o in node.operands)
    op = _CMP.get(node.op, node.op)
    return f"{_atom(node.left)} {op} {_atom(node.right)}"


def _atom(node: ex.Expr) -> str:
    text = condition(node)
    simple = isinstance(node, (ex.Num, ex.Bool, ex.Name, ex.SceneCall))
    return text if simple else f"({text})"


def _markup(text: str) -> str:
    text = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"''\1''", text)
    text = re.sub(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])", r"//\1//", text)
    text = re.sub(r"^(#{1,6})\s*", lambda m: "!" * len(m.group(1)), text, flags=re.MULTILINE)
    return text.replace("[[", "[ [").replace("<<", "< <")


def _template(text: str) -> str:
    """Crossroads text ({meter}, {if}…{end}) → SugarCube markup."""
    return "".join(_segment(s) for s in tp.parse_template(text).segments)


def _segment(seg: tp.Segment) -> str:
    if isinstance(seg, tp.Lit):
        return _markup(seg.text)
    if isinstance(seg, tp.Value):
        return f"<<print {condition(seg.expr)}>>" if not isinstance(seg.expr, ex.Name) \
            else f"${seg.expr.name}"
    if isinstance(seg, tp.Ref):
        return "you" if seg.path == ("learner",) else ".".join(seg.path)
    out = ""
    for k, br in enumerate(seg.branches):
        body = "".join(_segment(s) for s in br.body)
        if br.cond is None:
            out += "<<else>>" + body
        else:
            out += ("<<if " if k == 0 else "<<elseif ") + condition(br.cond) + ">>" + body
    return out + "<</if>>"


def _effects(story: Story, effects: dict[str, int | str], sets: list[str],
             clears: list[str]) -> list[str]:
    out: list[str] = []
    for name, value in effects.items():
        op, n = parse_effect(value)
        meter = story.meters.get(name)
        lo, hi = (meter.min, meter.max) if meter else (0, 100)
        if op == "=":
            out.append(f"${name} to {n}")
        else:
            sign = "+" if n >= 0 else "-"
            out.append(f"${name} to Math.clamp(${name} {sign} {abs(n)}, {lo}, {hi})")
    out += [f"${f} to true" for f in sets] + [f"${f} to false" for f in clears]
    return out


def _link_text(story: Story, say: str) -> str:
    text = _template(say).replace("]", "）").replace("|", "¦")
    return text.replace("->", "→").replace("<-", "←") or "Continue"


def export_twee(story: Story) -> str:
    """The story as Twee 3 text (SugarCube 2)."""
    data = {"ifid": story_ifid(story.id), "format": FORMAT, "format-version": FORMAT_VERSION,
            "start": story.start, "zoom": 1}
    out = [":: StoryTitle", story.title, "", ":: StoryData", json.dumps(data, indent=2), ""]
    init = [f"<<set ${name} to {m.initial}>>" for name, m in story.meters.items()]
    init += [f"<<set ${f} to false>>" for f in story.flags]
    if init:
        out += [":: StoryInit", *init, ""]
    for k, (sid, scene) in enumerate(story.scenes.items()):
        tags = []
        if scene.ending is not None:
            tags.append(f"ending-{scene.ending.kind}")
        pos = {"position": f"{100 + 150 * (k % 8)},{100 + 150 * (k // 8)}", "size": "100,100"}
        header = f":: {escape_name(sid)}"
        if tags:
            header += f" [{' '.join(tags)}]"
        out.append(header + " " + json.dumps(pos))
        if scene.title and scene.title != sid:
            out.append(f"!! {_template(scene.title)}")
        text = _template(scene.text).rstrip()
        if text:
            out.append("\n".join("\\" + ln if ln.startswith("::") else ln
                                 for ln in text.split("\n")))
        links = []
        for choice in scene.choices:
            link = f"[[{_link_text(story, choice.say)}|{choice.to}]"
            setters = _effects(story, dict(choice.effects), choice.set, choice.clear)
            link += f"[{', '.join(setters)}]]" if setters else "]"
            if choice.if_:
                link = f"<<if {condition(ex.parse(choice.if_))}>>{link}<</if>>"
            links.append(link)
        if scene.next:
            links.append(f"[[Continue|{scene.next}]]")
        if links:
            out += ["", *links]
        out.append("")
    return "\n".join(out)
